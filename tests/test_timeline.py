"""An actor's relations in time, and the "when did X switch ..." questions answered from them."""

import pytest

from assistant.dates import Precision
from assistant.timeline import Stretch


def test_liwa_al_quds_is_backed_by_iran_earlier_and_by_russia_later(fake_assistant):
    points = fake_assistant.timeline("liwa-al-quds")
    backers = [(p.other_id, p.stretch) for p in points if p.relation.relation == "backed-by"]
    assert backers[0] == ("iran", Stretch.EARLIER)
    assert {other for other, _ in backers[1:]} == {"russia"}
    # Any spelling names the actor.
    assert [p.relation for p in fake_assistant.timeline("لواء القدس")] == [p.relation for p in points]
    dated = [p for p in points if p.stretch is Stretch.DATED]
    assert [p.date.sort_key for p in dated] == sorted(p.date.sort_key for p in dated)
    for point in points:
        article = fake_assistant.index.articles[point.relation.article_id]
        assert article.text[point.relation.start:point.relation.end] == point.relation.evidence


def test_relative_dates_resolve_against_the_article_and_keep_their_phrase(fake_assistant):
    points = fake_assistant.timeline("liwa-al-quds")
    [defection] = [p for p in points if p.relation.relation == "defected-to"]
    assert (defection.date.value, defection.date.phrase, defection.date.relative) == (
        "2021-02", "فبراير/شباط الفائت", True)
    # Article 004 has no date: "early last July" there is no date at all.
    [alloush] = [p for p in fake_assistant.timeline("nujaba") if p.relation.relation == "led-by"]
    assert alloush.date.phrase == "مطلع شهر تموز/يوليو الماضي"
    assert (alloush.date.value, alloush.date.precision, alloush.stretch) == ("", Precision.NONE, Stretch.UNDATED)
    founded = [p for p in points if p.relation.relation == "led-by"][0]
    assert (founded.date.value, founded.date.part) == ("2013", "mid")


@pytest.mark.parametrize("question,earlier,later,undated", [
    ("When did Liwa al-Quds switch from Iran to Russia?", "backed by Iran (earlier, undated) [1]",
     "then backed by Russia (2021)", "Undated: trained by Russia"),
    ("متى انتقل لواء القدس من إيران إلى روسيا؟", "مدعوم من إيران (سابقاً، بلا تاريخ) [1]", "ثم مدعوم من روسيا (2021)",
     "بلا تاريخ: درّبه روسيا"),
    ("When did the Quds Brigade start being backed by Russia?", "backed by Iran (earlier, undated)",
     "then backed by Russia (2021)", "Undated:"),
])
def test_when_did_it_switch_is_answered_from_the_timeline(fake_assistant, question, earlier, later, undated):
    answer = fake_assistant.ask(question)
    assert answer.answered
    assert answer.text.index(earlier) < answer.text.index(later) < answer.text.index(undated)
    assert "2021-02" in answer.text  # the defection, "last February" of a 2021 article
    numbers = {int(n) for n in __import__("re").findall(r"\[(\d+)\]", answer.text)}
    assert numbers == set(range(1, len(answer.citations) + 1))
    for citation in answer.citations:
        article = fake_assistant.index.articles[citation.article_id]
        assert article.text[citation.start:citation.end] == citation.text


def test_a_timeline_question_about_an_actor_with_no_backing_says_so(fake_assistant):
    for question, said in (("When did ISIS start being backed by Russia?", "do not say who backs it"),
                           ("متى بدأت روسيا دعم تنظيم داعش؟", "لا تذكر")):
        answer = fake_assistant.ask(question)
        assert not answer.answered and not answer.citations
        assert said in answer.text
