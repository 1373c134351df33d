"""Who is who: the bilingual actor list, mention finding and relations.

Users of the assistant track which militia answers to whom. This module gives the rest of
the pipeline three things built on one curated list (``data/actors.json``):

* ``find_mentions`` finds every actor named in a text, in Arabic or English, and returns
  offsets into the text *as written*, so a citation can quote it verbatim;
* ``extract_relations`` reads a cleaned article with a small set of Arabic phrasing rules
  ("المدعوم روسياً", "التابع لـ", "بقيادة", "انشقت وانضمت إلى" ...) and returns
  relations whose evidence is a verbatim span of ``article.text``;
* ``actor_table`` and ``backing_edges`` arrange relations per actor (every fact with all its
  evidence) and per backer, for the UI's Actors view and any other reader.

Relation extraction is deliberately conservative: a rule fires only on an explicit
phrasing, because a wrong "X is backed by Y" is worse for a user than a missing one.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from .arabic import _SPLIT_IN_WORD, normalize
from .corpus import Article

ACTORS_PATH = Path(__file__).resolve().parent / "data" / "actors.json"

ACTOR_TYPES = frozenset({"armed_group", "state", "force", "person", "place", "company", "organisation"})
RELATION_TYPES = (
    "backed-by",
    "trained-by",
    "affiliated-with",
    "led-by",
    "formed-by",
    "clashed-with",
    "defected-to",
    "member-of",
)


@dataclass(frozen=True)
class Actor:
    """One entry of the actor list: a group, state, force, person, place, company or body."""

    id: str
    type: str
    name_en: str
    name_ar: str
    aliases_en: tuple[str, ...] = ()
    aliases_ar: tuple[str, ...] = ()
    side: str = ""

    @property
    def forms(self) -> tuple[str, ...]:
        """Every name of the actor, English first, without repeats."""
        return tuple(dict.fromkeys([self.name_en, self.name_ar, *self.aliases_en, *self.aliases_ar]))


@dataclass(frozen=True)
class Mention:
    """An actor named in a text; ``text[start:end]`` is the name exactly as written."""

    actor_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Relation:
    """A relation stated in an article: ``subject_id`` <relation> ``object_id``.

    ``evidence`` is ``article.text[start:end]`` (the clause or sentence that states it);
    ``date`` is a date phrase found in that sentence, else the article's date;
    ``qualifier`` narrows the claim ("earlier", "a large group of it", ...).
    """

    subject_id: str
    relation: str
    object_id: str
    article_id: str
    evidence: str
    start: int
    end: int
    date: str = ""
    qualifier: str = ""
    article_date: str = ""
    rule: str = ""

    def to_dict(self) -> dict:
        """A JSON-ready dictionary of every field."""
        return dataclasses.asdict(self)


# --------------------------------------------------------------------------- loading


@lru_cache(maxsize=8)
def _load(path: str) -> tuple[Actor, ...]:
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    actors = []
    for entry in raw:
        actor = Actor(
            id=entry["id"],
            type=entry["type"],
            name_en=entry["name_en"],
            name_ar=entry["name_ar"],
            aliases_en=tuple(entry.get("aliases_en") or ()),
            aliases_ar=tuple(entry.get("aliases_ar") or ()),
            side=entry.get("side") or "",
        )
        if actor.type not in ACTOR_TYPES:
            raise ValueError(f"{path}: actor {actor.id!r} has unknown type {actor.type!r}")
        actors.append(actor)
    ids = [a.id for a in actors]
    if len(set(ids)) != len(ids):
        raise ValueError(f"{path}: duplicate actor ids")
    # One matching form must name one actor, or a mention would be a coin toss.
    owner: dict[str, str] = {}
    for actor in actors:
        for form in actor.forms:
            key = _alias_key(form)
            if owner.setdefault(key, actor.id) != actor.id:
                raise ValueError(f"{path}: {form!r} names both {owner[key]!r} and {actor.id!r}")
    return tuple(actors)


def load_actors(path: str | Path | None = None) -> list[Actor]:
    """The actor list (``assistant/data/actors.json`` by default); read once, then cached.

    Raises ``ValueError`` on an unknown type, a duplicate id, or one name given to two actors.
    """
    return list(_load(str(path or ACTORS_PATH)))


@lru_cache(maxsize=8)
def _actors_by_id(path: str) -> dict[str, Actor]:
    return {a.id: a for a in _load(path)}


def actor_by_id(actor_id: str, path: str | Path | None = None) -> Actor:
    """The actor with this id (``KeyError`` if none)."""
    return _actors_by_id(str(path or ACTORS_PATH))[actor_id]


# --------------------------------------------------------------------------- folding

# Quotes are dropped from the matching form so that a name quoted in the middle
# ("ميليشيا “لواء القدس”", "لـ “الحرس الثوري” الإيراني") matches like an unquoted one.
_QUOTES = frozenset("\"'“”„‟«»‹›‘’‚`´")
_LATIN = re.compile("[A-Za-z]")


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    return normalize(ch)


def _fold(text: str) -> tuple[str, list[int]]:
    """``normalize(text)`` with quotes dropped and spaces collapsed, plus a map back.

    ``positions[i]`` is the index in ``text`` of the character that produced the i-th
    folded character, so a match in the folded form maps to a verbatim span.
    Characters are normalised one at a time, which equals ``normalize`` on whole strings
    for everything but words split with ``ـ.ـ``: their dots are dropped here first.
    """
    dropped = set()
    for match in _SPLIT_IN_WORD.finditer(text):
        dropped.update(range(match.start(), match.end()))
    out: list[str] = []
    positions: list[int] = []
    for index, ch in enumerate(text):
        if index in dropped or ch in _QUOTES:
            continue
        if ch.isspace():
            if out and out[-1] != " ":
                out.append(" ")
                positions.append(index)
            continue
        for folded in _fold_char(ch):
            if folded in _QUOTES:
                continue
            if folded.isspace():
                if out and out[-1] != " ":
                    out.append(" ")
                    positions.append(index)
                continue
            out.append(folded)
            positions.append(index)
    return "".join(out), positions


def _alias_key(form: str) -> str:
    """The matching key of a name: its folded form (Latin also loses hyphens/apostrophes)."""
    folded = _fold(form)[0].strip()
    if _LATIN.search(form) and not re.search("[\u0621-\u064a]", form):
        folded = re.sub(r"[\s\-\u2010-\u2013'’ʼ‘`]+", "", folded)
    return folded


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
    regex: re.Pattern
    probe: str  # a substring any match must contain: a cheap test before the regex
    arabic: bool


def _arabic_pattern(form: str) -> tuple[re.Pattern, str] | None:
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
    return re.compile(pattern), probe


def _english_pattern(form: str) -> tuple[re.Pattern, str] | None:
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
    return re.compile(rf"(?<![A-Za-z0-9]){body}(?![A-Za-z0-9])", flags), probe


@lru_cache(maxsize=8)
def _patterns(path: str) -> tuple[_AliasPattern, ...]:
    patterns = []
    for actor in _load(path):
        for form in actor.forms:
            if re.search("[\u0621-\u064a]", form):
                compiled = _arabic_pattern(form)
                arabic = True
            else:
                compiled = _english_pattern(form)
                arabic = False
            if compiled:
                patterns.append(_AliasPattern(actor.id, compiled[0], compiled[1], arabic))
    return tuple(patterns)


def _candidates(text: str, folded: str, positions: list[int], path: str) -> Iterator[Mention]:
    lowered = text.lower()
    for pattern in _patterns(path):
        if pattern.arabic:
            if pattern.probe not in folded:
                continue
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


def _elliptical(folded: str, positions: list[int], text: str, path: str) -> Iterator[Mention]:
    keys = _key_owner(path)
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
def _key_owner(path: str) -> dict[str, str]:
    return {_fold(form)[0].strip(): actor.id for actor in _load(path) for form in actor.forms}


def find_mentions(text: str, path: str | Path | None = None) -> list[Mention]:
    """Every listed actor named in ``text`` (Arabic or English), in order of position.

    Matching is on ``normalize`` forms (diacritics, hamza/alef variants, ``ـ.ـ`` splits)
    and tolerates Arabic proclitics ("ولواء القدس", "بلواء القدس", "للحرس الثوري"),
    quotes inside a name and any spelling of "ميليشيا"; English matching ignores case
    (not for acronyms) and hyphen/space variants ("al-Quds", "al Quds", "alQuds").
    Overlapping matches keep the longest, so "قوات سوريا الديمقراطية" is the SDF, not
    Syria. Offsets point into ``text`` as given: ``text[m.start:m.end] == m.text``.
    """
    if not text:
        return []
    key = str(path or ACTORS_PATH)
    folded, positions = _fold(text)
    found = list(_candidates(text, folded, positions, key))
    found.extend(_elliptical(folded, positions, text, key))
    found.sort(key=lambda m: (-(m.end - m.start), m.start, m.actor_id))
    taken: list[Mention] = []
    used = bytearray(len(text))
    for mention in found:
        if any(used[mention.start:mention.end]):
            continue
        used[mention.start:mention.end] = b"\x01" * (mention.end - mention.start)
        taken.append(mention)
    return sorted(taken, key=lambda m: m.start)


# --------------------------------------------------------------------------- sentences

_SENTENCE_END = re.compile(r"[.!?؟]+(?=[\s\"'“”«»)]|$)|\n+")
_CLAUSE_SEP = "،؛;"


def _sentences(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence, whitespace trimmed; the end mark stays inside."""
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end() if match.group().strip() else match.start()
        yield from _trimmed(text, start, end)
        start = match.end()
    yield from _trimmed(text, start, len(text))


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        yield start, end


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Clause spans of a sentence, split at Arabic commas and semicolons."""
    spans = []
    begin = start
    for index in range(start, end):
        if text[index] in _CLAUSE_SEP:
            spans.append((begin, index))
            begin = index + 1
    spans.append((begin, end))
    return spans


# --------------------------------------------------------------------------- dates

_MONTH = (
    "كانون الثاني|كانون الأول|كانون الاول|شباط|[أاإآ]ذار|نيسان|[أا]يار|حزيران|تموز|آب|[أا]يلول|"
    "تشرين الأول|تشرين الاول|تشرين الثاني|يناير|فبراير|مارس|[أاإ]بريل|مايو|يونيو|يونيه|يوليو|يوليه|"
    "[أا]غسطس|سبتمبر|[أا]كتوبر|نوفمبر|ديسمبر"
)
_WHEN = "منتصف|مطلع|أواخر|اواخر|أوائل|اوائل|بداية|نهاية|أول|اول|آخر|اخر"
_RELATIVE = "الفائت|الماضي|الحالي|المقبل|القادم|المنصرم"
_DATE = re.compile(
    rf"(?<!\w)(?:(?:{_WHEN})\s+(?:شهر\s+)?)?(?:(?P<day>\d{{1,2}})\s+(?:من\s+)?)?(?:شهر\s+)?"
    rf"(?P<month>{_MONTH})(?P<pair>\s*/\s*(?:{_MONTH}))?"
    rf"(?P<tail>\s+(?:\d{{4}}|{_RELATIVE}))?(?!\w)"
    rf"|(?<!\w)(?:(?:{_WHEN})\s+)?(?:عام|العام|سنة)\s+\d{{4}}"
    rf"|(?<!\d)(?:19|20)\d{{2}}(?!\d)"
)


def _date_phrase(text: str) -> str:
    """The first date phrase in ``text`` ("فبراير/شباط الفائت", "منتصف عام 2013", "2021").

    A bare month name needs a day, a year, a second spelling or a relative word beside it,
    because "مارس" is also a verb.
    """
    for match in _DATE.finditer(text):
        if match.group("month") and not (match.group("day") or match.group("pair") or match.group("tail")):
            if not match.group().startswith((*_WHEN.split("|"), "شهر")):
                continue
        return match.group().strip()
    return ""


# --------------------------------------------------------------------------- templates

# Inside a rule, every mention of a sentence becomes ⟦i⟧ in the folded sentence, so
# patterns read "⟦0⟧ المدعوم من ⟦1⟧" whatever the names' spellings.
_SLOT = "⟦(\\d+)⟧"


@dataclass
class _Sentence:
    article: Article
    start: int
    end: int
    mentions: list[Mention]
    template: str
    positions: list[int]  # template index -> index in article.text
    previous_groups: list[Mention]  # armed groups named earlier in the article

    def actor(self, slot: int | str) -> Actor:
        return actor_by_id(self.mentions[int(slot)].actor_id)

    def type(self, slot: int | str) -> str:
        return self.actor(slot).type

    def pos(self, index: int) -> int:
        """Index in article.text of template index ``index`` (clamped)."""
        if not self.positions:
            return self.start
        return self.positions[min(max(index, 0), len(self.positions) - 1)]

    def slots_in(self, begin: int, end: int) -> list[tuple[int, int]]:
        """(slot, template index) of every mention between template indexes begin..end."""
        return [(int(m.group(1)), m.start()) for m in re.finditer(_SLOT, self.template) if begin <= m.start() < end]

    def clause_bounds(self, index: int) -> tuple[int, int]:
        """Template indexes of the clause around ``index``."""
        left = max(self.template.rfind(sep, 0, index) for sep in _CLAUSE_SEP)
        rights = [self.template.find(sep, index) for sep in _CLAUSE_SEP]
        rights = [r for r in rights if r >= 0]
        return left + 1, (min(rights) if rights else len(self.template))


def _template(article: Article, start: int, end: int, mentions: list[Mention],
              previous_groups: list[Mention]) -> _Sentence:
    text = article.text
    folded, positions = _fold(text[start:end])
    positions = [start + p for p in positions]
    out: list[str] = []
    out_positions: list[int] = []
    index = 0
    for slot, mention in enumerate(mentions):
        while index < len(folded) and positions[index] < mention.start:
            out.append(folded[index])
            out_positions.append(positions[index])
            index += 1
        marker = f"⟦{slot}⟧"
        out.append(marker)
        out_positions.extend([mention.start] * (len(marker) - 1) + [mention.end - 1])
        while index < len(folded) and positions[index] < mention.end:
            index += 1
    while index < len(folded):
        out.append(folded[index])
        out_positions.append(positions[index])
        index += 1
    return _Sentence(article, start, end, mentions, "".join(out), out_positions, previous_groups)


def _ar(pattern: str) -> str:
    """A rule pattern with its Arabic words normalised and ``@X`` turned into a slot group."""
    pattern = re.sub("[\u0600-\u06ff]+", lambda m: normalize(m.group()), pattern)
    pattern = re.sub(r"@([A-Z]\w*)", lambda m: f"⟦(?P<{m.group(1)}>\\d+)⟧", pattern)
    return pattern.replace("@*", "⟦\\d+⟧").replace("MIL", _MILITIA)


@cache
def _rx(pattern: str) -> re.Pattern:
    """``_ar(pattern)`` compiled once: the rules run on every sentence of every article."""
    return re.compile(_ar(pattern))


# --------------------------------------------------------------------------- relations

_GROUPS = frozenset({"armed_group", "force"})
_ACTORS = frozenset({"armed_group", "force", "state", "company", "organisation"})
_PEOPLE_AND_BODIES = _ACTORS | {"person"}
# A nationality adjective standing for its state ("كان دعمه إيراني"، "دعم عسكري إيراني").
_NISBA = {
    normalize(k): v
    for k, v in {
        "إيراني": "iran", "الإيراني": "iran", "إيرانية": "iran", "الإيرانية": "iran",
        "روسي": "russia", "الروسي": "russia", "روسية": "russia", "الروسية": "russia",
        "تركي": "turkey", "التركي": "turkey", "تركية": "turkey", "التركية": "turkey",
        "أمريكي": "usa", "أميركي": "usa", "الأمريكي": "usa", "الأميركي": "usa",
        "أمريكية": "usa", "أميركية": "usa", "الأمريكية": "usa", "الأميركية": "usa",
    }.items()
}
# Words that can stand between the items of a list of names ("عناصر من مرتزقة X، ولواء Y").
_LIST_NOUN = _ar("(?:عناصر|مرتزقة|MIL|تشكيلات|قوات|مجموعات|مقاتلي|لواء|حركة)")
_ADJ = r"(?:\s+ال\w+(?:ي|يه|يين|يون))?"  # one nisba adjective after a name ("الفلسطيني")
_RANK = _ar("(?:العقيد|العميد|اللواء|المقدم|الرائد|النقيب|الشيخ|الحاج|المهندس|الدكتور|الفلسطيني|السوري|العراقي)")
# A relation is only reported, never denied or feared: "نفت طهران تقديم أي دعم"، "تحسباً
# لحدوث أي اقتتال". Checked on the words just before a relation's first anchor.
_NEGATED = _rx(
    r"(?<!\w)(?:لا|لم|لن|ليس|ليست|غير|نفي|نفت|ينفي|تنفي|نافيا|عدم|بدون|تحسبا|تحسب|لحدوث|احتمال|"
    r"خشية|منع|لمنع|تجنب|لتجنب|اي)\s+(?:\S+\s+){0,2}\S{0,3}$"
)


@dataclass(frozen=True)
class _Found:
    subject: int | str  # a slot, or an actor id for subjects outside the sentence's slots
    relation: str
    object: int | str
    anchors: tuple[int, int]  # template span [begin, end) the evidence must cover
    qualifier: str = ""
    rule: str = ""


def _list_after(s: _Sentence, index: int) -> list[tuple[int, int]]:
    """The names listed from template index ``index``: "⟦1⟧ و⟦2⟧، و⟦3⟧"; (slot, end index)."""
    items = []
    lead = _ar("(?:(?:{noun}|من)\\s+){{0,3}}").format(noun=_LIST_NOUN)
    first = re.compile(rf"\s*{lead}{_SLOT}")
    # Items after the first need "و" or "،": two names side by side are not a list.
    more = re.compile(rf"\s*(?:،\s*و?|و)\s*(?:{_LIST_NOUN}\s+)?{_SLOT}")
    match = first.match(s.template, index)
    while match:
        slot = next(g for g in match.groups() if g is not None)
        items.append((int(slot), match.end()))
        match = more.match(s.template, match.end())
    return items


def _rule_backed_adjacent(s: _Sentence) -> Iterator[_Found]:
    """"X المدعوم روسياً"، "X المدعومة من إيران"، "X الموالية لروسيا"."""
    pattern = _rx(
        rf"@A{_ADJ}\s*،?\s*(?P<verb>المدعوم|المدعومه|المدعومين|الموالي|المواليه|الموالين)"
        r"\s+(?:(?:من\s+)?(?:قبل\s+)?|ل\s*)@B"
    )
    for m in pattern.finditer(s.template):
        if s.type(m["A"]) in _PEOPLE_AND_BODIES - {"state"} and s.type(m["B"]) in _ACTORS:
            loyal = normalize("الموالي") in m["verb"]
            yield _Found(int(m["A"]), "backed-by", int(m["B"]), (m.start(), m.end()),
                         "loyal to" if loyal else "", "backed-adjacent")


def _rule_represented_by(s: _Sentence) -> Iterator[_Found]:
    """"القوات الروسية متمثلة بلواء القدس وتشكيلات الفيلق الخامس": proxies of a state."""
    pattern = _rx(r"@S\s+(?:ال)?متمثل(?:ه|ين)?\s+(?=ب)")
    for m in pattern.finditer(s.template):
        if s.type(m["S"]) != "state":
            continue
        for slot, end in _list_after(s, m.end() + 1):
            if s.type(slot) in _GROUPS:
                yield _Found(slot, "backed-by", int(m["S"]), (m.start(), end), "represents its forces",
                             "represented-by")


def _rule_fights_through(s: _Sentence) -> Iterator[_Found]:
    """"فأمريكا تُحارب عبر ميليشيات سوريا الديمقراطية": a state fighting through a proxy."""
    pattern = _rx(r"@S\s+[تي](?:حارب|قاتل)\s+(?:عبر|من خلال|بواسطه)\s+@A")
    for m in pattern.finditer(s.template):
        if s.type(m["S"]) == "state" and s.type(m["A"]) in _GROUPS:
            yield _Found(int(m["A"]), "backed-by", int(m["S"]), (m.start(), m.end()), "fights through it (proxy)",
                         "fights-through")


def _rule_support_was(s: _Sentence) -> Iterator[_Found]:
    """"X كان دعمه إيراني سابقاً": backing in the past, by a nationality adjective."""
    pattern = _rx(rf"@A{_ADJ}\s+كان\s+(?:دعمه|دعمها|تمويله|تمويلها)\s+(?P<nisba>\w+)(?P<when>\s+سابقا)?")
    for m in pattern.finditer(s.template):
        state = _NISBA.get(m["nisba"])
        if state and s.type(m["A"]) in _GROUPS:
            yield _Found(int(m["A"]), "backed-by", state, (m.start(), m.end()), "earlier", "support-was")


def _rule_support_for(s: _Sentence) -> Iterator[_Found]:
    """"دعمٍ عسكري إيراني لروسيا": support by a nationality adjective for a named actor."""
    pattern = _rx(r"(?<!\w)دعم\s+(?:عسكري\s+|مالي\s+|لوجستي\s+)?(?P<nisba>\w+)\s+ل\s*@B")
    for m in pattern.finditer(s.template):
        state = _NISBA.get(m["nisba"])
        if state and s.type(m["B"]) in _ACTORS and s.actor(m["B"]).id != state:
            yield _Found(int(m["B"]), "backed-by", state, (m.start(), m.end()), "reported support",
                         "support-for")


def _resolve_this_militia(s: _Sentence) -> Mention | None:
    """"هذه الميليشيا" (this militia): the armed group named last before the sentence."""
    return s.previous_groups[-1] if s.previous_groups else None


def _rule_support_and_training(s: _Sentence) -> Iterator[_Found]:
    """"غاية روسيا من دعم وتدريب هذه الميليشيا": backing and training by a state."""
    pattern = _rx(
        r"@S\s+من\s+(?P<what>دعم\s+وتدريب|دعم|تدريب)\s+(?:MIL\s+)?(?:@A|(?P<this>هذه\s+(?:ال)?MIL))"
    )
    for m in pattern.finditer(s.template):
        if s.type(m["S"]) not in _ACTORS:
            continue
        if m["A"] is not None:
            if s.type(m["A"]) not in _GROUPS:
                continue
            subject: int | str = int(m["A"])
            qualifier = ""
        else:
            antecedent = _resolve_this_militia(s)
            if antecedent is None:
                continue
            subject = antecedent.actor_id
            qualifier = "named in the article as هذه الميليشيا (this militia)"
        relations = []
        if normalize("دعم") in m["what"]:
            relations.append("backed-by")
        if normalize("تدريب") in m["what"]:
            relations.append("trained-by")
        for relation in relations:
            yield _Found(subject, relation, int(m["S"]), (m.start(), m.end()), qualifier, "support-and-training")


_TRAIN = _rx(r"(?<!\w)(?:[بل]تدريب|بهدف تدريب|لغرض تدريب)(?!\w)")
_ITS_OWN = _rx(r"\s*(?:بعض\s+)?(?:ال)?(?:مجموعات|عناصر|مقاتلي)\s+(?:ال)?تابعه\s+(?:له|لها)(?!\w)")


def _rule_training(s: _Sentence) -> Iterator[_Found]:
    """"قامت شركة فيغا بتدريب ..."، "سعت القوات الروسية لتدريب ميليشيا لواء القدس"."""
    for m in _TRAIN.finditer(s.template):
        begin, _ = s.clause_bounds(m.start())
        trainers = [(slot, at) for slot, at in s.slots_in(begin, m.start()) if s.type(slot) in _ACTORS]
        if not trainers and begin > 0:
            # "... أنشأت ميليشيات إيران معسكراً، وذلك بهدف تدريب ...": the trainer is in the
            # clause just before, when the training clause has none of its own.
            previous_begin, _ = s.clause_bounds(begin - 2)
            trainers = [(slot, at) for slot, at in s.slots_in(previous_begin, begin)
                        if s.type(slot) in {"state", "force", "company"}]
        if not trainers:
            continue
        trainer, trainer_at = trainers[-1]
        trainees = [(slot, end) for slot, end in _list_after(s, m.end()) if s.type(slot) in _GROUPS]
        for slot, end in trainees:
            if s.mentions[slot].actor_id != s.mentions[trainer].actor_id:
                yield _Found(slot, "trained-by", trainer, (trainer_at, end), "", "training")
        own = _ITS_OWN.match(s.template, m.end())
        groups = [(slot, at) for slot, at in s.slots_in(0, trainer_at) if s.type(slot) in _GROUPS]
        if not trainees and own and groups:
            # "بتدريب بعض المجموعات التابعة له": "له" is the group the sentence is about.
            yield _Found(groups[0][0], "trained-by", trainer, (groups[0][1], own.end()), "some of its groups",
                         "training")


def _rule_affiliated(s: _Sentence) -> Iterator[_Found]:
    """"لواء القدس التابع لـ الجبهة الشعبية"; "X يتبع لـ Y"."""
    pattern = _rx(rf"@A{_ADJ}\s*،?\s*(?:ال)?(?:تابع|تابعه|يتبع|تتبع)\s+ل\s*@B")
    for m in pattern.finditer(s.template):
        if s.type(m["A"]) in _GROUPS | {"organisation"} and s.type(m["B"]) in _ACTORS:
            yield _Found(int(m["A"]), "affiliated-with", int(m["B"]), (m.start(), m.end()), "", "affiliated")


def _rule_fights_alongside(s: _Sentence) -> Iterator[_Found]:
    """"ويشارك لواء القدس ... إلى جانب الجيش السوري في المعارك": a declared ally."""
    pattern = _rx(
        r"(?<!\w)و?(?:يشارك|تشارك|يقاتل|تقاتل)\s+@A(?P<rest>[^،.]{0,60}?)\s*،?\s*الي جانب\s+@B"
    )
    own_attribute = _rx(rf"(?:ال)?تابع\w*\s+ل\s*{_SLOT}")
    for m in pattern.finditer(s.template):
        # Only the name's own attributes ("التابع لـ ⟦1⟧") may stand between: no third group.
        if re.search(_SLOT, own_attribute.sub("", m["rest"] or "")):
            continue
        if s.type(m["A"]) in _GROUPS and s.type(m["B"]) in _GROUPS:
            yield _Found(int(m["A"]), "affiliated-with", int(m["B"]), (m.start(), m.end()), "fights alongside",
                         "fights-alongside")


def _rule_defection(s: _Sentence) -> Iterator[_Found]:
    """"مجموعة كبيرة من ميليشيا لواء القدس ... انشقت وانضمت إلى الحرس الثوري"."""
    pattern = _rx(
        r"(?<!\w)و?انشق(?:ت|وا)?\s+(?:@S\s+)?(?:عن\s+@F\s+)?و?انضم(?:ت|وا)?\s+(?:الي|ل)\s*@B"
    )
    part = _rx(r"(?<!\w)(?P<which>مجموعه\s+كبيره|مجموعه|عدد|قسم|جزء|عناصر)\s+من\s+(?:MIL\s+)?@A")
    # Without "a group of X", the one who defected is the name right before the verb.
    adjacent = _rx(rf"@A{_ADJ}\s*،?\s*(?:قد\s+)?$")
    for m in pattern.finditer(s.template):
        if s.type(m["B"]) not in _ACTORS:
            continue
        # "a group of X" counts in the verb's clause or the one before ("مجموعة من X، انشقت").
        begin, _ = s.clause_bounds(m.start())
        if begin > 1:
            begin, _ = s.clause_bounds(begin - 2)
        parts = [p for p in part.finditer(s.template, begin, m.start()) if s.type(p["A"]) in _GROUPS]
        before = adjacent.search(s.template, 0, m.start())
        if m["S"] is not None and s.type(m["S"]) in _GROUPS | {"person"}:
            # Verb first: "انشق الفيلق الخامس وانضم إلى ...".
            subject, anchor, qualifier = int(m["S"]), m.start(), ""
        elif parts:
            p = parts[-1]
            which = p["which"]
            qualifier = "a large group of it" if normalize("كبيرة") in which else f"part of it ({which})"
            subject, anchor = int(p["A"]), p.start()
        elif before and s.type(before["A"]) in _GROUPS | {"person"}:
            # "انشق عن X": X is what was left, never the one who left.
            subject, anchor, qualifier = int(before["A"]), before.start(), ""
        else:
            continue
        if m["F"] is not None and s.mentions[int(m["F"])].actor_id == s.mentions[subject].actor_id:
            continue
        if s.mentions[subject].actor_id != s.mentions[int(m["B"])].actor_id:
            yield _Found(subject, "defected-to", int(m["B"]), (anchor, m.end()), qualifier, "defection")


def _rule_clash(s: _Sentence) -> Iterator[_Found]:
    """"اشتباك مسلح بين مجموعة تابعة لـ X مع مجموعة تابعة لـ Y"."""
    side = _ar(r"(?:(?:مجموعه|مجموعات|عناصر|مقاتلين)\s+(?:ال)?(?:تابعه|من)\s+(?:ل\s*)?)?(?:MIL\s+)?")
    pattern = _rx(
        rf"(?<!\w)(?:اشتباك|اشتباكات|اقتتال|مواجهات|معارك)(?:\s+(?:مسلح|مسلحه|عنيف|عنيفه|عنيفه))?\s+بين\s+"
        rf"(?P<side_a>{side})@A\s+(?:مع|و)\s*(?P<side_b>{side})@B"
    )
    for m in pattern.finditer(s.template):
        if s.type(m["A"]) in _ACTORS and s.type(m["B"]) in _ACTORS:
            qualifier = "groups affiliated with each" if m["side_a"].strip() or m["side_b"].strip() else ""
            yield _Found(int(m["A"]), "clashed-with", int(m["B"]), (m.start(), m.end()), qualifier, "clash")


def _rule_commander(s: _Sentence) -> Iterator[_Found]:
    """"قائد ميليشيا الباقر (خالد الحسن العلوش)"، "رئيس فرع المخابرات الجوية في حلب العقيد (علي ديوب حسن)"."""
    pattern = _rx(
        rf"(?<!\w)و?(?P<title>قائد|زعيم|امين عام|رئيس فرع|رئيس|مؤسس)\s+(?:MIL\s+)?@A{_ADJ}"
        rf"(?:\s+في\s+@*)?\s*(?:\(\s*)?(?:{_RANK}\s+)*\(?\s*@P"
    )
    for m in pattern.finditer(s.template):
        if s.type(m["P"]) == "person" and s.type(m["A"]) in _ACTORS:
            title = m["title"]
            qualifier = ""
            if normalize("فرع") in title:
                qualifier = "head of a branch"
            elif normalize("مؤسس") in title:
                qualifier = "founder"
            yield _Found(int(m["A"]), "led-by", int(m["P"]), (m.start(), m.end()), qualifier, "commander")
    reverse = _rx(r"@P\s*،?\s*(?:ال)?(?:قائد|زعيم)\s+(?:MIL\s+)?@A")
    for m in reverse.finditer(s.template):
        if s.type(m["P"]) == "person" and s.type(m["A"]) in _ACTORS:
            yield _Found(int(m["A"]), "led-by", int(m["P"]), (m.start(), m.end()), "", "commander")


def _rule_led_by(s: _Sentence) -> Iterator[_Found]:
    """"X بقيادة Y"; "X تشكلت منتصف عام 2013 بقيادة المهندس محمد سعيد" (its founder)."""
    pattern = _rx(
        rf"@A{_ADJ}\s+(?:(?P<formed>تشكلت|تشكل|تاسست|تاسس|انشئت|انشئ)\s+[^⟦،.]{{0,40}}?\s*)?"
        rf"بقياده\s+(?:{_RANK}\s+|ال\w+\s+){{0,3}}@P"
    )
    for m in pattern.finditer(s.template):
        if s.type(m["A"]) in _GROUPS and s.type(m["P"]) in {"person", "armed_group", "force"}:
            qualifier = "founder (led it at its formation)" if m["formed"] else ""
            yield _Found(int(m["A"]), "led-by", int(m["P"]), (m.start(), m.end()), qualifier, "led-by")


def _first_state_before(s: _Sentence, index: int) -> int | None:
    """The subject of an implicit verb ("التي شكّلتها"): the first state of the clause or,
    failing that, of the nearest earlier clause that names one (Arabic puts the subject
    right after the verb, so the first state of a clause is its likeliest subject)."""
    begin, _ = s.clause_bounds(index)
    end = index
    while True:
        states = [slot for slot, _ in s.slots_in(begin, end) if s.type(slot) == "state"]
        if states:
            return states[0]
        if begin <= 0:
            return None
        end = begin - 1
        begin, _ = s.clause_bounds(max(end - 1, 0))


def _collective_agent(s: _Sentence, begin: int, end: int) -> tuple[int | str, str] | None:
    """Who did something in template[begin:end]: a named actor, else "الميليشيات الإيرانية"."""
    slots = [slot for slot, _ in s.slots_in(begin, end) if s.type(slot) in {"state", "force"}]
    if slots:
        return slots[-1], ""
    found = None
    for m in re.finditer(_ar(r"MIL\s+(?P<nisba>ال\w+)"), s.template[begin:end]):
        if m["nisba"] in _NISBA:
            found = (_NISBA[m["nisba"]], f"through its militias ({m.group()})")
    return found


def _rule_formed(s: _Sentence) -> Iterator[_Found]:
    """Who formed a group: "الفيلق الخامس الذي شكلته روسيا ضمن جيش النظام" and kin."""
    explicit = _rx(
        r"@A\s+(?:الذي|التي|الذين)\s+(?:شكلته|شكلتها|شكله|شكلها|شكلوه|اسسته|اسسه|انشاته|انشاه)\s+@B"
        r"(?:\s+ضمن\s+@C)?"
    )
    for m in explicit.finditer(s.template):
        if s.type(m["A"]) in _GROUPS and s.type(m["B"]) in _ACTORS:
            yield _Found(int(m["A"]), "formed-by", int(m["B"]), (m.start(), m.end("B") + 1), "", "formed")
            if m["C"] is not None and s.type(m["C"]) in _GROUPS:
                yield _Found(int(m["A"]), "member-of", int(m["C"]), (m.start(), m.end()), "within it", "formed")
    passive = _rx(r"@A\s+(?:ال)?(?:مشكل|مشكله|المشكله)\s+من\s+قبل\s+@B")
    for m in passive.finditer(s.template):
        if s.type(m["A"]) in _GROUPS and s.type(m["B"]) in _ACTORS:
            yield _Found(int(m["A"]), "formed-by", int(m["B"]), (m.start(), m.end()), "", "formed")
    # "عبر الفيالق التي شكّلتها وأهمها الفيلق الخامس": the agent is the verb's implicit subject.
    implicit = _rx(r"(?:التي|الذي)\s+(?:شكلتها|شكلته|شكلها|شكله)\s+و?(?:اهمها|ابرزها|منها)\s+@A")
    for m in implicit.finditer(s.template):
        agent = _first_state_before(s, m.start())
        if agent is not None and s.type(m["A"]) in _GROUPS:
            anchor = next(at for slot, at in s.slots_in(0, m.start()) if slot == agent)
            yield _Found(int(m["A"]), "formed-by", agent, (anchor, m.end()), "", "formed-implicit")
    # "إضافة لميليشيات أخرى مشكلة من قبل روسيا في حلب من بينها الدفاع الوطني": the named
    # ones are formed by Russia; the groups listed just before are "other" such militias.
    others = _rx(r"MIL\s+اخري\s+(?:مشكله|شكلتها|شكلها|مدعومه)\s+من\s+(?:قبل\s+)?@S(?:\s+في\s+@*)?")
    for m in others.finditer(s.template):
        if s.type(m["S"]) not in _ACTORS:
            continue
        among = _rx(r"\s+(?:من بينها|منها|ومنها)").match(s.template, m.end())
        if among:
            for slot, end in _list_after(s, among.end()):
                if s.type(slot) in _GROUPS:
                    yield _Found(slot, "formed-by", int(m["S"]), (m.start(), end), "", "formed-others")
        begin, _ = s.clause_bounds(m.start())
        for slot, at in s.slots_in(begin, m.start()):
            if s.type(slot) in _GROUPS:
                yield _Found(slot, "backed-by", int(m["S"]), (at, m.end()),
                             'listed before "other militias formed by" it', "formed-others")


def _rule_new_formation(s: _Sentence) -> Iterator[_Found]:
    """"أطلقت على التشكيل الجديد اسم فجر الإسلام ويضم عناصر من ...، وقد منح الحرس الثوري فيها ..."."""
    pattern = _rx(
        r"(?<!\w)(?:اطلقت|اطلق|اطلقوا)\s+علي\s+(?:التشكيل|الميليشيا|الفصيل|التنظيم)\s+الجديد(?:ه)?\s+(?:اسم\s+)?@A"
    )
    for m in pattern.finditer(s.template):
        if s.type(m["A"]) not in _GROUPS:
            continue
        begin, _ = s.clause_bounds(m.start())
        agent = _collective_agent(s, begin, m.start())
        if agent is not None:
            yield _Found(int(m["A"]), "formed-by", agent[0], (begin, m.end()), agent[1], "new-formation")
        grant = _rx(r"(?<!\w)(?:و?قد\s+)?منح(?:ت)?\s+@G\s+فيها").search(s.template, m.end())
        if grant and s.type(grant["G"]) in {"state", "force"}:
            yield _Found(int(m["A"]), "backed-by", int(grant["G"]), (m.start(), grant.end()),
                         "assigns its leadership", "new-formation")


def _rule_members(s: _Sentence) -> Iterator[_Found]:
    """"فجر الإسلام ويضمُّ عناصرَ من مرتزقة حركة النجباء، ولواء فاطميون، وحزب الله"."""
    pattern = _rx(r"@A\s+و?(?:يضم|تضم|يتالف|تتالف)\s+(?:من\s+)?(?=\S)")
    for m in pattern.finditer(s.template):
        if s.type(m["A"]) not in _GROUPS:
            continue
        for slot, end in _list_after(s, m.end()):
            if s.type(slot) in _GROUPS and s.mentions[slot].actor_id != s.mentions[int(m["A"])].actor_id:
                yield _Found(slot, "member-of", int(m["A"]), (m.start(), end), "elements of it", "members")


def _rule_spokesman(s: _Sentence) -> Iterator[_Found]:
    """"أبو حمزة القرشي الناطق باسم داعش"."""
    pattern = _rx(r"@P\s*،?\s*(?:ال)?(?:ناطق|متحدث)(?:\s+الرسمي)?\s+(?:باسم|عن)\s+@A")
    for m in pattern.finditer(s.template):
        if s.type(m["P"]) == "person" and s.type(m["A"]) in _ACTORS:
            yield _Found(int(m["P"]), "member-of", int(m["A"]), (m.start(), m.end()), "spokesman", "spokesman")


def _rule_ties(s: _Sentence) -> Iterator[_Found]:
    """"محمد سعيد، والذي كان له علاقاته القوية مع المخابرات الجوية"."""
    pattern = _rx(
        r"@P\s*،?\s*و?(?:الذي|التي)\s+(?:كان|كانت)\s+(?:له|لها)\s+(?:علاقات|علاقاته|علاقاتها|علاقه)"
        r"(?:\s+(?P<how>ال\w+))?\s+(?:مع|ب)\s*@B"
    )
    for m in pattern.finditer(s.template):
        if s.type(m["P"]) in _PEOPLE_AND_BODIES and s.type(m["B"]) in _ACTORS:
            qualifier = "strong relations" if m["how"] == normalize("القوية") else "relations"
            yield _Found(int(m["P"]), "affiliated-with", int(m["B"]), (m.start(), m.end()), qualifier, "ties")


def _rule_taken_over(s: _Sentence) -> Iterator[_Found]:
    """"استولت روسيا على ميليشيا لواء القدس": a state taking a group over as its own tool."""
    pattern = _rx(r"(?<!\w)(?:استولت|استولي|سيطرت)\s+@S\s+علي\s+(?:MIL\s+)?@A")
    for m in pattern.finditer(s.template):
        if s.type(m["S"]) == "state" and s.type(m["A"]) == "armed_group":
            yield _Found(int(m["A"]), "backed-by", int(m["S"]), (m.start(), m.end()), "taken over by it",
                         "taken-over")


_RULES = (
    _rule_backed_adjacent,
    _rule_represented_by,
    _rule_fights_through,
    _rule_support_was,
    _rule_support_for,
    _rule_support_and_training,
    _rule_training,
    _rule_affiliated,
    _rule_fights_alongside,
    _rule_defection,
    _rule_clash,
    _rule_commander,
    _rule_led_by,
    _rule_formed,
    _rule_new_formation,
    _rule_members,
    _rule_spokesman,
    _rule_ties,
    _rule_taken_over,
)


def _evidence(s: _Sentence, anchors: Iterable[int]) -> tuple[int, int]:
    """The clauses of the sentence that cover every anchor, as a span of article.text."""
    text = s.article.text
    anchors = tuple(anchors)
    low, high = s.pos(min(anchors)), s.pos(max(anchors) - 1)
    clauses = _clauses(text, s.start, s.end)
    start = next(b for b, e in clauses if low < e or (b, e) == clauses[-1])
    end = next(e for b, e in clauses if high < e or (b, e) == clauses[-1])
    start = max(start, s.start)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _negated(s: _Sentence, index: int) -> bool:
    """True when the clause words right before template index ``index`` deny or fear it."""
    begin, _ = s.clause_bounds(index)
    return bool(_NEGATED.search(s.template[begin:index]))


def _resolve(s: _Sentence, who: int | str) -> str:
    return s.mentions[who].actor_id if isinstance(who, int) else who


def extract_relations(article: Article) -> list[Relation]:
    """Relations stated in a cleaned article, each with its verbatim evidence.

    ``article`` must be cleaned (``cleaning.clean_article``): offsets point into its
    ``text``. Every relation satisfies ``article.text[r.start:r.end] == r.evidence``.
    A relation stated twice in one sentence is returned once; stated in two sentences,
    twice (each sentence is evidence).
    """
    text = article.text
    mentions = find_mentions(text)
    relations: list[Relation] = []
    seen: set[tuple] = set()
    for start, end in _sentences(text):
        inside = [m for m in mentions if start <= m.start and m.end <= end]
        before = [m for m in mentions if m.end <= start and actor_by_id(m.actor_id).type == "armed_group"]
        sentence = _template(article, start, end, inside, before)
        date = _date_phrase(text[start:end]) or article.date
        for rule in _RULES:
            for found in rule(sentence):
                if _negated(sentence, min(found.anchors)):
                    continue
                subject, obj = _resolve(sentence, found.subject), _resolve(sentence, found.object)
                if subject == obj:
                    continue
                key = (subject, found.relation, obj, start)
                if key in seen:
                    continue
                seen.add(key)
                ev_start, ev_end = _evidence(sentence, found.anchors)
                relations.append(
                    Relation(
                        subject_id=subject,
                        relation=found.relation,
                        object_id=obj,
                        article_id=article.id,
                        evidence=text[ev_start:ev_end],
                        start=ev_start,
                        end=ev_end,
                        date=date,
                        qualifier=found.qualifier,
                        article_date=article.date,
                        rule=found.rule,
                    )
                )
    relations.sort(key=lambda r: (r.start, r.relation, r.subject_id, r.object_id))
    return relations


def relations_for(articles: Iterable[Article]) -> list[Relation]:
    """``extract_relations`` over many cleaned articles, in the order given."""
    found: list[Relation] = []
    for article in articles:
        found.extend(extract_relations(article))
    return found


# --------------------------------------------------------------------------- actor table and backing graph

# Relations by which one actor sponsors another: the edges of the "who backs whom" graph.
BACKING_RELATIONS = ("backed-by", "formed-by", "trained-by")
# Not an extracted relation: an actor and a place named in one sentence (``places_named_with``).
NAMED_WITH = "named-with"
# Rows of the actor table: armed groups first, then the other kinds.
_ROW_ORDER = ("armed_group", "force", "organisation", "company", "state", "person", "place")
# Relations that hold both ways: each side's row shows the other.
_SYMMETRIC = frozenset({"clashed-with"})


@dataclass(frozen=True)
class ActorFact:
    """What an actor's row says about one other actor: ``relation`` to ``other_id``.

    ``evidence`` holds every relation that states it, in article order: one fact stated in
    two articles, or in 2013 and again in 2021, keeps both, so nothing is overwritten.
    """

    relation: str
    other_id: str
    evidence: tuple[Relation, ...]

    @property
    def earlier(self) -> bool:
        """True when every source says it held before ("earlier backed by Iran")."""
        return all(r.qualifier == "earlier" for r in self.evidence)


@dataclass(frozen=True)
class ActorRow:
    """One actor of the table and every cited fact about it, grouped by the other actor."""

    actor_id: str
    facts: tuple[ActorFact, ...]

    def of(self, *relations: str) -> list[ActorFact]:
        """The facts of the given relation types, in table order."""
        return [f for f in self.facts if f.relation in relations]

    @property
    def backers(self) -> list[ActorFact]:
        return self.of("backed-by")

    @property
    def leaders(self) -> list[ActorFact]:
        return self.of("led-by")

    @property
    def places(self) -> list[ActorFact]:
        return self.of(NAMED_WITH)

    @property
    def others(self) -> list[ActorFact]:
        """Trained by, affiliated with, formed by, clashed with, defected to, part of."""
        return [f for f in self.facts if f.relation not in ("backed-by", "led-by", NAMED_WITH)]


@dataclass(frozen=True)
class BackingEdge:
    """``backer_id`` backs, formed or trained ``group_id``; ``evidence`` says so, in article order."""

    backer_id: str
    group_id: str
    evidence: tuple[Relation, ...]

    @property
    def relations(self) -> tuple[str, ...]:
        """The kinds of backing stated, strongest first (backed, formed, trained)."""
        return tuple(k for k in BACKING_RELATIONS if any(r.relation == k for r in self.evidence))

    @property
    def earlier(self) -> bool:
        """True when every source says it held before."""
        return all(r.qualifier == "earlier" for r in self.evidence)


def actor_type(actor_id: str) -> str:
    """The actor's type, or "" for an id missing from the list (an index built with an older list)."""
    try:
        return actor_by_id(actor_id).type
    except KeyError:
        return ""


def backing_edges(relations: Iterable[Relation], backer: str | None = None) -> list[BackingEdge]:
    """The backer -> group edges stated by ``relations`` (backed-by, formed-by, trained-by).

    One edge per (backer, group), carrying every relation that states it; with ``backer``,
    only that backer's edges. Edges come in the order their first evidence appears.
    """
    edges: dict[tuple[str, str], list[Relation]] = {}
    for r in relations:
        if r.relation in BACKING_RELATIONS and (backer is None or r.object_id == backer):
            edges.setdefault((r.object_id, r.subject_id), []).append(r)
    return [BackingEdge(b, g, tuple(found)) for (b, g), found in edges.items()]


def backers(relations: Iterable[Relation]) -> list[str]:
    """Ids of the actors that back, formed or trained another, those backing most groups first."""
    count: dict[str, int] = {}
    for edge in backing_edges(relations):
        count[edge.backer_id] = count.get(edge.backer_id, 0) + 1
    return sorted(count, key=lambda a: (-count[a], a))


def places_named_with(articles: Iterable[Article], types: frozenset[str] = _GROUPS) -> list[Relation]:
    """Places named in one sentence with an actor of ``types`` (armed groups and forces).

    No rule states where a group *operates*, so these are not extracted relations: each
    record (``relation`` ``NAMED_WITH``) says only that the article names the actor and the
    place together, and cites that sentence (``article.text[start:end] == evidence``);
    ``date`` is a date phrase of the sentence, else the article's date. One record per
    actor, place and sentence. ``articles`` must be cleaned, like ``extract_relations``'.
    """
    found: list[Relation] = []
    for article in articles:
        text = article.text
        mentions = find_mentions(text)
        for start, end in _sentences(text):
            inside = [m for m in mentions if start <= m.start and m.end <= end]
            places = dict.fromkeys(m.actor_id for m in inside if actor_type(m.actor_id) == "place")
            actors = dict.fromkeys(m.actor_id for m in inside if actor_type(m.actor_id) in types)
            if not places or not actors:
                continue
            date = _date_phrase(text[start:end]) or article.date
            for actor in actors:
                for place in places:
                    found.append(Relation(actor, NAMED_WITH, place, article.id, text[start:end], start, end,
                                          date, "named in the same sentence", article.date, "same-sentence"))
    return found


def actor_table(relations: Iterable[Relation], places: Iterable[Relation] = (),
                backer: str | None = None) -> list[ActorRow]:
    """Every actor that ``relations`` say something about, with its facts grouped per other actor.

    A row is an actor that is the subject of a relation (either side of a symmetric one such
    as clashed-with); its facts are every relation of it, one ``ActorFact`` per (relation,
    other actor), plus the ``places`` records (``places_named_with``) of actors that have a
    row. With ``backer``, only the actors it backs, formed or trained (their facts stay
    whole: a group backed by Iran earlier and by Russia later shows both).

    Rows: armed groups first, then forces, organisations, companies, states, people; within
    a kind, the actor with most evidence first. Facts: backers, leaders, the other relations
    in ``RELATION_TYPES`` order, places last; within a relation, current before "earlier".
    """
    relations = list(relations)
    facts: dict[str, dict[tuple[str, str], list[Relation]]] = {}
    for r in relations:
        facts.setdefault(r.subject_id, {}).setdefault((r.relation, r.object_id), []).append(r)
        if r.relation in _SYMMETRIC:
            facts.setdefault(r.object_id, {}).setdefault((r.relation, r.subject_id), []).append(r)
    for r in places:
        if r.subject_id in facts:
            facts[r.subject_id].setdefault((r.relation, r.object_id), []).append(r)
    if backer is not None:
        backed = {e.group_id for e in backing_edges(relations, backer)}
        facts = {a: f for a, f in facts.items() if a in backed}
    order = {kind: i for i, kind in enumerate((*RELATION_TYPES, NAMED_WITH))}

    def fact_key(fact: ActorFact) -> tuple:
        return (order.get(fact.relation, len(order)), fact.earlier, -len(fact.evidence),
                fact.evidence[0].article_id, fact.evidence[0].start)

    rows = []
    for actor_id, by_other in facts.items():
        row_facts = [ActorFact(kind, other, tuple(found)) for (kind, other), found in by_other.items()]
        rows.append(ActorRow(actor_id, tuple(sorted(row_facts, key=fact_key))))

    def row_key(row: ActorRow) -> tuple:
        kind = actor_type(row.actor_id)
        stated = sum(len(f.evidence) for f in row.facts if f.relation != NAMED_WITH)
        rank = _ROW_ORDER.index(kind) if kind in _ROW_ORDER else len(_ROW_ORDER)
        return (rank, -stated, row.actor_id)

    return sorted(rows, key=row_key)
