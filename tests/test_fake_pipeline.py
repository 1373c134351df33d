"""The pipeline below the model, on the fake encoder (tests/conftest.py): milliseconds, no weights."""

from __future__ import annotations

from assistant.embedding import Encoder

from conftest import FakeEncoder


def test_the_fake_is_an_encoder_and_deterministic():
    fake = FakeEncoder()
    assert isinstance(fake, Encoder)
    a = fake.encode_queries(["من يقود لواء القدس؟", "من يقود لواء القدس؟"])
    assert a.shape == (2, fake.info.dimension) and (a[0] == a[1]).all()
    assert abs(float(a[0] @ a[0]) - 1.0) < 1e-5


def test_fake_index_answers_an_arabic_question_with_verbatim_citations(fake_assistant):
    answer = fake_assistant.ask("كم عدد مقاتلي لواء القدس؟")
    assert answer.answered and answer.citations
    for citation in answer.citations:
        article = fake_assistant.index.articles[citation.article_id]
        assert article.text[citation.start:citation.end] == citation.text
    # the index was embedded by the fake, not the model (the session's build also counts what it embedded)
    assert fake_assistant.index.manifest["model"] == FakeEncoder().info.model


def test_an_answer_carries_the_question_as_searched(fake_assistant):
    # from the passages, and from the relations
    for question, searched in (("\x00 كم عدد مقاتلي لواء القدس؟ ", "كم عدد مقاتلي لواء القدس؟"),
                               (" من يقود لواء\x1b القدس؟", "من يقود لواء القدس؟")):
        answer = fake_assistant.ask(question)
        assert answer.answered and answer.question == searched == answer.to_dict()["question"]
