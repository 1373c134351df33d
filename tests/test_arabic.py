from assistant.arabic import is_arabic, normalize, repair_split_words, tokenize


def test_split_words_are_repaired_for_display():
    assert repair_split_words("الميليشـ.ـيات") == "الميليشيات"
    assert repair_split_words("هـ.ـاجم") == "هاجم"
    assert repair_split_words("هجـ.ـمـ.ـاته") == "هجماته"
    # A lone tatweel is typography, not a split: it stays.
    assert repair_split_words("التابع لـ “الجبهة") == "التابع لـ “الجبهة"
    # A decimal point is not a split.
    assert repair_split_words("3.5 كم") == "3.5 كم"


def test_normalize_unifies_spelling_variants():
    assert normalize("إيرانَ") == normalize("ايران")
    assert normalize("مستشفى") == normalize("مستشفي")
    assert normalize("روسيّة") == normalize("روسيه")
    assert normalize("الميليـ.ـشيات") == normalize("الميليشيات")
    assert normalize("حمـيـمـيـم") == "حميميم"
    assert normalize("٢٠٢١") == "2021"


def test_tokenize_stems_lightly_and_keeps_short_words():
    assert tokenize("والميليشيات") == tokenize("الميليشيات") == tokenize("ميليشيا")
    assert "لواء" in tokenize("لواء القدس")
    assert tokenize("في من على") == []


def test_language_is_decided_by_words():
    assert is_arabic("من يدعم Liwa al-Quds؟")
    assert not is_arabic("Who backs لواء القدس?")
    assert is_arabic("ومن يقودها؟")
    assert not is_arabic("How many fighters does it have?")
