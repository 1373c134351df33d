"""The consonant key that lets a Latin name meet its Arabic form."""

import pytest

from assistant.transliteration import MIN_KEY, holds_key, latin_keys, names_match


@pytest.mark.parametrize("latin, arabic", [
    ("Jaish al-Fatah", "جيش الفتح"),
    ("Jaysh al-Fath", "جيش الفتح"),
    ("Hezbollah", "حزب الله"),
    ("Hizballah", "حزب الله"),
    ("Jabhat al-Nusra", "جبهة النصرة"),
    ("Nasrallah", "نصر الله"),
    ("Yarmouk", "اليرموك"),
    ("Ahrar ash-Sham", "أحرار الشام"),
    ("Liwa al-Quds", "لواء القدس"),
    ("Deir ez-Zor", "دير الزور"),
    ("Kataib Hezbollah", "كتائب حزب الله"),
])
def test_spellings_of_one_name_meet_its_arabic_form(latin, arabic):
    assert names_match(latin, arabic)


@pytest.mark.parametrize("latin, arabic", [
    ("Jaish al-Fatah", "جيش الإسلام"),
    ("Liwa al-Quds", "لواء الباقر"),
    ("Fajr al-Islam", "فجر الحرية"),
])
def test_different_names_do_not_meet(latin, arabic):
    assert not names_match(latin, arabic)


def test_keys_shorter_than_the_minimum_are_not_evidence():
    # "Hama" and "Raqqa" reduce to two letters, which too many words share.
    assert all(len(k) < MIN_KEY for k in latin_keys("Hama"))
    assert not names_match("Hama", "حماة")


def test_a_name_is_found_inside_a_sentence_with_clitics():
    text = "وقالت مصادر إن مقاتلي والنصرة وصلوا إلى اليرموك أمس"
    assert holds_key(latin_keys("Nusra"), text)
    assert holds_key(latin_keys("Yarmouk"), text)
    assert not holds_key(latin_keys("Hezbollah"), text)
