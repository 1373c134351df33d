"""Inputs checked at the door (assistant/inputs.py): generated questions and histories, good and bad, sent
to ``Assistant.ask`` on the fake encoder. Nothing but a ``QuestionError`` may come out, and every citation
must be a verbatim span at its offsets."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant import Assistant, QuestionError
from assistant.inputs import check_history, check_question
from assistant.settings import Settings

from conftest import FakeEncoder, copy_fake_index

LIMITS = Settings()

# Words that reach the corpus and the actor list, so that generated questions are also answered, followed
# up and answered from relations, not only refused.
WORDS = ["لواء القدس", "من يقود", "من يدعم", "ميليشيا الباقر", "روسيا", "إيران", "حلب", "مقاتلي", "كم عدد",
         "Liwa al-Quds", "Who backs", "Who leads", "it", "them", "Russia", "Iran", "Aleppo", "fighters", "?", "؟"]
# What a question must survive: lone surrogates, NUL and other controls, bidi and zero-width marks, BOM.
JUNK = ["\ud800", "\udfff", "\x00", "\x1b", "\x7f", "\x85", "\u202e", "\u200f", "\u200b", "\ufeff", "\t", "\r\n",
        "\u0640", "\U0001f600", "\u2028"]

any_char = st.characters(exclude_categories=())  # every code point, surrogates included
pieces = st.one_of(st.sampled_from(WORDS), st.sampled_from(JUNK), st.text(any_char, max_size=8))
text = st.lists(pieces, max_size=6).map(" ".join)
# Text with a word in it: never empty once cleaned.
worded = st.tuples(text, st.sampled_from(WORDS), text).map(" ".join)
# Around the limits, and far past them.
huge = st.sampled_from([("ب" * n)[:n] for n in (LIMITS.max_question_chars - 1, LIMITS.max_question_chars,
                                               LIMITS.max_question_chars + 1, LIMITS.max_history_message_chars + 1,
                                               10_000_000)])
not_text = st.one_of(st.none(), st.integers(), st.floats(), st.binary(max_size=8), st.booleans(),
                     st.lists(st.text(max_size=5), max_size=3),
                     st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2),
                     st.sets(st.integers(), max_size=3), st.builds(lambda: (w for w in WORDS)))
questions = st.one_of(text, huge, not_text)
# Chat contents cost less to draw than questions: words and junk only.
content = st.lists(st.sampled_from(WORDS + JUNK), max_size=6).map(" ".join)
good_message = st.fixed_dictionaries({"role": st.sampled_from(["user", "assistant"]), "content": content})
junk = st.recursive(st.one_of(not_text, text, st.sampled_from(["user", "assistant", "system", ""])),
                    lambda inner: st.one_of(st.lists(inner, max_size=3),
                                            st.dictionaries(st.sampled_from(["role", "content", "x"]), inner,
                                                            max_size=3)),
                    max_leaves=6)
bad_message = st.one_of(junk, st.fixed_dictionaries({"role": junk, "content": junk}),
                        st.fixed_dictionaries({"role": st.sampled_from(["user", "assistant"]), "content": huge}))
histories = st.one_of(st.none(), st.lists(st.one_of(good_message, bad_message), max_size=4),
                      st.lists(good_message, max_size=4).map(tuple), not_text, text, junk,
                      st.builds(lambda: ({"role": "user", "content": w} for w in WORDS)))
follow_ups = st.sampled_from(["ومن يقودها؟", "Who leads it?", "ومن يدعمهم؟", "And them?", "كم عددهم؟"])


def examples(times: float) -> int:
    """``times`` the loaded profile's examples per test (conftest.py): the three property tests below share
    5,000 generated inputs under the ``ci`` profile (``make test``), a tenth of that in the fast suite."""
    return round(times * settings.default.max_examples)


@pytest.fixture(scope="module")
def assistant(fake_index, tmp_path_factory) -> Assistant:
    """The seed articles on the fake encoder, once for the module (Hypothesis reuses it across examples)."""
    return Assistant(index_dir=copy_fake_index(fake_index, tmp_path_factory.mktemp("inputs") / "index"),
                     encoder=FakeEncoder())


def _ask_and_check(assistant: Assistant, question, history) -> bool:
    """Ask; True when answered or abstained (every span verbatim), False when refused with a QuestionError."""
    try:
        answer = assistant.ask(question, history)
    except QuestionError as error:
        assert str(error)
        return False
    articles = assistant.index.articles
    for citation in answer.citations + answer.related:
        assert articles[citation.article_id].text[citation.start:citation.end] == citation.text
    assert answer.text and answer.language in ("ar", "en")
    return True


@settings(max_examples=examples(2.7))
@given(question=questions)
def test_any_question_is_answered_or_refused_with_a_question_error(assistant, question):
    _ask_and_check(assistant, question, None)


@settings(max_examples=examples(1.5))
@given(question=follow_ups, history=histories)
def test_any_history_is_followed_up_or_refused_with_a_question_error(assistant, question, history):
    _ask_and_check(assistant, question, history)


@settings(max_examples=examples(0.8))
@given(question=worded, history=st.lists(good_message, max_size=4))
def test_a_question_with_words_in_a_well_formed_chat_is_answered_whatever_junk_they_carry(assistant, question,
                                                                                          history):
    assert _ask_and_check(assistant, question, history)


def test_questions_lose_surrogates_and_control_characters_and_keep_the_rest():
    cleaned = check_question("  \x00من\ud800 يقود\x1b\tلواء\x7f القدس؟\u200f\r\n", LIMITS)
    assert cleaned == "من يقود\tلواء القدس؟\u200f"  # the RLM is a format character, kept
    cleaned.encode("utf-8")  # no lone surrogate is left to fail an encoder


@pytest.mark.parametrize("question, reason", [
    (None, "must be text, not NoneType"), (42, "must be text, not int"), (b"who", "must be text, not bytes"),
    (["who"], "must be text, not list"), ("", "empty"), (" \x00\ud800\t ", "empty"),
    ("ب" * (LIMITS.max_question_chars + 1), "max_question_chars (ASSISTANT_MAX_QUESTION_CHARS)"),
])
def test_bad_questions_are_refused_with_the_reason(question, reason):
    with pytest.raises(QuestionError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        check_question(question, LIMITS)


def test_a_question_at_the_limit_is_asked():
    assert len(check_question("ب" * LIMITS.max_question_chars, LIMITS)) == LIMITS.max_question_chars


@pytest.mark.parametrize("history, reason", [
    ("hello", "must be a list of messages, not str"), (3, "not int"), ({"role": "user"}, "not dict"),
    ({("user", "hi")}, "not set"), ((m for m in []), "not generator"),
    (["hi"], r"history\[0\] must be a message"), ([{"role": "system", "content": "x"}], r"history\[0\] has role"),
    ([{"role": "user", "content": "a"}, {"role": "user", "content": 5}], r"history\[1\] has content of type int"),
    ([{"role": "user"}], "content of type NoneType"), ([{"role": ["user"], "content": "x"}], "has role list"),
    ([{"role": "user", "content": "x"}] * (LIMITS.max_history_messages + 1), "ASSISTANT_MAX_HISTORY_MESSAGES"),
    ([{"role": "user", "content": "ب" * 20_000}] * 6, r"by history\[5\].*ASSISTANT_MAX_HISTORY_CHARS"),
])
def test_bad_histories_are_refused_naming_the_message_and_the_reason(history, reason):
    with pytest.raises(QuestionError, match=reason):
        check_history(history, LIMITS)


def test_a_history_comes_back_as_fresh_clean_messages():
    given_messages = ({"role": "user", "content": "من يقود\x00 لواء القدس؟", "metadata": {"x": 1}},
                      {"role": "assistant", "content": "\ud800"})
    assert check_history(given_messages, LIMITS) == [{"role": "user", "content": "من يقود لواء القدس؟"},
                                                     {"role": "assistant", "content": ""}]
    assert check_history(None, LIMITS) == [] and check_history([], LIMITS) == []


def test_a_ten_megabyte_history_message_is_refused_at_once_naming_the_setting(assistant):
    history = [{"role": "user", "content": "ب" * 10_000_000}]
    started = time.perf_counter()
    with pytest.raises(QuestionError, match=r"history\[0\] has 10,000,000 characters; the limit is 20,000 "
                                            r"\(max_history_message_chars \(ASSISTANT_MAX_HISTORY_MESSAGE_CHARS\)\)"):
        assistant.ask("ومن يقودها؟", history)
    assert time.perf_counter() - started < 1.0


def test_a_follow_up_still_reads_the_cleaned_history(assistant):
    query, _ = assistant.understand("ومن يقودها؟", [{"role": "user", "content": "\x00ميليشيا الباقر\ud800"}])
    # resolved to the group the history names (asked again with its name), junk characters gone
    assert "الباقر" in query.text and "\x00" not in query.text and "\ud800" not in query.text
