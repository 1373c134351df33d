"""Mention finding: every catalogue actor named in a text, with verbatim offsets."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from ..arabic import normalize
from .catalogue import Catalogue, catalogue
from .folding import _QUOTES, _fold
from .model import Mention

# --------------------------------------------------------------------------- matching

# Any spelling of "militia(s)" in front of a name: ميليشيا، ميلشيا، مليشيا، ميليشيات ...
_MILITIA = "مي?لي?شيا(?:ت)?"
_MILITIA_WORDS = re.compile(f"^{_MILITIA}$")
# Proclitics a name can carry: و/ف, then ب/ل/ك, and the article (بال، وال، لل ...).
_PROCLITIC = "(?:[وف]?[بلك]?|[وف]?[بك]?ال|[وف]?لل)"
_PROCLITIC_BEFORE_AL = "(?:[وف]?[بلك]?)"
_EN_SEP = r"[\s\-\u2010-\u2013]*"
_EN_APOSTROPHE = "['’ʼ‘`]?"


@dataclass(frozen=True)
class _AliasPattern:
    actor_id: str
    source: str
    flags: int
    probe: str  # a substring any match must contain: a cheap test before the regex
    arabic: bool

    @cached_property
    def regex(self) -> re.Pattern:
        """Compiled when a text first holds the probe: most aliases are never looked for in a process, and
        compiling them all made its first question or ingestion wait."""
        return re.compile(self.source, self.flags)


def _arabic_pattern(form: str) -> tuple[str, int, str] | None:
    folded = _fold(form)[0].strip()
    if not folded:
        return None
    words = folded.split(" ")
    parts = [re.escape(w) for w in words]
    if _MILITIA_WORDS.match(words[0]) and len(words) > 1:
        parts[0] = _MILITIA
    body = " ".join(parts)
    probe = max(words[1:] if _MILITIA_WORDS.match(words[0]) and len(words) > 1 else words, key=len)
    if words[0].startswith("ال") and len(words[0]) > 3:
        # "ل" + "الحرس" is written "للحرس": the article's alef goes, so allow the name
        # without its alef after a lam.
        without_alef = " ".join([re.escape(words[0][1:]), *parts[1:]])
        pattern = (
            rf"(?<!\w){_PROCLITIC_BEFORE_AL}(?P<name>{body})(?!\w)"
            rf"|(?<!\w)[وف]?ل(?P<name2>{without_alef})(?!\w)"
        )
        if probe == words[0]:
            probe = words[0][1:]
    else:
        pattern = rf"(?<!\w){_PROCLITIC}(?P<name>{body})(?!\w)"
    return pattern, 0, probe


def _english_pattern(form: str) -> tuple[str, int, str] | None:
    tokens = [t for t in re.split(r"[\s\-\u2010-\u2013]+", form.strip()) if t]
    if not tokens:
        return None

    def token(t: str) -> str:
        return "".join(_EN_APOSTROPHE if c in "'’ʼ‘`" else re.escape(c) for c in t)

    body = _EN_SEP.join(token(t) for t in tokens)
    # An acronym ("US", "SDF") must match in capitals: "us" is a pronoun.
    acronym = form == form.upper()
    flags = 0 if acronym else re.IGNORECASE
    fragments = [f for t in tokens for f in re.split("['’ʼ‘`]", t) if f]
    probe = max(fragments, key=len).lower()
    return rf"(?<![A-Za-z0-9]){body}(?![A-Za-z0-9])", flags, probe


@lru_cache(maxsize=8)
def _patterns(cat: Catalogue) -> tuple[_AliasPattern, ...]:
    patterns = []
    for actor in cat.actors:
        for form in actor.forms:
            if re.search("[\u0621-\u064a]", form):
                made = _arabic_pattern(form)
                arabic = True
            else:
                made = _english_pattern(form)
                arabic = False
            if made:
                patterns.append(_AliasPattern(actor.id, *made, arabic))
    return tuple(patterns)


@lru_cache(maxsize=8)
def _by_probe(cat: Catalogue) -> tuple[dict[str, tuple[_AliasPattern, ...]], dict[str, tuple[_AliasPattern, ...]]]:
    """The Arabic patterns by their probe word, and the English ones by their probe's first character: a text
    without that character cannot hold the probe, so an Arabic text tests none of the English probes."""
    arabic: dict[str, list[_AliasPattern]] = {}
    english: dict[str, list[_AliasPattern]] = {}
    for pattern in _patterns(cat):
        if pattern.arabic:
            arabic.setdefault(pattern.probe, []).append(pattern)
        else:
            english.setdefault(pattern.probe[0], []).append(pattern)
    return {k: tuple(v) for k, v in arabic.items()}, {k: tuple(v) for k, v in english.items()}


def _word_variants(folded: str) -> set[str]:
    """Every folded word, also without one to three leading letters (a proclitic or the alef of
    ال after ل): a pattern's probe word is one of them when the pattern can match."""
    words = set(_WORD.findall(folded))
    return words | {w[k:] for w in words for k in (1, 2, 3) if len(w) > k + 1}


_WORD = re.compile(r"\w+")


def _candidates(text: str, folded: str, positions: list[int], cat: Catalogue) -> Iterator[Mention]:
    lowered = text.lower()
    arabic, english = _by_probe(cat)
    present = _word_variants(folded)
    chosen = [p for probe, group in arabic.items() if probe in present for p in group]
    characters = set(lowered)
    chosen += [p for first, group in english.items() if first in characters for p in group]
    for pattern in chosen:
        if pattern.arabic:
            for match in pattern.regex.finditer(folded):
                group = "name" if match.group("name") is not None else "name2"
                start = positions[match.start(group)]
                end = positions[match.end(group) - 1] + 1
                yield Mention(pattern.actor_id, start, end, text[start:end])
        else:
            if pattern.probe not in lowered:
                continue
            for match in pattern.regex.finditer(text):
                yield Mention(pattern.actor_id, match.start(), match.end(), match.group())


# "الفيلق الخامس والسادس", "جبال الأكراد والتركمان": the second name shares the first's
# head noun. Only fires when both "head + word" forms are listed names.
_ELLIPSIS = re.compile(r"(?=(?<!\w)(\w+) (\w+) و(\w+)(?!\w))")


def _elliptical(folded: str, positions: list[int], text: str, cat: Catalogue) -> Iterator[Mention]:
    keys = _key_owner(cat)
    for match in _ELLIPSIS.finditer(folded):
        head, first, second = match.groups()
        # The head may carry a proclitic: "كـ"الفيلق الخامس والسادس"".
        for h in (head, head[1:]) if head[:1] in "وفبلك" else (head,):
            if f"{h} {first}" in keys and f"{h} {second}" in keys:
                start = positions[match.start(3)]
                end = positions[match.end(3) - 1] + 1
                yield Mention(keys[f"{h} {second}"], start, end, text[start:end])
                break


@lru_cache(maxsize=8)
def _key_owner(cat: Catalogue) -> dict[str, str]:
    return {_fold(form)[0].strip(): actor.id for actor in cat.actors for form in actor.forms}


def find_mentions(text: str, path: str | Path | None = None, cat: Catalogue | None = None) -> list[Mention]:
    """Every listed actor named in ``text`` (Arabic or English), in order of position.

    Matching is on ``normalize`` forms (diacritics, hamza/alef variants, ``ـ.ـ`` splits)
    and tolerates Arabic proclitics ("ولواء القدس", "بلواء القدس", "للحرس الثوري"),
    quotes inside a name and any spelling of "ميليشيا"; English matching ignores case
    (not for acronyms) and hyphen/space variants ("al-Quds", "al Quds", "alQuds").
    Overlapping matches keep the longest, so "قوات سوريا الديمقراطية" is the SDF, not
    Syria. Offsets point into ``text`` as given: ``text[m.start:m.end] == m.text``.
    ``path`` names another curated list, ``cat`` gives the catalogue outright (the current one
    by default: curated plus the user's file).
    """
    if not text:
        return []
    return list(_find_mentions(text, cat or catalogue(path)))


@lru_cache(maxsize=4096)
def _find_mentions(text: str, cat: Catalogue) -> tuple[Mention, ...]:
    """``find_mentions`` in one catalogue. Cached: answering searches a sentence several times (composing,
    weighing support, writing its English line), and the question once per sentence it is checked against."""
    folded, positions = _fold(text)
    found = list(_candidates(text, folded, positions, cat))
    found.extend(_elliptical(folded, positions, text, cat))
    found.sort(key=lambda m: (-(m.end - m.start), m.start, m.actor_id))
    taken: list[Mention] = []
    used = bytearray(len(text))
    for mention in found:
        if any(used[mention.start:mention.end]):
            continue
        used[mention.start:mention.end] = b"\x01" * (mention.end - mention.start)
        taken.append(mention)
    return tuple(sorted(_regimes_of_states(text, taken, cat), key=lambda m: m.start))


# ---------------------------------------------------------------- "النظام الإيراني": whose regime

_REGIME = frozenset({"النظام", "نظام"})
_ADJECTIVE_AFTER = re.compile(r"\s+([\u0621-\u064a\u0640]+)")


@lru_cache(maxsize=8)
def _state_adjectives(cat: Catalogue) -> dict[str, str]:
    """Country adjectives (matching form, with the article: "الايراني", "الايرانيه") -> the state they name.

    A state's adjective is its one-word name without the article and a final "يا", "ية" or ta marbuta, plus "ي"
    or "يه" (إيران -> الإيراني، روسيا -> الروسي، السعودية -> السعودي). The name's own adjective is always
    one; an alias's ("أمريكا" -> الأمريكي) only where another alias uses it ("الجيش الأمريكي"), since a
    capital's would be a common word (الرياض -> الرياضي).
    """
    out: dict[str, str] = {}
    for actor in cat.actors:
        if actor.type != "state":
            continue
        attested = {w for form in actor.aliases_ar for w in _fold(form)[0].split()[1:]}
        for number, form in enumerate((actor.name_ar, *actor.aliases_ar)):
            word = _fold(form)[0].strip()
            if not word or " " in word:
                continue
            stem = word[2:] if word.startswith("ال") else word
            stem = stem[:-2] if stem.endswith(("يا", "يه")) else stem[:-1] if stem.endswith("ه") else stem
            for adjective in ("ال" + stem + "ي", "ال" + stem + "يه"):
                if number == 0 or adjective in attested:
                    out.setdefault(adjective, actor.id)
    return out


def _regimes_of_states(text: str, mentions: list[Mention], cat: Catalogue) -> list[Mention]:
    """A name ending in "النظام" and followed by a country adjective is that country's state ("النظام
    الإيراني", "قوات النظام التركي"), not what the bare word stands for (Syria's regime, its army)."""
    adjectives = _state_adjectives(cat)
    starts = {m.start for m in mentions}
    out = []
    for m in mentions:
        # Not ``_fold``: its cache is the articles', which the rules fold again.
        last = normalize(m.text.split()[-1]).strip("".join(_QUOTES)) if "نظام" in m.text else ""
        if last in _REGIME or last[1:] in _REGIME and last[:1] in "وفبلك":
            after = _ADJECTIVE_AFTER.match(text, m.end)
            state = adjectives.get(normalize(after.group(1))) if after and after.start(1) not in starts else None
            if state and state != m.actor_id:
                m = Mention(state, m.start, after.end(1), text[m.start:after.end(1)], m.refers_to)
        out.append(m)
    return out



# ---------------------------------------------------------------- in an article: widening and references

# Nationality and origin adjectives that belong to the name before them ("وحدات الحماية الكردية",
# "الائتلاف الوطني السوري"): the name is written with them.
_ORIGIN = frozenset(normalize(w) for w in (
    "السوري السورية الكردي الكردية اللبناني اللبنانية الفلسطيني الفلسطينية الإيراني الإيرانية التركي التركية "
    "الأمريكي الأمريكية الأميركي الأميركية الروسي الروسية العراقي العراقية الأسدي الأسدية الدولي الدولية "
    "الإسرائيلي الإسرائيلية الأفغاني الأفغانية الباكستاني الباكستانية"
).split())
# A force noun before a listed name is part of it ("قوات الحرس الجمهوري").
_FORCE_NOUN = re.compile(r"(?:(?<=\s)|^)(?:[وف]?[بلك]?)(قوات)\s+$")
_WORD_AFTER = re.compile(r"\s+(\w+)")


def widen(text: str, mentions: list[Mention]) -> list[Mention]:
    """Each mention widened to the name as written: a force noun before it ("لقوات الحرس الجمهوري"
    -> "قوات الحرس الجمهوري") and origin adjectives after it ("وحدات الحماية الكردية")."""
    out = []
    taken = sorted((m.start, m.end) for m in mentions)
    starts = {s for s, _ in taken}
    for m in mentions:
        start, end = m.start, m.end
        before = _FORCE_NOUN.search(text, max(0, start - 12), start)
        if before and not text[start:end].startswith(("قوات", "القوات")):
            start = before.start(1)
        while True:
            after = _WORD_AFTER.match(text, end)
            if not after or after.start(1) in starts or normalize(after.group(1)) not in _ORIGIN:
                break
            end = after.end(1)
        out.append(Mention(m.actor_id, start, end, text[start:end], m.refers_to) if (start, end) != (m.start, m.end)
                   else m)
    return out


# A head noun with the article, alone, or after a demonstrative: "التنظيم", "الحزب", "هذا الجيش".
_HEAD_WORDS = "تنظيم|حزب|جبهه|حركه|جيش|فيلق|فرقه|لواء|ائتلاف|تحالف|مجلس|هيئه|فصيل|وحدات|كتائب"
_REFERENCE = re.compile(
    rf"(?<!\w)(?:[وف]?[بلك]?)(?:(?:هذا|هذه|ذلك|تلك)\s+)?(ال(?:{_HEAD_WORDS})|ل(?:{_HEAD_WORDS}))(?!\w)"
)


def references(text: str, mentions: list[Mention]) -> list[Mention]:
    """References to an actor named before: "التنظيم" after "تنظيم داعش", "هذا الجيش" after "جيش
    الفتح". A reference stands for the last earlier mention whose name begins with the same head
    noun; it is not a mention when none does. ``refers_to`` is that mention's name."""
    folded, positions = _fold(text)
    used = bytearray(len(text))
    for m in mentions:
        used[m.start:m.end] = b"\x01" * (m.end - m.start)
    ordered = sorted(mentions, key=lambda m: m.start)
    found = []
    for match in _REFERENCE.finditer(folded):
        head = match.group(1)
        head = head[2:] if head.startswith("ال") else head[1:]
        start, end = positions[match.start(1)], positions[match.end(1) - 1] + 1
        if any(used[start:end]):
            continue
        antecedent = None
        for m in ordered:
            if m.start >= start:
                break
            words = _fold(m.text)[0].split()
            first = words[0] if words else ""
            if first in (head, "ال" + head) or (first[1:] in (head, "ال" + head) and first[:1] in "وفبلك"):
                antecedent = m
        if antecedent is not None:
            found.append(Mention(antecedent.actor_id, start, end, text[start:end],
                                 antecedent.refers_to or antecedent.text))
    return found
