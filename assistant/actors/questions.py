"""The actors a question names: the catalogue's, and those discovered in the indexed articles.

A question may name an actor that no list holds but the articles do (``discovery``; the index makes
them known with ``catalogue.use_discovered``). In Arabic it writes one of the forms the articles
write. In English it writes a Latin name no list holds ("Division 30", "the 30th Division", "Jaish
al-Fatah", "Jaysh al-Fath"), and for a discovered actor only its Arabic forms and their rule
transliteration are at hand. So a Latin name meets a discovered actor in one of two ways:

* an English head noun and the rest of the name, in either order ("Division 30", "30th Division",
  "Brigade of al-Yarmouk", "Yarmouk Brigade"): the head's Arabic counterparts (``HEADS_EN``) must
  hold the actor's head noun, and the rest must be the rest of its name: the same numbers (digits,
  "30th", "thirty", "first"; Arabic digits and ordinals) and the same consonant key for the other
  words (``transliteration``);
* the whole name transliterated ("Liwa al-Yarmouk", "Jaish al-Fatah", a person's name): its
  consonant key is the key of one of the actor's Arabic forms as a whole.

Precision comes first, since a question answered about the wrong group is worse than one refused:
only capitalised words and numbers make a Latin name, a key shorter than ``MIN_KEY`` is no evidence (a
whole name's key needs one letter more), and a name two actors could bear names neither.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from ..arabic import normalize
from ..transliteration import MIN_KEY, arabic_keys, latin_keys
from .catalogue import Catalogue, catalogue, discovered_actors
from .discovery import _key
from .mentions import find_mentions
from .model import Actor, Mention

# English head nouns, by the Arabic head noun they render.
HEADS_EN: dict[str, tuple[str, ...]] = {
    "فرقة": ("division",), "لواء": ("brigade",), "ألوية": ("brigades",), "جيش": ("army",),
    "حركة": ("movement",), "جبهة": ("front",), "كتائب": ("battalions", "brigades"), "كتيبة": ("battalion",),
    "قوات": ("forces",), "فيلق": ("corps", "legion"), "تنظيم": ("organization", "organisation"),
    "فصيل": ("faction",), "تجمع": ("gathering", "assembly"), "سرايا": ("companies",), "وحدات": ("units",),
    "جماعة": ("group",), "حزب": ("party",), "مجلس": ("council",), "هيئة": ("commission", "authority", "body"),
    "منظمة": ("organization", "organisation"), "ائتلاف": ("coalition",), "تحالف": ("alliance", "coalition"),
    "لجنة": ("committee",), "شعبة": ("branch", "section"), "نقابة": ("union", "syndicate"), "قناة": ("channel",),
    "غرفة عمليات": ("operations room",),
}


def _english_heads() -> dict[tuple[str, ...], frozenset[str]]:
    """English head (its words) -> the Arabic heads (matching forms) it may render."""
    heads: dict[tuple[str, ...], set[str]] = {}
    for arabic, english in HEADS_EN.items():
        for head in english:
            heads.setdefault(tuple(head.split()), set()).add(normalize(arabic))
    return {h: frozenset(a) for h, a in heads.items()}


_ENGLISH_HEADS = _english_heads()
_LONGEST_HEAD = max(len(h) for h in _ENGLISH_HEADS)
_ARABIC_HEADS = {normalize(h): len(h.split()) for h in HEADS_EN}

_UNITS = "one two three four five six seven eight nine ten eleven twelve".split()
_ORDINAL_UNITS = "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_ORDINAL_TENS = "twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth".split()
_ENGLISH_NUMBERS = {
    **{w: n for n, w in enumerate(_UNITS, 1)}, **{w: n for n, w in enumerate(_ORDINAL_UNITS, 1)},
    **{w: n * 10 for n, w in enumerate(_TENS, 2)}, **{w: n * 10 for n, w in enumerate(_ORDINAL_TENS, 2)},
}
# Arabic ordinals (masculine and feminine) and tens, without the article: "الفرقة الرابعة", "الفرقة الثلاثين".
_ARABIC_NUMBERS = {
    normalize(w): n
    for n, words in enumerate((
        "أول أولى", "ثاني ثانية", "ثالث ثالثة", "رابع رابعة", "خامس خامسة", "سادس سادسة", "سابع سابعة",
        "ثامن ثامنة", "تاسع تاسعة", "عاشر عاشرة"), 1)
    for w in words.split()
} | {normalize(w): n * 10 for n, words in enumerate((
    "عشرون عشرين", "ثلاثون ثلاثين", "أربعون أربعين", "خمسون خمسين", "ستون ستين", "سبعون سبعين",
    "ثمانون ثمانين", "تسعون تسعين"), 2) for w in words.split()}

# Words a question writes around names, capitalised or not: never part of one.
_NOT_NAME = frozenset(
    "who whom whose what which where when why how does do did is are was were has have had will would can could "
    "the a an of and or in on at to by for from with against about into than that this these those it its they "
    "their there".split())
# Words inside a name that never begin or end one: "Brigade of the Valley", an article written apart ("al Sham").
_ARTICLES_APART = frozenset({"al", "el", "ad", "ar", "as", "an", "ash", "at", "az", "wal"})
_CONNECTORS = frozenset({"of", "the"}) | _ARTICLES_APART
_LATIN_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’ʼ\-]*")
_ARTICLE = re.compile(r"^(?:al|el|ad|ar|as|ash|at|az|an|ul|wal)[-‐‑'’]", re.IGNORECASE)
_MAX_WORDS = 7
_DIGIT = re.compile(r"\d")
# A whole name meets an actor by its key alone only when the key is longer than the least that counts
# (``MIN_KEY``): three consonants are shared by too many names ("Kataib" and "قوات التعبئة").
_MIN_WHOLE_KEY = MIN_KEY + 1


@dataclass(frozen=True)
class NamePart:
    """The part of a name after its head noun: its numbers, and the consonant keys of its other words."""

    numbers: tuple[int, ...]
    keys: frozenset[str]
    words: bool  # whether it has words other than numbers

    def meets(self, other: NamePart) -> bool:
        """Whether two name parts, one Latin and one Arabic, are one name."""
        if self.numbers != other.numbers or self.words != other.words:
            return False
        return not self.words or any(len(k) >= MIN_KEY for k in self.keys & other.keys)


def _english_number(word: str) -> int | None:
    word = word.lower()
    digits = re.fullmatch(r"(\d+)(?:st|nd|rd|th)?", word)
    if digits:
        return int(digits.group(1))
    if word in _ENGLISH_NUMBERS:
        return _ENGLISH_NUMBERS[word]
    tens, _, unit = word.partition("-")  # "thirty-first"
    if tens in _TENS and unit in _ENGLISH_NUMBERS and _ENGLISH_NUMBERS[unit] < 10:
        return _ENGLISH_NUMBERS[tens] + _ENGLISH_NUMBERS[unit]
    return None


def _arabic_number(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    for form in (word, word[1:]) if word.startswith("و") else (word,):  # "والعشرون"
        form = form[2:] if form.startswith("ال") else form
        if form in _ARABIC_NUMBERS:
            return _ARABIC_NUMBERS[form]
    return None


def _name_word(word: str) -> bool:
    """Whether a Latin word can belong to a name: a number, or capitalised (after its article: "al-Sham")."""
    if _english_number(word) is not None or word.lower() in _ARTICLES_APART:
        return True
    bare = _ARTICLE.sub("", word).lstrip("'’ʼ‘`")  # an ain written as an apostrophe: "al-'Askariya"
    return word.lower() not in _NOT_NAME and bool(bare) and bare[0].isupper()


def english_name_part(words: list[str]) -> NamePart | None:
    """The name part of Latin ``words`` ("30th", "al-Yarmouk", "First Coastal"), or None when a word is no name's."""
    while words and words[0].lower() in _CONNECTORS:
        words = words[1:]
    if not words or not all(_name_word(w) for w in words):
        return None
    numbers = tuple(n for w in words if (n := _english_number(w)) is not None)
    rest = [w for w in words if _english_number(w) is None]
    return NamePart(numbers, _latin_name_keys(rest) if rest else frozenset(), bool(rest))


def _latin_name_keys(words: list[str]) -> frozenset[str]:
    """``latin_keys`` of a name's words, an article written apart left out as one joined to its word is."""
    return latin_keys(" ".join(w for w in words if w.lower() not in _ARTICLES_APART))


def arabic_name_part(words: list[str]) -> NamePart:
    """The name part of Arabic ``words`` (matching forms, after the head noun: "30", "الأولى الساحلية")."""
    numbers: list[int] = []
    rest: list[str] = []
    for word in words:
        number = _arabic_number(word)
        if number is None:
            rest.append(word)
        elif numbers and word.startswith("و") and number >= 20 and numbers[-1] < 10:
            numbers[-1] += number  # "الخامسة والعشرون"
        else:
            numbers.append(number)
    return NamePart(tuple(numbers), arabic_keys(" ".join(rest)) if rest else frozenset(), bool(rest))


def _actor_signatures(actor: Actor) -> tuple[list[tuple[str, NamePart]], set[str]]:
    """The (Arabic head, rest of the name) pairs and the whole-name keys an actor answers to."""
    heads: list[tuple[str, NamePart]] = []
    # A key has no digits: a name with a number is matched by its head noun and number only ("الفرقة 11" is
    # not "al-Farouq").
    keys = set() if _DIGIT.search(actor.name_en) else set(latin_keys(actor.name_en))
    latin_words = actor.name_en.split()
    for form in (actor.name_ar, *actor.aliases_ar):
        keys |= set() if _DIGIT.search(form) else arabic_keys(form)
        words = _key(form).split()
        for head, size in _ARABIC_HEADS.items():
            if " ".join(words[:size]) == head and len(words) > size:
                heads.append((head, arabic_name_part(words[size:])))
                if len(latin_words) == len(words):  # the rule transliteration renders the name word by word
                    latin = english_name_part(latin_words[size:])
                    if latin is not None:
                        heads.append((head, latin))
    return heads, {k for k in keys if len(k) >= _MIN_WHOLE_KEY}


class LatinNames:
    """The Latin names a set of actors (discovered ones) answer to, worked out once: by Arabic head noun,
    (actor id, the rest of its name); by the consonant key of a whole name, the actor ids."""

    def __init__(self, actors: Iterable[Actor]):
        by_head: dict[str, list[tuple[str, NamePart]]] = {}
        by_key: dict[str, set[str]] = {}
        for actor in actors:
            heads, keys = _actor_signatures(actor)
            for head, part in heads:
                by_head.setdefault(head, []).append((actor.id, part))
            for key in keys:
                by_key.setdefault(key, set()).add(actor.id)
        self.by_head = {h: tuple(v) for h, v in by_head.items()}
        self.by_key = {k: frozenset(v) for k, v in by_key.items()}

    def actors(self, words: list[str]) -> set[str]:
        """The actors the Latin name ``words`` may be, by head noun and name, or by its whole key."""
        found: set[str] = set()
        lowered = tuple(w.lower() for w in words)
        for size in range(1, min(_LONGEST_HEAD, len(words) - 1) + 1):
            for head, rest in ((lowered[-size:], words[:-size]), (lowered[:size], words[size:])):
                part = english_name_part(list(rest)) if head in _ENGLISH_HEADS else None
                if part is None:
                    continue
                for arabic in _ENGLISH_HEADS[head]:
                    found.update(actor for actor, known in self.by_head.get(arabic, ()) if part.meets(known))
        if words[0].lower() not in _CONNECTORS and all(_name_word(w) and not _DIGIT.search(w) for w in words):
            for key in _latin_name_keys(words):
                if len(key) >= _MIN_WHOLE_KEY:
                    found.update(self.by_key.get(key, ()))
        return found

    def mentions(self, text: str, taken: Iterable[Mention] = ()) -> list[Mention]:
        """The actors ``text`` names in Latin letters outside ``taken``'s spans, longest name first; a name two
        actors could bear is neither's, and no shorter name inside it counts."""
        tokens = list(_LATIN_TOKEN.finditer(text))

        def joined(k: int) -> bool:  # tokens k-1 and k with only space between: one name can hold both
            return 0 < k < len(tokens) and not re.search(r"[^\s\-]", text[tokens[k - 1].end():tokens[k].start()])

        def name_word(k: int) -> bool:
            return _name_word(tokens[k].group()) and tokens[k].group().lower() not in ("of", "the")

        spans = []
        for i in range(len(tokens)):
            for j in range(i + 1, min(len(tokens), i + _MAX_WORDS) + 1):
                if j - i > 1 and not joined(j - 1):
                    break  # punctuation ends a name
                # A name is the whole run of name words: "Kataib Sayyid" in "Kataib Sayyid al-Shuhada" is none.
                if (joined(i) and name_word(i - 1)) or (joined(j) and name_word(j)):
                    continue
                spans.append((tokens[i].start(), tokens[j - 1].end(), [t.group() for t in tokens[i:j]]))
        used = bytearray(len(text))
        for m in taken:
            used[m.start:m.end] = b"\x01" * (m.end - m.start)
        found = []
        for start, end, words in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
            if any(used[start:end]) or words[0].lower() in _CONNECTORS or words[-1].lower() in _CONNECTORS:
                continue
            ids = self.actors(words)
            if not ids:
                continue
            used[start:end] = b"\x01" * (end - start)
            if len(ids) == 1:
                found.append(Mention(next(iter(ids)), start, end, text[start:end]))
        return sorted(found, key=lambda m: m.start)


@lru_cache(maxsize=2)
def _latin_names(version: int) -> LatinNames:
    return LatinNames(discovered_actors()[0])


@lru_cache(maxsize=4)
def _with_discovered(cat: Catalogue, version: int) -> Catalogue:
    """``cat`` with the discovered ``actors``, each also under its folded key (its name with or without the
    article: "فرقة 30" for "الفرقة 30"), for ``find_mentions``."""
    extra = [dataclasses.replace(a, aliases_ar=tuple(dict.fromkeys((*a.aliases_ar, _key(a.name_ar)))))
             for a in discovered_actors()[0] if a.id not in cat.by_id]
    return Catalogue((*cat.actors, *extra), cat.merged, {**cat.by_id, **{a.id: a for a in extra}},
                     cat.discovered_aliases)


def known_mentions(text: str, cat: Catalogue | None = None) -> list[Mention]:
    """``find_mentions`` over the catalogue and the discovered actors (``use_discovered``), by their Arabic
    forms (and rule transliterations); merged ids resolved."""
    cat = cat or catalogue()
    actors, version = discovered_actors()
    found = find_mentions(text, cat=_with_discovered(cat, version) if actors else cat)
    return [dataclasses.replace(m, actor_id=cat.resolve(m.actor_id)) for m in found]


def question_mentions(text: str, cat: Catalogue | None = None) -> list[Mention]:
    """Every actor ``text`` (a question, or a name) names, in order: ``known_mentions``, and discovered actors
    named in Latin letters (``LatinNames``)."""
    cat = cat or catalogue()
    known = known_mentions(text, cat)
    latin = _latin_names(discovered_actors()[1]).mentions(text, known) if re.search("[A-Za-z]", text) else []
    return sorted(known + [dataclasses.replace(m, actor_id=cat.resolve(m.actor_id)) for m in latin],
                  key=lambda m: m.start)
