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
    # "Last February" in an article of 2021, resolved and quoted.
    assert "defected to Islamic Revolutionary Guard Corps (2021-02, «فبراير/شباط الفائت»)" in answer.text


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
    ("Who leads {}?", "من يقود {}؟"),
    ("Where does {} operate?", "أين ينتشر {}؟"),
    ("How many fighters does {} have?", "كم عدد مقاتلي {}؟"),
])
def test_any_spelling_in_either_language_retrieves_the_same_passages(seed_assistant, english, arabic):
    questions = [english.format(name) for name in SPELLINGS_EN] + [arabic.format(name) for name in SPELLINGS_AR]
    searched, cited = {}, {}
    for question in questions:
        _, hits = seed_assistant.search(question)
        searched[question] = [(hit.chunk.article_id, hit.chunk.start) for hit in hits]
        answer = seed_assistant.ask(question)
        assert answer.answered and answer.citations, question
        assert answer.language == ("ar" if question in questions[len(SPELLINGS_EN):] else "en")
        cited[question] = [(citation.article_id, citation.start) for citation in answer.citations]
    assert len({tuple(passages) for passages in searched.values()}) == 1, searched
    assert len({tuple(citations) for citations in cited.values()}) == 1, cited
    assert len({citations[0] for citations in cited.values()}) == 1


def test_where_a_group_operates_is_answered_from_where_it_sent_its_groups(seed_assistant):
    for question in ("Where is the Quds Brigade deployed?", "أين تتمركز ميليشيا القدس؟"):
        answer = seed_assistant.ask(question)
        assert answer.answered and "كرناز" in answer.citations[0].text, question


@pytest.mark.parametrize("question, language, kind, only", [
    ("Who is the leader of Harakat al-Nujaba?", "en", "leaders", True),
    ("Who leads the Aal Berri militia?", "en", "leaders", True),
    ("Where is Liwa al-Quds based?", "en", "deployment", True),
    ("مناطق انتشار لواء القدس", "ar", "deployment", True),
    ("ما عدد عناصر ميليشيا القدس؟", "ar", "strength", True),
    ("Who backed Liwa al-Quds before Russia took it over?", "en", "backers", False),
    ("How many fighters has Liwa al-Quds lost since it was formed?", "en", "strength", False),
    ("أين تتمركز ميليشيا القدس في حلب؟", "ar", "deployment", False),
])
def test_intent_says_whether_the_question_asks_anything_else(question, language, kind, only):
    intent = parse_intent(question, language)
    assert (intent.kind, intent.only) == (kind, only)


def test_only_a_question_that_asks_nothing_else_is_searched_as_its_intent(seed_assistant):
    narrower = "Who backed Liwa al-Quds before Russia took it over?"
    assert seed_assistant.understand(narrower)[0].text == narrower
    canonical = seed_assistant.understand("كم عدد مقاتلي ميليشيا القدس؟")[0].text
    history = [{"role": "user", "content": "Who trained Liwa al-Quds?"}, {"role": "assistant", "content": "..."}]
    query, intent = seed_assistant.understand("How many fighters does it have?", history)
    assert query.text == canonical and query.language == "en" and intent.actor_id == "liwa-al-quds"
    assert seed_assistant.understand("Who is the ISIS spokesman mentioned in the reports?")[1] is None


@pytest.mark.parametrize("question,iran,russia", [
    ("When did Liwa al-Quds switch from Iran to Russia?", "backed by Iran (earlier, undated)",
     "backed by Russia (2021)"),
    ("متى انتقل لواء القدس من إيران إلى روسيا؟", "مدعوم من إيران (سابقاً، بلا تاريخ)", "مدعوم من روسيا (2021)"),
])
def test_the_switch_question_is_answered_from_the_timeline(seed_assistant, question, iran, russia):
    answer = seed_assistant.ask(question)
    assert answer.answered and answer.text.index(iran) < answer.text.index(russia)
    assert {f["stretch"] for f in answer.facts} >= {"earlier", "dated"}
    for citation in answer.citations:
        assert seed_assistant.index.articles[citation.article_id].text[citation.start:citation.end] == citation.text
