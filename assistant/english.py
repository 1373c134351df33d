"""An English line for an English asker: what the cited Arabic sentence says, said without a translation model.

No translation model exists offline, so the line is built only from pieces whose English is known: actors
and places by their catalogue names (``actors.json``), places by a small gazetteer (``data/places_en.json``),
names no list holds by the rule-based transliteration of discovered actors, numbers with their units
(Arabic number words and multipliers read by rule, units and approximators from a lexicon), and dates
(Gregorian and Syriac month names, relative words resolved against the article's date by
``dates.resolve``). Every piece is a ``Part`` tied to the span of the citation it renders, so every English
word of a line can be traced to the citation, the question, a lexicon or a catalogue entry.

When the sentence holds a thing of the kind asked for (a number for "how many", a place for "where", ...)
the line states it: "About 7,000 fighters [1]." Otherwise it says what the sentence is about in one plain
sentence: "[1] names Liwa al-Quds and Russia; places: Aleppo."
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from .actors import ActorType, actor_by_id, find_mentions, transliterate
from .actors.discovery import discovered_mentions
from .actors.folding import _fold
from .arabic import normalize
from .dates import _MONTH_OF, Precision, resolve
from .sentences import AnswerKind

GAZETTEER_PATH = Path(__file__).resolve().parent / "data" / "places_en.json"


class Origin(StrEnum):
    """Where the English of a part comes from."""

    CATALOGUE = "catalogue"  # an actor's or place's English name in actors.json
    GAZETTEER = "gazetteer"  # data/places_en.json
    TRANSLITERATION = "transliteration"  # a discovered name, rendered by rule
    NUMBER = "number"  # digits or number words, multipliers, units and approximators from the lexicon
    DATE = "date"  # a date phrase, resolved by dates.resolve, month names from the lexicon
    LEXICON = "lexicon"  # a common noun of a place ("المشفى العسكري" -> "the military hospital")


@dataclass(frozen=True)
class Part:
    """One piece of a line: ``english`` renders ``citation.text[start:end]``."""

    english: str
    start: int
    end: int
    origin: Origin


@dataclass(frozen=True)
class EnglishLine:
    """The English line of a citation; ``states`` is True when it states a thing of the kind asked for
    (then ``parts`` are those things), False when it says what the sentence is about."""

    text: str
    parts: tuple[Part, ...]
    states: bool


# The words a line's frame is written with; every other word of a line is a part's.
FRAME_WORDS = frozenset({"names", "places", "figures", "dates", "and", "year", "not", "stated"})

_UNITS = {  # normalised singular and plural forms -> (singular, plural)
    ("مقاتل", "مقاتلا", "مقاتلين", "مقاتلون"): ("fighter", "fighters"),
    ("عنصر", "عنصرا", "عناصر"): ("member", "members"),
    ("جندي", "جنديا", "جنود"): ("soldier", "soldiers"),
    ("ضابط", "ضابطا", "ضباط"): ("officer", "officers"),
    ("دبابه", "دبابات"): ("tank", "tanks"),
    ("قتيل", "قتيلا", "قتلي"): ("dead", "dead"),
    ("جريح", "جريحا", "جرحي"): ("wounded", "wounded"),
    ("شخص", "شخصا", "اشخاص"): ("person", "people"),
    ("مدني", "مدنيا", "مدنيين"): ("civilian", "civilians"),
    ("لاجي", "لاجيا", "لاجيين"): ("refugee", "refugees"),
    ("صاروخ", "صاروخا", "صواريخ"): ("rocket", "rockets"),
    ("موقع", "موقعا", "مواقع"): ("position", "positions"),
    ("نقطه", "نقاط"): ("point", "points"),
    ("اخر", "اخرين", "اخرون"): ("other", "others"),
    ("كم", "كيلومتر", "كيلومترا", "كيلومترات"): ("km", "km"),
    ("متر", "مترا", "امتار"): ("metre", "metres"),
    ("يوم", "يوما", "ايام"): ("day", "days"),
    ("شهر", "شهرا", "اشهر", "شهور"): ("month", "months"),
    ("عام", "عاما", "اعوام", "سنه", "سنوات"): ("year", "years"),
    ("ساعه", "ساعات"): ("hour", "hours"),
    ("دولار", "دولارا", "دولارات"): ("dollar", "dollars"),
}
_UNIT_OF = {form: names for forms, names in _UNITS.items() for form in forms}
_NATIONALITIES = {"فلسطيني": "Palestinian", "سوري": "Syrian", "روسي": "Russian", "ايراني": "Iranian",
                  "عراقي": "Iraqi", "لبناني": "Lebanese", "افغاني": "Afghan", "باكستاني": "Pakistani",
                  "تركي": "Turkish", "اجنبي": "foreign"}
_APPROX = {"نحو": "about", "حوالي": "about", "قرابه": "about", "زهاء": "about",
           "اكثر من": "more than", "اقل من": "less than", "ما يزيد عن": "more than", "ما يزيد علي": "more than"}
_WORD_NUMBERS = {
    "واحد": 1, "واحده": 1, "اثنان": 2, "اثنين": 2, "اثنتين": 2, "ثلاث": 3, "ثلاثه": 3, "اربع": 4, "اربعه": 4,
    "خمس": 5, "خمسه": 5, "ست": 6, "سته": 6, "سبع": 7, "سبعه": 7, "ثماني": 8, "ثمان": 8, "ثمانيه": 8, "تسع": 9,
    "تسعه": 9, "عشر": 10, "عشره": 10, "عشرون": 20, "عشرين": 20, "ثلاثون": 30, "ثلاثين": 30, "اربعون": 40,
    "اربعين": 40, "خمسون": 50, "خمسين": 50, "ستون": 60, "ستين": 60, "سبعون": 70, "سبعين": 70, "ثمانون": 80,
    "ثمانين": 80, "تسعون": 90, "تسعين": 90, "ميه": 100, "مايه": 100, "مييتا": 200, "ميتين": 200, "مييتين": 200,
    "الف": 1000, "الفا": 1000, "الفي": 2000, "الفين": 2000,
}
_MULTIPLIERS = {"الف": 1000, "الاف": 1000, "الفا": 1000, "ميه": 100, "مايه": 100, "مليون": 1_000_000,
                "ملايين": 1_000_000, "مليار": 1_000_000_000}
_VAGUE = {"عشرات": "dozens of", "مييات": "hundreds of", "ميات": "hundreds of", "الاف": "thousands of"}
_ORDINALS = {"الاول": 1, "الثاني": 2, "الثالث": 3, "الرابع": 4, "الخامس": 5, "السادس": 6, "السابع": 7,
             "الثامن": 8, "التاسع": 9, "العاشر": 10}
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December")
_PARTS_EN = {"early": "early", "mid": "mid", "late": "late"}
UNKNOWN_YEAR = "(year not stated)"


def _alternation(words) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


# Common nouns of places, with the adjectives that may follow them.
_PLACE_NOUNS = {"مشفي": "hospital", "مستشفي": "hospital", "مطار": "airport", "قاعده": "base", "ثكنات": "barracks",
                "مستودعات": "depots", "مخيم": "camp", "حاجز": "checkpoint", "معبر": "crossing", "مقر": "headquarters"}
_PLACE_ADJECTIVES = {"عسكري": "military", "ميداني": "field", "وطني": "national", "دولي": "international",
                     "جوي": "air", "حدودي": "border"}
# Relation words of a question, and the Arabic stems that say them: the answer of "Where were they taken?"
# is the place named after "أسعفوا".
_RELATION_WORDS = {
    "taken": ("اسعف", "نقل"), "moved": ("نقل",), "sent": ("ارسل", "ارسال"), "send": ("ارسل", "ارسال"),
    "withdraw": ("انسحب", "انسحاب", "اخلت", "اخلاء"), "withdrew": ("انسحب", "انسحاب", "اخلت", "اخلاء"),
    "met": ("اجتمع", "اجتماع"), "meet": ("اجتمع", "اجتماع"), "meeting": ("اجتمع", "اجتماع"),
    "attack": ("هاجم", "هجوم", "مهاجمه"), "attacked": ("هاجم", "هجوم", "مهاجمه"), "killed": ("قتل", "مقتل"),
    "wounded": ("جرح", "اصيب", "اصابه"), "lost": ("خسر",), "trained": ("درب", "تدريب"),
    "founded": ("اسس", "تاسيس", "تشكل", "قياده"), "formed": ("شكل", "تشكيل"), "leads": ("قايد", "يقود", "قياده"),
    "heads": ("رييس", "يراس"),
    "headquarters": ("مقر",), "camp": ("معسكر", "مخيم"), "document": ("توثيق", "وثق"), "documented": ("توثيق", "وثق"),
    "went": ("توجه", "انتقل"), "go": ("توجه", "انتقل"), "preparing": ("تجهيز", "يجهز", "اعداد"),
    "hit": ("استهدف", "غاره"), "clash": ("اشتباك", "اشتباكات"), "sell": ("بيع", "يبيع"),
    "join": ("انضم", "انشق", "التحق"),
}

_CLITIC = r"(?:[وف]?[بل]?)"
_NUMBER = re.compile(
    rf"(?<!\w){_CLITIC}(?:(?P<approx>{_alternation(_APPROX)})\s+)?"
    rf"(?:(?P<digits>\d+(?:[.,٫]\d+)*)|(?P<word>{_alternation(_WORD_NUMBERS)}))(?!\w)"
    rf"(?:\s+(?P<mult>{_alternation(_MULTIPLIERS)})(?!\w))?"
    rf"(?:\s+(?:من\s+)?(?:ال)?(?P<unit>{_alternation(_UNIT_OF)})(?!\w)"
    rf"(?:\s+(?:ال)?(?P<nat>{_alternation(_NATIONALITIES)})(?:ا|ين|ون)?(?!\w))?)?")
_VAGUE_NUMBER = re.compile(
    rf"(?<!\w){_CLITIC}(?P<vague>{_alternation(_VAGUE)})\s+(?:من\s+)?(?:ال)?(?P<unit>{_alternation(_UNIT_OF)})(?!\w)")
_DATE = re.compile(
    rf"(?<!\w)(?:(?P<ordinal>{_alternation(_ORDINALS)})\s+(?:من\s+)?)?"
    rf"(?:(?:مطلع|اوايل|بدايه|مستهل|منتصف|اواسط|اواخر|نهايه)\s+)?(?:شهر\s+)?(?:\d{{1,2}}\s+(?:من\s+)?)?"
    rf"[وبل]?(?P<month>{_alternation(_MONTH_OF)})(?!\w)(?:\s*/\s*(?:{_alternation(_MONTH_OF)})(?!\w))?"
    rf"(?:\s*(?:من\s+)?(?:عام\s+|العام\s+|سنه\s+)?\d{{4}}|\s+(?:الماضي|الفايت|المنصرم|السابق|الحالي|الجاري|المقبل"
    rf"|القادم))?"
    rf"|(?<!\w)(?:(?:مطلع|اوايل|بدايه|مستهل|منتصف|اواسط|اواخر|نهايه)\s+)?(?:(?:عام|العام|سنه)\s+)?(?:19|20)\d{{2}}"
    rf"(?!\d)|(?<!\w)(?:العام|السنه)\s+(?:الماضي|الفايت|المنصرم|السابق|الحالي|الجاري|المقبل|القادم)")


@lru_cache(maxsize=1)
def gazetteer(path: str | Path = GAZETTEER_PATH) -> dict[str, str]:
    """The gazetteer's places, normalised Arabic name -> English name."""
    data = json.loads(Path(path).read_text("utf-8"))
    return {normalize(ar): en for ar, en in data["places"].items()}


def lexicon(origin: Origin) -> frozenset[str]:
    """The English words a part of ``origin`` is written with, besides digits (for the lexicon-made origins:
    numbers, dates, place nouns); empty for the others, whose English is a catalogue entry, a gazetteer entry
    or a transliteration of the part's own source words."""
    phrases: list[str] = {
        Origin.NUMBER: [w for pair in _UNITS.values() for w in pair] + list(_NATIONALITIES.values())
        + list(_APPROX.values()) + list(_VAGUE.values()),
        Origin.DATE: [*_MONTHS_EN, *_PARTS_EN.values(), UNKNOWN_YEAR],
        Origin.LEXICON: ["the", *_PLACE_NOUNS.values(), *_PLACE_ADJECTIVES.values()],
    }.get(origin, [])
    return frozenset(w for phrase in phrases for w in re.findall(r"[A-Za-z]+", phrase))


def _span(positions: list[int], match: re.Match, group: int | str = 0) -> tuple[int, int]:
    return positions[match.start(group)], positions[match.end(group) - 1] + 1


def _amount(match: re.Match) -> int | float | None:
    if match.group("digits"):
        digits = match.group("digits").replace(",", "").replace("٫", ".")
        try:
            value: float = float(digits)
        except ValueError:
            return None
    else:
        value = _WORD_NUMBERS[match.group("word")]
    multiplier = _MULTIPLIERS.get(match.group("mult") or "", 1)
    value *= multiplier
    return int(value) if value == int(value) else value


def _is_year(match: re.Match) -> bool:
    digits = match.group("digits") or ""
    return (len(digits) == 4 and digits[:2] in ("19", "20") and not match.group("mult") and not match.group("unit"))


def number_parts(text: str) -> list[Part]:
    """The numbers of ``text`` with their units, in English ("7 آلاف مقاتل" -> "7,000 fighters",
    "نحو 800 مقاتل فلسطيني" -> "about 800 Palestinian fighters", "عشرات العناصر" -> "dozens of members").
    A bare year is a date, not a number."""
    folded, positions = _fold(text)
    parts = []
    for match in _NUMBER.finditer(folded):
        amount = _amount(match)
        if amount is None or _is_year(match):
            continue
        words = [_APPROX[match.group("approx")]] if match.group("approx") else []
        words.append(f"{amount:,}")
        if match.group("nat"):
            words.append(_NATIONALITIES[match.group("nat")])
        if match.group("unit"):
            singular, plural = _UNIT_OF[match.group("unit")]
            words.append(singular if amount == 1 else plural)
        # The span starts after a clitic ("بنحو" is cited from "نحو").
        first = "approx" if match.group("approx") else ("digits" if match.group("digits") else "word")
        parts.append(Part(" ".join(words), _span(positions, match, first)[0], _span(positions, match)[1],
                          Origin.NUMBER))
    for match in _VAGUE_NUMBER.finditer(folded):
        start, end = _span(positions, match, "vague")
        if not any(p.start < end and start < p.end for p in parts):
            parts.append(Part(f"{_VAGUE[match.group('vague')]} {_UNIT_OF[match.group('unit')][1]}",
                              start, _span(positions, match)[1], Origin.NUMBER))
    return sorted(parts, key=lambda p: p.start)


def _date_english(phrase: str, month: str, ordinal: int | None, article_date: str) -> str:
    date = resolve(phrase, article_date)
    if not date.known:
        if not month:
            return ""
        # A relative month in an undated article: the month and day as written, the year said to be unknown.
        day = ordinal or next((int(n) for n in re.findall(r"\d{1,2}", normalize(phrase))), None)
        name = _MONTHS_EN[_MONTH_OF[month] - 1]
        return f"{day} {name} {UNKNOWN_YEAR}" if day else f"{name} {UNKNOWN_YEAR}"
    fields = date.value.split("-")
    words = [_PARTS_EN[date.part]] if date.part else []
    day = int(fields[2]) if date.precision is Precision.DAY else ordinal
    if len(fields) >= 2:
        words.append(f"{day} {_MONTHS_EN[int(fields[1]) - 1]}" if day else _MONTHS_EN[int(fields[1]) - 1])
    words.append(fields[0])
    return " ".join(words)


def date_parts(text: str, article_date: str = "") -> list[Part]:
    """The dates of ``text`` in English ("منتصف عام 2013" -> "mid 2013", "الخامس من آذار" in an article of
    2020 -> "5 March 2020"); a relative date of an undated article is left out (nothing to resolve it by)."""
    folded, positions = _fold(text)
    parts = []
    for match in _DATE.finditer(folded):
        start, end = _span(positions, match)
        ordinal = _ORDINALS.get(match.group("ordinal") or "")
        english = _date_english(text[start:end], match.group("month") or "", ordinal, article_date)
        if english:
            parts.append(Part(english, start, end, Origin.DATE))
    return parts


_PLACE_TYPES = {ActorType.PLACE.value, ActorType.STATE.value}
_GROUP_TYPES = {ActorType.ARMED_GROUP.value, ActorType.ORGANISATION.value, ActorType.FORCE.value,
                ActorType.COMPANY.value}


@lru_cache(maxsize=1)
def _place_pattern() -> re.Pattern:
    return re.compile(rf"(?<!\w)[وفبل]?(?:{_alternation(gazetteer())})(?!\w)")


def name_parts(text: str) -> list[tuple[Part, str]]:
    """The actors and places named in ``text``, each with its English name and its actor type: catalogue
    names first, then gazetteer places, then discovered names (transliterated)."""
    listed = find_mentions(text)
    found: list[tuple[Part, str]] = []
    for m in listed:
        actor = actor_by_id(m.actor_id)
        if m.refers_to or actor.collective:
            continue
        found.append((Part(actor.name_en, m.start, m.end, Origin.CATALOGUE), actor.type))
    folded, positions = _fold(text)
    places = gazetteer()
    for match in _place_pattern().finditer(folded):
        start, end = _span(positions, match)
        key = normalize(text[start:end])
        english = places.get(key) or places.get(key[1:])
        if english and not any(p.start < end and start < p.end for p, _ in found):
            found.append((Part(english, start, end, Origin.GAZETTEER), ActorType.PLACE.value))
    discovered, actors = discovered_mentions(text, listed)
    for m in discovered:
        if m.actor_id in actors and not any(p.start < m.end and m.start < p.end for p, _ in found):
            found.append((Part(transliterate(m.text), m.start, m.end, Origin.TRANSLITERATION),
                          actors[m.actor_id].type))
    return sorted(found, key=lambda pair: pair[0].start)


_PLACE_NOUN = re.compile(rf"(?<!\w){_CLITIC}(?:ال)?(?P<noun>{_alternation(_PLACE_NOUNS)})(?!\w)"
                         rf"(?:\s+(?:ال)?(?P<adj>{_alternation(_PLACE_ADJECTIVES)})(?:ه)?(?!\w))?")


def place_noun_parts(text: str) -> list[Part]:
    """The common nouns of places in ``text`` ("المشفى العسكري" -> "the military hospital")."""
    folded, positions = _fold(text)
    parts = []
    for match in _PLACE_NOUN.finditer(folded):
        words = ["the"] + ([_PLACE_ADJECTIVES[match.group("adj")]] if match.group("adj") else [])
        start, end = _span(positions, match, "noun")[0], _span(positions, match)[1]
        parts.append(Part(" ".join(words + [_PLACE_NOUNS[match.group("noun")]]), start, end, Origin.LEXICON))
    return parts


def _relation_stems(question: str) -> set[str]:
    return {stem for word in re.findall(r"[a-z]+", question.lower()) for stem in _RELATION_WORDS.get(word, ())}


def _anchors(question: str, text: str) -> list[int]:
    """Where ``text`` says a relation word of ``question`` (positions in ``text``)."""
    folded, positions = _fold(text)
    return [positions[m.start()] for stem in _relation_stems(question)
            for m in re.finditer(rf"(?<!\w)\w{{0,3}}{stem}", folded)]


def _ranked(parts: list[Part], question: str, text: str, subjects: list[int], by_words: bool) -> list[Part]:
    """``parts`` best first: with ``by_words``, those sharing more words with the question ("Palestinian
    fighters"); then those nearest after a relation word of the question and nearest the question's own
    actors (at ``subjects``), then in the order written."""
    words = set(re.findall(r"[a-z]+", question.lower())) if by_words else set()
    anchors = _anchors(question, text)

    def key(part: Part) -> tuple:
        shared = len(words & set(part.english.lower().split()))
        after = [part.start - a for a in anchors if a <= part.start]
        near = min((abs(part.start - at) for at in subjects), default=0) if anchors else 0
        return (-shared, (min(after) if after else len(text)) + near, part.start)

    return sorted(parts, key=key)


def _unique(parts: list[Part]) -> list[Part]:
    seen: set[str] = set()
    return [p for p in parts if not (p.english in seen or seen.add(p.english))]


def _listing(parts: list[Part]) -> str:
    names = [p.english for p in parts]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


# At most this many things are stated or named per kind, so that a line stays one plain sentence.
MOST_PARTS = 3


def english_line(question: str, kind: AnswerKind, text: str, article_date: str = "",
                 marker: str = "[1]") -> EnglishLine | None:
    """The English line for the cited ``text`` (of an article dated ``article_date``), for an English
    ``question`` asking for ``kind``; None when the text holds nothing whose English is known.

    Actors the question itself names are not given as its answer ("Who founded Liwa al-Quds?" is not
    answered by "Liwa al-Quds").
    """
    asked = {m.actor_id for m in find_mentions(question)}
    names = name_parts(text)
    place_nouns = [p for p in place_noun_parts(text) if not any(n.start < p.end and p.start < n.end for n, _ in names)]
    dates = date_parts(text, article_date)
    # The day of a date is no figure of its own.
    numbers = [n for n in number_parts(text) if not any(d.start < n.end and n.start < d.end for d in dates)]
    wanted = {
        AnswerKind.NUMBER: numbers,
        AnswerKind.DATE: dates,
        AnswerKind.PLACE: [p for p, t in names if t == ActorType.PLACE.value] + place_nouns,
        AnswerKind.PERSON: [p for p, t in names if t != ActorType.PLACE.value],
        AnswerKind.ORGANISATION: [p for p, t in names if t in _GROUP_TYPES],
    }.get(kind, [])
    # A state is a place's answer only after the places below it ("Where ...?" is seldom "Russia").
    fallback = [p for p, t in names if t == ActorType.STATE.value] if kind is AnswerKind.PLACE else []
    named_in_question = {(m.start, m.end) for m in find_mentions(text) if m.actor_id in asked}
    subjects = [start for start, _ in named_in_question]
    by_words = kind is AnswerKind.NUMBER
    wanted = [p for p in _ranked(wanted, question, text, subjects, by_words)
              + _ranked(fallback, question, text, subjects, by_words) if (p.start, p.end) not in named_in_question]
    wanted = _unique(wanted)[:MOST_PARTS]
    # A sentence that does not say the relation asked about ("killed", "taken") is not taken to answer it.
    if wanted and (_anchors(question, text) or not _relation_stems(question)):
        line = _listing(wanted)
        return EnglishLine(f"{line[:1].upper()}{line[1:]} {marker}.", tuple(wanted), True)
    actors = _unique([p for p, t in names if t not in _PLACE_TYPES])[:MOST_PARTS]
    places = _unique([p for p, t in names if t in _PLACE_TYPES])[:MOST_PARTS]
    figures, when = numbers[:MOST_PARTS], _unique(dates)[:MOST_PARTS]
    pieces = [(label, parts) for label, parts in (("names", actors), ("places:", places), ("figures:", figures),
                                                  ("dates:", when)) if parts]
    if not pieces:
        return None
    body = "; ".join(f"{label} {_listing(parts)}" for label, parts in pieces)
    return EnglishLine(f"{marker} {body}.", tuple(p for _, parts in pieces for p in parts), False)


def holds_in_words(sources: list[str], answer: list[str]) -> bool:
    """Whether some of ``sources`` (the Arabic words a line's parts render) hold an item of the expected
    ``answer`` (gold items, alternatives split by "|"), or lie inside one ("مهين" of "مستودعات مهين")."""
    for source in map(normalize, sources):
        for item in answer:
            for alternative in item.split("|"):
                wanted = normalize(alternative)
                if source and (wanted in source or source in wanted):
                    return True
    return False


def states_answer(line: EnglishLine | None, text: str, answer: list[str]) -> bool:
    """Whether ``line`` (of the cited ``text``) states the expected ``answer``: it states a thing of the
    kind asked for, and its parts' source words hold the answer (``holds_in_words``)."""
    return bool(line and line.states and holds_in_words([text[p.start:p.end] for p in line.parts], answer))
