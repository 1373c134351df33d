"""The answer stage on the fake-encoder index: sentence choice and context, follow-ups that keep their
subject, and grounded answers (a question about a group cites only paragraphs that name it)."""

from __future__ import annotations

import pytest

from assistant.actors import add_alias
from assistant.answer import Subject
from assistant.chunking import Chunk
from assistant.corpus import Article
from assistant.facts import named_group, question_kind
from assistant.retrieval import Hit, Query, contextualize, resolve_follow_up
from assistant.sentences import AnswerKind, answer_span, candidate_features, holds_kind, is_fragment
from assistant.sentences import question_kind as answer_kind


def chat(*questions: str) -> list[dict]:
    return [m for q in questions for m in ({"role": "user", "content": q}, {"role": "assistant", "content": "..."})]


# ---------------------------------------------------------------- the sentence that answers


@pytest.mark.parametrize(("question", "language", "kind"), [
    ("How many fighters does Liwa al-Quds have?", "en", AnswerKind.NUMBER),
    ("كم عدد مقاتلي لواء القدس؟", "ar", AnswerKind.NUMBER),
    ("When was Liwa al-Quds founded?", "en", AnswerKind.DATE),
    ("ومتى تأسس اللواء؟", "ar", AnswerKind.DATE),
    ("Where is the camp?", "en", AnswerKind.PLACE),
    ("أين أنشأت إيران معسكراً؟", "ar", AnswerKind.PLACE),
    ("Which company trained them?", "en", AnswerKind.ORGANISATION),
    ("أي شركة درّبت اللواء؟", "ar", AnswerKind.ORGANISATION),
    ("Who leads it?", "en", AnswerKind.PERSON),
    ("من يقود الميليشيا؟", "ar", AnswerKind.PERSON),
    ("What did the course focus on?", "en", AnswerKind.OTHER),
])
def test_question_kind(question, language, kind):
    assert answer_kind(question, language) is kind


def test_holds_kind_reads_numbers_dates_places_and_the_actor_list():
    assert holds_kind("يقدر عددهم بنحو 7 آلاف مقاتل", AnswerKind.NUMBER)
    assert holds_kind("قتل ثلاثة عناصر", AnswerKind.NUMBER)
    assert not holds_kind("قتل عناصر من اللواء", AnswerKind.NUMBER)
    assert holds_kind("تشكل منتصف عام 2013", AnswerKind.DATE)
    assert holds_kind("في الخامس من آذار", AnswerKind.DATE)
    assert holds_kind("انسحبت من مدينة الميادين", AnswerKind.PLACE)
    assert holds_kind("درّبتها شركة فيغا", AnswerKind.ORGANISATION)
    assert holds_kind("بقيادة خالد الحسن العلوش", AnswerKind.PERSON)  # a listed person
    assert not holds_kind("انتهى الاجتماع", AnswerKind.PERSON)


def test_a_fragment_carries_the_sentence_before_it():
    text = "تأسس لواء القدس في حلب عام 2013. والتي تضم آلاف المقاتلين من مخيم النيرب.\n\nفقرة أخرى."
    unit_start = text.index("والتي")
    unit_end = text.index("النيرب.") + len("النيرب.")
    assert is_fragment(text[unit_start:unit_end])
    start, end = answer_span(text, unit_start, unit_end)
    assert text[start:end] == "تأسس لواء القدس في حلب عام 2013. والتي تضم آلاف المقاتلين من مخيم النيرب."
    # not across a paragraph break
    other = text.index("فقرة")
    assert answer_span(text, other, len(text))[0] == other


def test_a_piece_of_a_long_sentence_is_cited_whole():
    sentence = "ويشارك اللواء التابع للجبهة، إلى جانب الجيش في المعارك، ويعد من أبرز الميليشيات المقاتلة إلى جانبه."
    text = f"مقدمة قصيرة جدا هنا للتجربة فقط لا غير. {sentence} خاتمة."
    piece = text.index("ويعد")
    start, end = answer_span(text, piece, text.index("جانبه.") + len("جانبه."))
    assert text[start:end] == sentence


def test_a_sentence_cited_whole_is_weighed_by_its_closest_piece():
    sentence = "ويشارك اللواء التابع للجبهة، إلى جانب الجيش في المعارك، ويعد من أبرز الميليشيات المقاتلة إلى جانبه."
    text = f"مقدمة قصيرة جدا هنا للتجربة فقط لا غير. {sentence} خاتمة."
    article = Article(id="a", title="t", text=text, source="s")
    first, second = text.index("ويشارك"), text.index("ويعد")

    def unit(start: int, end: int) -> Chunk:
        return Chunk(f"a:{start}", "a", start, end, text[start:end])

    pieces = ((unit(0, first - 1), 0.2), (unit(first, second - 1), 0.3), (unit(second, text.index("جانبه.") + 6), 0.6))
    hit = Hit(unit(0, len(text)), 1.0, 0.6, 0.0, pieces[2][0], 0.6, pieces)
    rows = candidate_features(Query("س", "س", "ar"), [hit], {"a": article})
    (whole,) = [f for _, start, end, f in rows if text[start:end] == sentence]
    # the unit it was reached from first sounds less like the question than the piece it also holds
    assert whole["cosine"] == 0.3 and whole["span_cosine"] == 0.6


# ---------------------------------------------------------------- follow-ups keep their subject


@pytest.mark.parametrize(("question", "earlier", "resolved"), [
    ("Which foreign power is it aligned with?", "Who leads the al-Baqir militia?",
     "Which foreign power is al-Baqir militia aligned with?"),
    ("ومن يقودها؟", "Who leads the al-Baqir militia?", "ومن يقود لواء الباقر؟"),
    ("وكم عدد مقاتليها؟", "من يقود ميليشيا الباقر؟", "وكم عدد مقاتلي ميليشيا الباقر؟"),
    ("Who backs that militia?", "Where is Liwa al-Quds deployed?", "Who backs Liwa al-Quds?"),
    ("Where are its fighters being trained?", "Who leads the Nujaba militia?",
     "Where are the fighters of Nujaba militia being trained?"),
    ("ومن أين ينحدر أغلب عناصره؟", "Where is Liwa al-Quds deployed?", "ومن أين ينحدر أغلب عناصر لواء القدس؟"),
    ("ومن يدعم هذه الميليشيا؟", "أين تنتشر ميليشيا فجر الإسلام؟", "ومن يدعم ميليشيا فجر الإسلام؟"),
])
def test_a_follow_up_is_asked_with_the_group_the_chat_was_about(question, earlier, resolved):
    assert resolve_follow_up(question, chat(earlier)).text == resolved


@pytest.mark.parametrize(("question", "earlier", "resolved"), [
    # the verb's subject is left out: the group the question before was about
    ("ومتى انسحبت من المدينة؟", "أين تنتشر ميليشيا فجر الإسلام؟", "ومتى انسحبت ميليشيا فجر الإسلام من المدينة؟"),
    ("ومع من اشتبكت قرب الحدود؟", "كم عدد مقاتلي لواء القدس؟", "ومع من اشتبكت لواء القدس قرب الحدود؟"),
    # after "who leads X?" a feminine verb is the group, not the man answered
    ("وماذا طلبت من الروس؟", "من يقود ميليشيا الباقر؟", "وماذا طلبت ميليشيا الباقر من الروس؟"),
])
def test_an_arabic_follow_up_that_leaves_out_its_subject_gets_the_group(question, earlier, resolved):
    assert resolve_follow_up(question, chat(earlier)).text == resolved


@pytest.mark.parametrize(("question", "history"), [
    ("ومتى ولد؟", chat("من يقود ميليشيا الباقر؟")),  # masculine, after who: the leader answered
    ("وما عدد القتلى؟", chat("أين تنتشر ميليشيا فجر الإسلام؟")),  # "ما" + a noun leaves out no subject
    ("وماذا طالبت الروس؟", chat("أين تنتشر ميليشيا فجر الإسلام؟", "ما الطقس اليوم؟")),  # not the latest question's
])
def test_an_arabic_follow_up_with_no_subject_left_out_is_not_rewritten(question, history):
    assert resolve_follow_up(question, history) is None


def answered(question: str, answer: str) -> list[dict]:
    return [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]


def test_after_which_company_it_is_the_company_answered():
    history = answered("Which company's trucks did the militia attack?", "Katerji Group [1]. The closest answer ...")
    assert resolve_follow_up("What does it transport?", history).text == "What does Katerji Group transport?"
    arabic = answered("أي شركة هاجمت داعش شاحناتها؟", "«هاجم تنظيم داعش عدة شاحنات تتبع لشركة القاطرجي» [1]")
    assert resolve_follow_up("وماذا تنقل؟", arabic) is None  # no pronoun nor left-out subject of a group
    assert resolve_follow_up("ومن يملكها؟", arabic).actor_id == "katerji-group"


def test_a_which_question_naming_a_group_of_its_kind_stays_about_that_group():
    history = answered("Which faction is Liwa al-Quds affiliated with?",
                       "Liwa al-Quds: affiliated with Popular Front for the Liberation of Palestine [1].")
    assert resolve_follow_up("How many fighters does it have?", history).actor_id == "liwa-al-quds"


@pytest.mark.parametrize(("question", "earlier"), [
    ("وما لقبه؟", "من يقود ميليشيا الباقر؟"),  # his: the leader answered, not the militia
    ("What did he threaten?", "Who is the ISIS spokesman mentioned in the reports?"),
    ("What does it transport?", "Which company's trucks did ISIS attack on 15 November?"),  # it: the company
    ("ومن يتدرب فيه؟", "أين أنشأت إيران معسكراً تدريبياً جديداً في ريف حلب؟"),  # in it: the camp
    ("Where were they taken?", "How many Liwa al-Quds members died in the Russian airstrike?"),
])
def test_a_follow_up_that_is_not_about_the_group_is_left_to_the_chat(question, earlier):
    history = chat(earlier)
    assert resolve_follow_up(question, history) is None
    assert contextualize(question, history) == f"{question} ({earlier})"


def test_a_question_naming_its_own_group_is_not_rewritten():
    assert resolve_follow_up("Who leads Liwa al-Quds?", chat("Who backs the al-Baqir militia?")) is None


def test_the_subject_is_found_past_a_follow_up_that_named_none():
    history = chat("Who trained Liwa al-Quds?", "How many fighters does it have?")
    assert resolve_follow_up("Who founded it?", history).text == "Who founded Liwa al-Quds?"


def test_an_english_follow_up_is_searched_with_the_groups_arabic_name_and_grounded_in_it(fake_assistant):
    history = chat("Who leads the Nujaba militia?")
    query, intent = fake_assistant.understand("Where are its fighters being trained?", history)
    assert intent is None and query.about == "nujaba"
    assert query.text == "Where are the fighters of Nujaba militia being trained? (حركة النجباء)"
    assert fake_assistant.subject(query, intent) == Subject("Harakat al-Nujaba", "nujaba")
    answer = fake_assistant.ask("Where are its fighters being trained?", history)
    named = Subject("Harakat al-Nujaba", "nujaba")
    articles = fake_assistant.index.articles
    assert all(named.named_in(articles[c.article_id].text) for c in answer.citations)


def test_a_resolved_follow_up_gets_the_structured_answer(fake_assistant):
    history = chat("Who leads the al-Baqir militia?")
    query, intent = fake_assistant.understand("ومن يقودها؟", history)
    assert intent is not None and (intent.kind, intent.actor_id) == ("leaders", "al-baqir")
    answer = fake_assistant.ask("ومن يقودها؟", history)
    assert answer.answered and "خالد الحسن العلوش" in answer.text
    answer = fake_assistant.ask("Which foreign power is it aligned with?", history)
    assert answer.answered and answer.text.startswith("al-Baqir Brigade: backed by Russia")


# ---------------------------------------------------------------- grounded answers


@pytest.mark.parametrize(("question", "language", "name"), [
    ("How many fighters does the Rijal al-Karama movement have?", "en", "Rijal al-Karama movement"),
    ("Where is the Sheikh al-Karama Brigade deployed?", "en", "Sheikh al-Karama Brigade"),
    ("كم عدد مقاتلي لواء الإمام الحسين؟", "ar", "لواء الإمام الحسين"),
    ("من يقود حركة رجال الكرامة في السويداء؟", "ar", "حركة رجال الكرامة"),
    ("How many fighters does Liwa al-Quds have?", "en", None),
])
def test_named_group_by_head_noun(question, language, name):
    assert named_group(question, language) == name


def test_subject_matches_any_spelling_or_the_name_as_asked():
    listed = Subject("Liwa al-Quds", "liwa-al-quds")
    assert listed.named_in("قتل ثلاثة عناصر من ميلشيا “لواء القدس” المدعوم روسياً")
    assert not listed.named_in("ميليشيا حزب الله اللبناني")
    unlisted = Subject("حركة رجال الكرامة")
    assert unlisted.named_in("قالت حركة رجال الكرامة في بيان")
    assert not unlisted.named_in("لواء القدس")


def test_subject_sees_an_alias_added_after_it_was_asked(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSISTANT_USER_ACTORS", str(tmp_path / "my-actors.json"))
    text = "قصف الحزب اللبناني المسلح مواقع في ريف حمص"
    subject = Subject("Hezbollah", "hezbollah")
    assert not subject.named_in(text)
    add_alias("hezbollah", "الحزب اللبناني المسلح")
    assert subject.named_in(text)


@pytest.mark.parametrize(("question", "text"), [
    ("How many fighters does the Rijal al-Karama movement have?",
     "The indexed articles do not name Rijal al-Karama movement."),
    ("Who leads the Rijal al-Karama movement?", "The indexed articles do not name Rijal al-Karama movement."),
    ("كم عدد مقاتلي لواء الإمام الحسين؟", "لا تذكر المقالات المفهرسة لواء الإمام الحسين."),
    ("أين تنتشر حركة رجال الكرامة؟", "لا تذكر المقالات المفهرسة حركة رجال الكرامة."),
])
def test_a_group_the_corpus_does_not_name_is_not_answered(fake_assistant, question, text):
    assert question_kind(question, "ar" if text.startswith("لا") else "en") is not None
    answer = fake_assistant.ask(question)
    assert not answer.answered and answer.citations == []
    assert answer.text == text


@pytest.mark.parametrize("question", ["How many fighters does Hezbollah have?", "كم عدد مقاتلي حزب الله؟",
                                      "ما عدد عناصر حزب الله؟"])
def test_hezbollah_is_not_answered_with_liwa_al_quds_figure(fake_assistant, question):
    answer = fake_assistant.ask(question)
    assert all("7 آلاف" not in c.text for c in answer.citations)
    if answer.answered:  # only with what a paragraph naming Hezbollah says
        articles = fake_assistant.index.articles
        assert all("حزب الله" in articles[c.article_id].text for c in answer.citations)
    else:
        assert "حزب الله" in answer.text or "Hezbollah" in answer.text


def test_a_follow_up_about_a_group_is_grounded_too(fake_assistant):
    answer = fake_assistant.ask("وكم عدد مقاتليها؟", chat("من يقود ميليشيا الباقر؟"))
    assert all("7 آلاف" not in c.text for c in answer.citations)
    assert not answer.answered and answer.text == "تذكر المقالات المفهرسة لواء الباقر لكنها لا تذكر ذلك."
