"""``english``: the English line of a cited Arabic sentence, every word traceable to where it came from."""

from __future__ import annotations

import re

import pytest

from assistant.actors import actor_by_id, find_mentions, transliterate
from assistant.answer import Answer, Citation
from assistant.arabic import normalize
from assistant.chunking import sentence_spans
from assistant.english import (
    FRAME_WORDS,
    EnglishLine,
    Origin,
    date_parts,
    english_line,
    gazetteer,
    lexicon,
    name_parts,
    number_parts,
    place_noun_parts,
    states_answer,
)
from assistant.evaluation import LineOutcome, line_outcome, load_gold
from assistant.sentences import AnswerKind, question_kind

FIGHTERS = ("ويقدر عدد عناصر ميلشيا “لواء القدس” بنحو 7 آلاف مقاتل بينهم حوالي 800 مقاتل فلسطيني، "
            "وخسر أكثر من 600 مقاتل.")


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z]+", text)


def assert_traceable(line: EnglishLine, text: str, article_date: str = "") -> None:
    """Every English word of ``line`` is a frame word or a part's, and every part's English comes from its
    origin: the catalogue entry named at its span, the gazetteer entry of its words, their transliteration,
    or the number, date and place-noun lexicons applied to its span alone (a date with the article's date)."""
    part_words = {w.lower() for p in line.parts for w in _words(p.english)}
    assert {w.lower() for w in _words(line.text)} <= part_words | FRAME_WORDS, line.text
    catalogue = {(m.start, m.end): actor_by_id(m.actor_id).name_en for m in find_mentions(text)}
    for part in line.parts:
        source = text[part.start:part.end]
        assert source.strip() and re.search(r"[\u0621-\u064a\d]", source), part
        if part.origin is Origin.CATALOGUE:
            assert catalogue[(part.start, part.end)] == part.english
        elif part.origin is Origin.GAZETTEER:
            key = normalize(source)
            assert part.english in (gazetteer().get(key), gazetteer().get(key[1:]))
        elif part.origin is Origin.TRANSLITERATION:
            assert part.english == transliterate(source)
        else:
            assert set(_words(part.english)) <= lexicon(part.origin), part
            rule = {Origin.NUMBER: number_parts, Origin.LEXICON: place_noun_parts,
                    Origin.DATE: lambda t: date_parts(t, article_date)}[part.origin]
            assert part.english in [p.english for p in rule(source)], part


def test_numbers_with_their_units_and_approximators():
    assert [p.english for p in number_parts(FIGHTERS)] == [
        "about 7,000 fighters", "about 800 Palestinian fighters", "more than 600 fighters"]
    assert [p.english for p in number_parts("قتل ثلاثة عناصر وجرح أربعة آخرين")] == ["3 members", "4 others"]
    assert [p.english for p in number_parts("يضم سبعة آلاف مقاتل")] == ["7,000 fighters"]
    assert [p.english for p in number_parts("أرسل عشرات العناصر")] == ["dozens of members"]
    assert number_parts("تشكل عام 2013") == []  # a year is a date
    part = number_parts(FIGHTERS)[0]
    assert FIGHTERS[part.start:part.end] == "بنحو 7 آلاف مقاتل"[1:]


def test_dates_resolved_against_the_article_or_left_relative():
    assert [p.english for p in date_parts("تأسس في منتصف عام 2013")] == ["mid 2013"]
    assert [p.english for p in date_parts("في الخامس من آذار/مارس الماضي", "2020-06")] == ["5 March 2020"]
    assert [p.english for p in date_parts("في 15 تشرين الثاني الماضي", "2021-03")] == ["15 November 2020"]
    assert [p.english for p in date_parts("في 15 تشرين الثاني الماضي")] == ["15 November (year not stated)"]


def test_names_from_the_catalogue_the_gazetteer_and_transliteration():
    found = {p.english: (p.origin, kind) for p, kind in name_parts("قصفت روسيا مواقع في طرطوس وحلب")}
    assert found["Russia"] == (Origin.CATALOGUE, "state")
    assert found["Tartus"] == (Origin.GAZETTEER, "place")
    assert found["Aleppo"] == (Origin.CATALOGUE, "place")
    text = "وقال القيادي في الميليشيا المدعو سلمان الحمادي إن"
    rendered = [(p.english, p.origin) for p, _ in name_parts(text)]
    assert any(origin is Origin.TRANSLITERATION and "Slman" in english for english, origin in rendered), rendered
    assert [p.english for p in place_noun_parts("نقلوا إلى المشفى العسكري")] == ["the military hospital"]


def test_a_line_states_the_thing_asked_for_and_not_what_the_question_names():
    line = english_line("How many Palestinian fighters are in the Al-Quds Brigade?", AnswerKind.NUMBER, FIGHTERS)
    assert line.states and line.text.startswith("About 800 Palestinian fighters")
    assert states_answer(line, FIGHTERS, ["800 مقاتل فلسطيني"])
    assert not states_answer(line, FIGHTERS, ["86"])
    text = "أسس محمد سعيد ميليشيا لواء القدس في منتصف عام 2013"
    line = english_line("Who founded Liwa al-Quds?", AnswerKind.PERSON, text)
    assert line.text == "Muhammad Said [1]." and [p.origin for p in line.parts] == [Origin.CATALOGUE]
    assert english_line("When was Liwa al-Quds founded?", AnswerKind.DATE, text).text == "Mid 2013 [1]."
    assert_traceable(line, text)


def test_a_line_says_what_the_sentence_is_about_when_it_holds_nothing_of_the_kind():
    text = "قصفت روسيا مواقع في حلب في 15 تشرين الثاني الماضي"
    line = english_line("How many fighters were there?", AnswerKind.NUMBER, text, "2021-03")
    assert not line.states
    assert line.text == "[1] places: Russia and Aleppo; dates: 15 November 2020."
    assert_traceable(line, text, "2021-03")
    assert english_line("Who?", AnswerKind.PERSON, "قال المصدر إن الوضع هادئ") is None


def test_a_sentence_without_the_asked_relation_is_not_taken_to_answer():
    text = "وصل عشرة عناصر إلى مدينة حلب"
    assert english_line("How many fighters were killed?", AnswerKind.NUMBER, text).states is False
    assert english_line("How many fighters arrived?", AnswerKind.NUMBER, text).states is True


def _citation(text: str, date: str = "2021") -> Citation:
    return Citation("a", "عنوان", "مصدر", date, text, 0, len(text), 0.9)


def test_the_harness_judges_a_line_by_its_source_words():
    question = "How many fighters has Liwa al-Quds lost since it was formed?"
    line = english_line(question, question_kind(question, "en"), FIGHTERS, "2021")
    answer = Answer(True, f"{line.text} The closest answer is in ...", [_citation(FIGHTERS)], "en")
    assert line.text.startswith("More than 600 fighters")
    assert line_outcome(question, answer, ["600"]) is LineOutcome.STATES
    assert line_outcome(question, answer, ["8000"]) is LineOutcome.OFF  # the citation does not hold it
    assert line_outcome(question, answer, ["ميلشيا"]) is LineOutcome.WRONG  # it does, the line states otherwise
    bare = Answer(True, "The closest answer is in ...", [_citation(FIGHTERS)], "en")
    assert line_outcome(question, bare, ["600"]) is LineOutcome.ABOUT


def test_every_english_word_of_every_line_over_the_seed_articles_is_traceable(fake_assistant):
    """Each English gold question against every sentence of its article: whatever sentence is cited, its line
    is made of traceable words."""
    articles = fake_assistant.index.articles
    lines = stating = 0
    for item in load_gold()["questions"]:
        if item["language"] != "en" or not isinstance(item["article_id"], str):
            continue
        article = articles[item["article_id"]]
        kind = question_kind(item["question"], "en")
        for start, end in sentence_spans(article.text):
            line = english_line(item["question"], kind, article.text[start:end], article.date)
            if line is not None:
                assert_traceable(line, article.text[start:end], article.date)
                lines, stating = lines + 1, stating + line.states
    assert lines > 1000 and stating > 100, (lines, stating)


@pytest.mark.parametrize("item", [q for q in load_gold()["questions"] if q["language"] == "en"],
                         ids=lambda q: q["id"])
def test_an_english_answer_starts_with_the_line_of_its_first_citation(fake_assistant, item):
    answer = fake_assistant.ask(item["question"])
    if not answer.answered:
        return
    first = answer.citations[0]
    line = english_line(item["question"], question_kind(item["question"], "en"), first.text, first.date)
    if line is None or answer.facts:
        assert answer.facts or answer.text.startswith("The closest answer is in")
        return
    assert answer.text.startswith(line.text)
    assert_traceable(line, first.text, first.date)
