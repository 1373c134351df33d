"""Relative and absolute date phrases of the articles, resolved against the article's date."""

import pytest

from assistant.dates import Precision, ResolvedDate, display, parse_metadata, relation_date, resolve

# Every month, by both its Gregorian and its Syriac Arabic name.
MONTHS = [
    ("يناير", "كانون الثاني", 1), ("فبراير", "شباط", 2), ("مارس", "آذار", 3), ("أبريل", "نيسان", 4),
    ("مايو", "أيار", 5), ("يونيو", "حزيران", 6), ("يوليو", "تموز", 7), ("أغسطس", "آب", 8),
    ("سبتمبر", "أيلول", 9), ("أكتوبر", "تشرين الأول", 10), ("نوفمبر", "تشرين الثاني", 11),
    ("ديسمبر", "كانون الأول", 12),
]


@pytest.mark.parametrize("gregorian,syriac,number", MONTHS)
def test_month_names_of_both_calendars_with_a_year(gregorian, syriac, number):
    for phrase in (f"{gregorian} 2019", f"{syriac} 2019", f"{syriac}/{gregorian} 2019", f"{gregorian} / {syriac} 2019"):
        date = resolve(phrase, "")
        assert (date.value, date.precision, date.relative) == (f"2019-{number:02d}", Precision.MONTH, False), phrase
        assert date.phrase == phrase


@pytest.mark.parametrize("gregorian,syriac,number", MONTHS)
def test_last_month_is_the_one_before_the_article(gregorian, syriac, number):
    # An article of June 2021: a "last" month up to May is in 2021, from June on in 2020.
    expected = f"{2021 if number < 6 else 2020}-{number:02d}"
    for word in ("الماضي", "الفائت"):
        date = resolve(f"{syriac}/{gregorian} {word}", "2021-06-15")
        assert (date.value, date.relative) == (expected, True)


def test_the_seed_articles_phrases():
    # 001 is dated 2021 (a year only): "last February" is February of that year.
    assert resolve("فبراير/شباط الفائت", "2021") == ResolvedDate("2021-02", Precision.MONTH, "فبراير/شباط الفائت",
                                                                 relative=True)
    mid_feb = resolve("منتصف شباط /فبراير الفائت", "2021")
    assert (mid_feb.value, mid_feb.part, mid_feb.relative) == ("2021-02", "mid", True)
    # 004 has no date: "early last July" cannot be placed, and must not look like a date.
    july = resolve("مطلع شهر تموز/يوليو الماضي", "")
    assert (july.value, july.precision, july.relative, july.part) == ("", Precision.NONE, True, "early")
    assert july.phrase == "مطلع شهر تموز/يوليو الماضي" and display(july) == ""
    assert resolve("مطلع شهر تموز/يوليو الماضي", "2019-10-01").value == "2019-07"
    mid_2013 = resolve("منتصف عام 2013", "")
    assert (mid_2013.value, mid_2013.precision, mid_2013.part, mid_2013.relative) == ("2013", Precision.YEAR, "mid",
                                                                                      False)
    assert display(mid_2013) == "mid 2013" and display(mid_2013, "ar") == "منتصف 2013"


def test_days_current_and_next():
    assert resolve("25 من مارس/آذار 2021", "").value == "2021-03-25"
    current = resolve("15 تشرين الثاني الحالي", "2020-11-20")
    assert (current.value, current.precision, current.relative) == ("2020-11-15", Precision.DAY, True)
    assert resolve("15 تشرين الثاني الحالي", "").value == ""
    assert resolve("كانون الثاني/يناير المقبل", "2020-11-20").value == "2021-01"
    assert resolve("كانون الثاني/يناير المقبل", "2020-01-20").value == "2021-01"
    assert resolve("أواخر آذار الجاري", "2018-03").value == "2018-03"


def test_relative_years():
    assert (resolve("العام الماضي", "2015-07-21").value, resolve("العام الماضي", "2015").relative) == ("2014", True)
    assert resolve("العام الحالي", "2015").value == "2015"
    assert resolve("العام المقبل", "2015").value == "2016"
    assert resolve("العام الماضي", "").value == ""


def test_metadata_dates():
    assert parse_metadata("2021") == ResolvedDate("2021", Precision.YEAR, "2021")
    assert parse_metadata("2022-04").value == "2022-04"
    assert parse_metadata("2015-07-21T10:00").value == "2015-07-21"
    assert parse_metadata("").precision is Precision.NONE
    assert parse_metadata("<i>2024</i>").value == ""
    # A relation without a phrase of its own carries its article's date.
    assert relation_date("2022-04", "2022-04").value == "2022-04"
    assert relation_date("", "2021").value == "2021"
    assert relation_date("", "").known is False


def test_no_date_in_a_phrase_is_undated_and_keeps_it():
    date = resolve("في وقت سابق", "2021")
    assert (date.value, date.precision, date.phrase) == ("", Precision.NONE, "في وقت سابق")
    # A month name inside another word is no month ("آب" in "الإرهاب").
    assert resolve("الإرهاب الماضي", "2021").value == ""


def test_chronological_order():
    dates = [resolve(p, "2021") for p in ("أواخر عام 2013", "مطلع عام 2013", "منتصف عام 2013", "فبراير 2013")]
    assert [d.phrase for d in sorted(dates, key=lambda d: d.sort_key)] == [
        "مطلع عام 2013", "فبراير 2013", "منتصف عام 2013", "أواخر عام 2013"]
    assert sorted([resolve("", ""), resolve("2014", "")], key=lambda d: d.sort_key)[0].value == "2014"


def test_a_worded_date_shows_its_phrase_a_plain_one_does_not():
    assert resolve("منتصف عام 2013", "").worded and resolve("فبراير/شباط الفائت", "2021").worded
    assert resolve("مطلع شهر تموز/يوليو الماضي", "").worded  # undated: the phrase is all there is
    assert not parse_metadata("2021").worded and not relation_date("2022-04", "2022-04").worded
