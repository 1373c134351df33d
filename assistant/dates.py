"""Dates of relations: a date phrase of an article resolved to an absolute year, month or day.

The relation extractor keeps the raw phrase of a sentence ("فبراير/شباط الفائت", "منتصف
عام 2013", "مطلع شهر تموز/يوليو الماضي") or, when the sentence has none, the article's date
from its metadata ("2021", "2022-04"). A relative phrase means something only against the
article's own date: "last February" in an article of 2021 is February 2021, and in an
undated article it is no date at all. ``resolve`` does that, and keeps the phrase beside
the value, so that a reader sees both what the article wrote and what it was taken to mean.

Month names come in both calendars' Arabic names: the Gregorian ("يناير", "فبراير") and the
Syriac used in the Levant ("كانون الثاني", "شباط"), often paired ("شباط/فبراير").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from .arabic import normalize


class Precision(StrEnum):
    """How much of a date is known."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    NONE = "none"


@dataclass(frozen=True)
class ResolvedDate:
    """A date as an article states it, and what it resolves to.

    ``value`` is ISO-like ("2021", "2021-02", "2021-03-25") at ``precision``, or "" when the
    phrase cannot be resolved (a relative phrase in an undated article, no phrase at all).
    ``phrase`` is the text it came from; ``relative`` is True when ``value`` was worked out
    against the article's date ("الفائت", "الماضي", "الحالي", "العام الماضي"). ``part`` is
    "early", "mid" or "late" when the phrase says so ("مطلع", "منتصف", "أواخر").
    """

    value: str
    precision: Precision
    phrase: str
    relative: bool = False
    part: str = ""

    @property
    def known(self) -> bool:
        return bool(self.value)

    @property
    def worded(self) -> bool:
        """True when the article's phrase is more than the value itself ("فبراير/شباط الفائت",
        "منتصف عام 2013", a date that could not be read): then a reader is shown both."""
        return bool(self.phrase) and self.phrase.strip() != self.value

    @property
    def sort_key(self) -> tuple[float, ...]:
        """Chronological order, undated last: a part of a year falls among its months ("mid
        2013" after February 2013), a part of a month among its days; a bare year or month
        before its parts."""
        if not self.value:
            return (float("inf"),)
        fields = [float(n) for n in self.value.split("-")]
        within = {"": 0.0, "early": 0.1, "mid": 0.5, "late": 0.9}[self.part]
        scale = {Precision.YEAR: 12.0, Precision.MONTH: 31.0}.get(self.precision, 0.0)
        return (*fields, within * scale)

    def to_dict(self) -> dict:
        return {"value": self.value, "precision": self.precision.value, "phrase": self.phrase,
                "relative": self.relative, "part": self.part}


UNDATED = ResolvedDate("", Precision.NONE, "")

# Month number -> every Arabic name of it, Gregorian then Syriac (normalised when compiled).
_MONTHS = {
    1: ("يناير", "كانون الثاني"), 2: ("فبراير", "شباط"), 3: ("مارس", "آذار"), 4: ("أبريل", "ابريل", "نيسان"),
    5: ("مايو", "أيار"), 6: ("يونيو", "يونيه", "حزيران"), 7: ("يوليو", "يوليه", "تموز"), 8: ("أغسطس", "آب"),
    9: ("سبتمبر", "أيلول"), 10: ("أكتوبر", "تشرين الأول"), 11: ("نوفمبر", "تشرين الثاني"),
    12: ("ديسمبر", "كانون الأول"),
}
_MONTH_OF = {normalize(name): number for number, names in _MONTHS.items() for name in names}
_MONTH = "|".join(sorted((re.escape(n) for n in _MONTH_OF), key=len, reverse=True))
# Relative words, normalised: the previous one, this one, the next one.
_PAST = ("الماضي", "الفايت", "المنصرم", "السابق", "المنقضي")
_CURRENT = ("الحالي", "الجاري", "هذا")
_NEXT = ("المقبل", "القادم")
_RELATIVE = "|".join(_PAST + _CURRENT + _NEXT)
_PARTS = {"مطلع": "early", "اوايل": "early", "بدايه": "early", "مستهل": "early", "منتصف": "mid",
          "اواسط": "mid", "اواخر": "late", "نهايه": "late"}
_PART = "|".join(_PARTS)

_MONTH_PHRASE = re.compile(
    rf"(?<!\w)(?:(?P<part>{_PART})\s+)?(?:شهر\s+)?(?:(?P<day>\d{{1,2}})\s+(?:من\s+)?)?"
    rf"(?P<month>{_MONTH})(?!\w)(?:\s*/\s*(?P<pair>{_MONTH})(?!\w))?"
    rf"(?:\s*(?:من\s+)?(?:عام\s+|العام\s+|سنه\s+)?(?P<year>\d{{4}})|\s+(?P<rel>{_RELATIVE}))?")
_YEAR_PHRASE = re.compile(
    rf"(?:(?P<part>{_PART})\s+)?(?:(?:عام|العام|سنه|السنه)\s+)?(?P<year>(?:19|20)\d{{2}})(?!\d)")
_RELATIVE_YEAR = re.compile(rf"(?:(?P<part>{_PART})\s+)?(?:العام|السنه)\s+(?P<rel>{_RELATIVE})")
_ISO = re.compile(r"\s*(?P<year>(?:19|20)\d{2})(?:-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2}))?)?\s*")


def parse_metadata(date: str) -> ResolvedDate:
    """An article's date from its metadata ("2021", "2022-04", "2015-07-21", "2015-07-21T10:00");
    undated when empty or not such a date."""
    match = _ISO.match(date or "")
    if match is None:
        return ResolvedDate("", Precision.NONE, date or "")
    year, month, day = match.group("year"), match.group("month"), match.group("day")
    if month and not 1 <= int(month) <= 12:
        return ResolvedDate(year, Precision.YEAR, date)
    if day and 1 <= int(day) <= 31:
        return ResolvedDate(f"{year}-{int(month):02d}-{int(day):02d}", Precision.DAY, date)
    if month:
        return ResolvedDate(f"{year}-{int(month):02d}", Precision.MONTH, date)
    return ResolvedDate(year, Precision.YEAR, date)


def _shift(word: str) -> int:
    return -1 if word in _PAST else (1 if word in _NEXT else 0)


def resolve(phrase: str, article_date: str = "") -> ResolvedDate:
    """``phrase`` (a date phrase of an article) as an absolute date, against ``article_date``
    (the article's metadata date) when the phrase is relative.

    "فبراير/شباط الفائت" in an article of 2021-06 is 2021-02; in one of 2021-01 it is 2020-02
    (the February before it). Against a year alone ("2021"), a past month is taken to lie in
    that year. "العام الماضي" is the year before. A phrase that is the metadata date itself
    ("2022-04") parses as such. Anything that cannot be placed is undated, phrase kept.
    """
    phrase = (phrase or "").strip()
    if not phrase:
        return UNDATED
    if _ISO.fullmatch(phrase):
        return parse_metadata(phrase)
    norm = normalize(phrase)
    reference = parse_metadata(article_date)
    ref_year = int(reference.value[:4]) if reference.known else None
    ref_month = int(reference.value[5:7]) if reference.precision in (Precision.MONTH, Precision.DAY) else None

    match = _MONTH_PHRASE.search(norm)
    if match:
        month = _MONTH_OF[match.group("month")]
        part = _PARTS.get(match.group("part") or "", "")
        day = int(match.group("day")) if match.group("day") and 1 <= int(match.group("day")) <= 31 else None
        if match.group("year"):
            year, relative = int(match.group("year")), False
        elif ref_year is None:
            return ResolvedDate("", Precision.NONE, phrase, relative=True, part=part)
        else:
            relative, shift = True, _shift(match.group("rel") or "الحالي")
            year = ref_year
            # "Last February" is the February before the article; "next" the one after.
            if ref_month is not None and ((shift < 0 and month >= ref_month) or (shift > 0 and month <= ref_month)):
                year += shift
        value = f"{year}-{month:02d}" + (f"-{day:02d}" if day else "")
        return ResolvedDate(value, Precision.DAY if day else Precision.MONTH, phrase, relative, part)

    match = _RELATIVE_YEAR.search(norm)
    if match:
        part = _PARTS.get(match.group("part") or "", "")
        if ref_year is None:
            return ResolvedDate("", Precision.NONE, phrase, relative=True, part=part)
        return ResolvedDate(str(ref_year + _shift(match.group("rel"))), Precision.YEAR, phrase, True, part)

    match = _YEAR_PHRASE.search(norm)
    if match:
        return ResolvedDate(match.group("year"), Precision.YEAR, phrase, part=_PARTS.get(match.group("part") or "", ""))
    return ResolvedDate("", Precision.NONE, phrase)


def relation_date(date: str, article_date: str) -> ResolvedDate:
    """The resolved date of an extracted relation: its sentence's phrase (``Relation.date``)
    against its article's date (``Relation.article_date``). The extractor stores the article's
    date as ``date`` when the sentence has none; that resolves to the metadata date."""
    return resolve(date, article_date) if date else parse_metadata(article_date)


_EN_PARTS = {"early": "early", "mid": "mid", "late": "late"}
_AR_PARTS = {"early": "مطلع", "mid": "منتصف", "late": "أواخر"}


def display(date: ResolvedDate, language: str = "en") -> str:
    """The resolved date for people: "2021-02" stays ISO (it sorts and reads in both
    directions); a part of a year or month is said in words ("mid 2013", "منتصف 2013");
    "" when undated."""
    if not date.known:
        return ""
    if not date.part:
        return date.value
    words = _AR_PARTS if language == "ar" else _EN_PARTS
    return f"{words[date.part]} {date.value}"
