"""Whether a Latin name and an Arabic name are the same name: a shared consonant key.

English news writes Arabic names in many spellings ("Jaish al-Fatah", "Jaysh al-Fath", "Jeish
el-Fateh"; "Hezbollah", "Hizballah") and the articles write them in Arabic ("جيش الفتح",
"حزب الله"). No list can hold every spelling of every name, and no translation model exists
offline, so both sides are reduced to what survives transliteration: the consonants, in classes
that English renderings of Arabic letters share (ت ط ث / t th; س ص ش / s sh; ك ق / k q c; ج غ / j g
gh ...), without vowels (Arabic leaves short ones unwritten, English writes them at will), the
article (ال / al- el- ash- ...), doubled letters or a final h. A word-initial و or ي is a
consonant ("Yarmouk" / "اليرموك"); inside a word it is usually a vowel and is dropped on both sides.

A key is lossy by design: short keys collide, so callers count a match only for keys of
``MIN_KEY`` letters or more.
"""

from __future__ import annotations

import functools
import re

from .arabic import normalize

# Shorter keys ("RS", "LB") match too many unrelated words to be evidence of a name.
MIN_KEY = 3
# How many Arabic words one Latin name may span ("Hezbollah" is "حزب الله"; "Jaish al-Fatah" two words).
MAX_WORDS = 3

_ARABIC_CLASS = {
    "ب": "B", "ت": "T", "ث": "T", "ج": "G", "ح": "H", "خ": "X", "د": "D", "ذ": "D", "ر": "R", "ز": "Z",
    "س": "S", "ش": "S", "ص": "S", "ض": "D", "ط": "T", "ظ": "Z", "غ": "G", "ف": "F", "ق": "K", "ك": "K",
    "ل": "L", "م": "M", "ن": "N", "ه": "H", "و": "W", "ي": "Y",
}
# Letters that are vowels or silent in transliteration: alef, ain, hamza, ta marbuta (folded to ه
# only at a word's end, see ``_arabic_word_key``).
_ARABIC_SILENT = set("اعءىة")
_ARABIC_WORD = re.compile("[\u0621-\u064a]+")
# Proclitics an Arabic word may carry before its article: و ف ب ل ك.
_CLITICS = ("و", "ف", "ب", "ل", "ك")

# Longest first: digraphs before their letters.
_LATIN_CLASS = [
    ("kh", "X"), ("gh", "G"), ("sh", "S"), ("ch", "S"), ("th", "T"), ("dh", "D"), ("ph", "F"), ("ck", "K"),
    ("ou", "W"), ("x", "KS"),
    ("b", "B"), ("p", "B"), ("t", "T"), ("j", "G"), ("g", "G"), ("h", "H"), ("d", "D"), ("r", "R"), ("z", "Z"),
    ("s", "S"), ("f", "F"), ("v", "F"), ("q", "K"), ("k", "K"), ("c", "K"), ("l", "L"), ("m", "M"), ("n", "N"),
    ("w", "W"), ("y", "Y"),
]
_LATIN_ARTICLE = re.compile(r"^(?:al|el|ul|il|a[dnrstz]|as[h]?|e[dnrstz])[-‐‑'’ʼ]", re.IGNORECASE)
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’ʼ‐‑-]*")


def _collapse(key: str) -> str:
    """Doubled letters once: shadda is unwritten, and "Assad" or "Hezbollah" double theirs."""
    return re.sub(r"(.)\1+", r"\1", key)


def _word_key(chars: list[str]) -> str:
    """W and Y only at a word's start (elsewhere they are vowels), doubled letters once, a final H
    dropped ("Fatah" / "الفتح", "Hamah" / "حماة")."""
    if not chars:
        return ""
    key = _collapse(chars[0] + "".join(c for c in chars[1:] if c not in "WY"))
    return key[:-1] if len(key) > 1 and key.endswith("H") else key


def _join(keys) -> str:
    return _collapse("".join(keys))


def _latin_classes(word: str) -> list[str]:
    chars: list[str] = []
    i = 0
    while i < len(word):
        for latin, cls in _LATIN_CLASS:
            if word.startswith(latin, i):
                # "ou" is a vowel inside a word ("Yarmouk"), a w at its start ("Ouda").
                chars.extend(cls if latin != "ou" or i == 0 else "")
                i += len(latin)
                break
        else:
            if word[i] == "y" and not chars:
                chars.append("Y")
            i += 1
    return chars


@functools.lru_cache(maxsize=1 << 16)
def latin_word_keys(word: str) -> frozenset[str]:
    """The consonant keys of one Latin word, its article ("al-", "ash-") removed. A final "-at" may be
    a ta marbuta in a construct ("Jabhat al-Nusra" / "جبهة النصرة"), so the key without its t is one too."""
    word = re.sub(r"[^a-z]", "", _LATIN_ARTICLE.sub("", word).lower())
    keys = {_word_key(_latin_classes(word))}
    if len(word) > 4 and word[-2:] in ("at", "et"):
        keys.add(_word_key(_latin_classes(word[:-1])))
    return frozenset(k for k in keys if k)


def latin_keys(name: str) -> frozenset[str]:
    """The consonant keys of a Latin name of one or more words ("Jaish al-Fatah" -> {"GSFT"})."""
    keys = {""}
    for word in _LATIN_WORD.findall(name):
        keys = {k + w for k in keys for w in latin_word_keys(word) or {""}}
    return frozenset(_collapse(k) for k in keys if k)


def _arabic_word_key(word: str) -> str:
    if word.endswith("ه") and len(word) > 2:  # ta marbuta, folded to ه by ``normalize``: silent
        word = word[:-1]
    return _word_key([_ARABIC_CLASS[c] for c in word if c not in _ARABIC_SILENT and c in _ARABIC_CLASS])


@functools.lru_cache(maxsize=1 << 18)
def arabic_word_keys(word: str) -> frozenset[str]:
    """The keys one Arabic word may stand for: as written, and without a proclitic or the article
    ("والفتح" -> the key of "فتح")."""
    word = normalize(word)
    forms = {word}
    for clitic in _CLITICS:
        if word.startswith(clitic) and len(word) > 3:
            forms.add(word[len(clitic):])
    for form in list(forms):
        if form.startswith("ال") and len(form) > 3:
            forms.add(form[2:])
        elif form.startswith("لل") and len(form) > 3:  # "للنصرة": li- + al-
            forms.add(form[2:])
    return frozenset(k for k in (_arabic_word_key(f) for f in forms) if k)


@functools.lru_cache(maxsize=4096)
def _text_word_keys(text: str) -> tuple[frozenset[str], ...]:
    return tuple(arabic_word_keys(word) for word in _ARABIC_WORD.findall(text))


def holds_key(keys: frozenset[str], text: str, max_words: int = MAX_WORDS) -> bool:
    """Whether a run of up to ``max_words`` consecutive Arabic words of ``text`` reduces to one of ``keys``
    ("حزب الله" to the key of "Hezbollah"; inner words lose their article). Only the runs that can still
    become one of ``keys`` are followed: listing every run's key is slow on a long passage."""
    words = _text_word_keys(text)
    for start in range(len(words)):
        runs = {k for k in words[start] if any(target.startswith(k) for target in keys)}
        for inner in words[start + 1:start + max_words]:
            if not runs or runs & keys:
                break
            runs = {joined for run in runs for k in inner
                    if any(target.startswith(joined := _join((run, k))) for target in keys)}
        if runs & keys:
            return True
    return False


def arabic_keys(name: str) -> frozenset[str]:
    """The keys of an Arabic name as a whole, every word of it ("لواء اليرموك" -> {"LYRMK", ...}): what
    a Latin rendering of the whole name must reduce to, where ``holds_key`` also finds its parts."""
    keys = {""}
    for word in _ARABIC_WORD.findall(name):
        keys = {_join((k, w)) for k in keys for w in arabic_word_keys(word)} or keys
    return frozenset(k for k in keys if k)


def names_match(latin_name: str, arabic_name: str) -> bool:
    """Whether a Latin name can be a rendering of an Arabic name (whole names, keys of ``MIN_KEY`` or more)."""
    keys = frozenset(k for k in latin_keys(latin_name) if len(k) >= MIN_KEY)
    return holds_key(keys, arabic_name, max_words=max(1, len(arabic_name.split())))
