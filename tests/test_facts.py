"""Allegiance questions answered from extracted relations, every part cited (real index)."""

import pytest

from assistant.facts import parse_intent

pytestmark = pytest.mark.model

# (question, a name the structured answer must give, the Arabic words its first evidence holds)
ALLEGIANCE = [
    ("Who backs Liwa al-Quds?", "Russia", "روسيا"),
    ("Who supports the Al-Quds Brigade?", "Russia", "روسيا"),
    ("Who is behind the Quds Brigade?", "Iran", "روسيا"),
    ("Who trained Liwa al-Quds?", "Vega", "تدريب"),
    ("Who leads al-Baqir militia?", "Khalid al-Hassan al-Alloush", "خالد الحسن العلوش"),
    ("Who commands the Baqir Brigade?", "Khalid al-Hassan al-Alloush", "خالد الحسن العلوش"),
    ("Who leads the Aal Berri militia?", "Abdul Malik Berri", "عبد الملك بري"),
    ("Who is the leader of Harakat al-Nujaba?", "Akram al-Kaabi", "أكرم الكعبي"),
    ("Who founded Liwa al-Quds?", "Muhammad Said", "محمد سعيد"),
    ("Who formed the Fifth Corps?", "Russia", "الفيلق الخامس"),
    ("Which militias does Russia back?", "Liwa al-Quds", "روسيا"),
    ("Which groups are backed by Russia?", "al-Baqir", "روسيا"),
    ("Who formed Fajr al-Islam?", "Iran", "فجر الإسلام"),
    ("من يدعم لواء القدس؟", "روسيا", "روسيا"),
    ("من يدعم ميليشيا القدس؟", "إيران", "روسيا"),
    ("من درّب لواء القدس؟", "فيغا", "تدريب"),
    ("من يقود ميليشيا الباقر؟", "خالد الحسن العلوش", "خالد الحسن العلوش"),
    ("من يتزعم ميليشيا آل بري؟", "عبد الملك بري", "عبد الملك بري"),
    ("من قائد حركة النجباء؟", "أكرم الكعبي", "أكرم الكعبي"),
    ("من شكّل الفيلق الخامس؟", "روسيا", "الفيلق الخامس"),
    ("ما الميليشيات المدعومة من روسيا؟", "لواء القدس", "روسيا"),
    ("ما الميليشيات التي شكلتها روسيا؟", "الفيلق الخامس", "الفيلق الخامس"),
    ("من أسس لواء القدس؟", "محمد سعيد", "محمد سعيد"),
]


@pytest.mark.parametrize("question,name,evidence", ALLEGIANCE)
def test_allegiance_questions_get_structured_cited_answers(seed_assistant, question, name, evidence):
    answer = seed_assistant.ask(question)
    assert answer.answered and answer.facts, answer.text
    assert name in answer.text
    assert answer.language == ("ar" if question[0] > "\u0600" else "en")
    assert evidence in answer.citations[0].text
    for number, citation in enumerate(answer.citations, 1):
        assert f"[{number}]" in answer.text
        assert seed_assistant.index.articles[citation.article_id].text[citation.start:citation.end] == citation.text


def test_liwa_al_quds_allegiance_history_is_kept_with_dates(seed_assistant):
    answer = seed_assistant.ask("Who backs Liwa al-Quds?")
    assert "backed by Russia" in answer.text and "earlier backed by Iran" in answer.text
    assert "defected to Islamic Revolutionary Guard Corps (فبراير/شباط الفائت)" in answer.text


@pytest.mark.parametrize("question", ["Who commands the Syrian Democratic Forces?",
                                      "من يقود قوات سوريا الديمقراطية (قسد)؟", "Who leads Hezbollah?"])
def test_known_actor_without_such_relation_is_not_answered(seed_assistant, question):
    answer = seed_assistant.ask(question)
    assert not answer.answered and not answer.citations
    assert "do not say" in answer.text or "لا تذكر" in answer.text


def test_any_spelling_maps_to_the_same_intent():
    spellings = ["Liwa al-Quds", "Al-Quds Brigade", "Quds Brigade", "لواء القدس", "ميليشيا القدس"]
    intents = {parse_intent(f"Who backs {name}?", "en") for name in spellings}
    assert len(intents) == 1 and next(iter(intents)).actor_id == "liwa-al-quds"
    assert parse_intent("What is the weather in Aleppo?", "en") is None


def test_relations_are_plain_data(seed_assistant):
    found = seed_assistant.relations("Al-Quds Brigade")
    kinds = {(r.relation, r.object_id) for r in found if r.subject_id == "liwa-al-quds"}
    assert ("backed-by", "russia") in kinds and ("backed-by", "iran") in kinds
    assert ("defected-to", "irgc") in kinds and ("affiliated-with", "pflp") in kinds


SPELLINGS_EN = ["Liwa al-Quds", "Al-Quds Brigade", "Quds Brigade"]
SPELLINGS_AR = ["لواء القدس", "ميليشيا القدس"]


@pytest.mark.parametrize("english, arabic", [
    ("Who backs {}?", "من يدعم {}؟"),
    ("Who trained {}?", "من درّب {}؟"),
    ("How many fighters does {} have?", "كم عدد مقاتلي {}؟"),
])
def test_any_spelling_in_either_language_cites_the_same_passage(seed_assistant, english, arabic):
    questions = [english.format(name) for name in SPELLINGS_EN] + [arabic.format(name) for name in SPELLINGS_AR]
    first = {}
    for question in questions:
        answer = seed_assistant.ask(question)
        assert answer.answered and answer.citations, question
        first[question] = (answer.citations[0].article_id, answer.citations[0].start)
    assert len(set(first.values())) == 1, first
