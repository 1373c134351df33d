"""The answerability model: its features, its decision in ``compose``, ``Answer.confidence`` and its badge."""

from __future__ import annotations

import json

import pytest
from test_compose import ARTICLE, ARTICLES, MIN, OTHER, QUERY, hit

from assistant.answer import Answer, compose
from assistant.answerability import FEATURES, Answerability, Evidence, default_model, features, load_model
from assistant.app import answer_html
from assistant.retrieval import Query
from assistant.settings import Settings

# A model that reads only the best dense score: probability 0.5 at a cosine of 0.6.
BY_DENSE = Answerability({"dense": 20.0}, -12.0)


def test_the_shipped_model_has_a_weight_for_every_feature_and_no_other():
    model = default_model()
    assert set(model.weights) == set(FEATURES)


def test_a_model_file_naming_an_unknown_feature_is_refused(tmp_path):
    path = tmp_path / "model.json"
    path.write_text(json.dumps({"weights": {"dense": 1.0, "shoe_size": 2.0}, "bias": 0.0}), "utf-8")
    with pytest.raises(ValueError, match="shoe_size"):
        load_model(path)


def test_features_read_the_margin_over_another_article_and_the_language():
    hits = [hit(ARTICLE, 1, 0.8), hit(ARTICLE, 2, 0.7), hit(OTHER, 0, 0.5)]
    row = ("a1", hits[0].sentence.start, hits[0].sentence.end, {"cosine": 0.8, "overlap": 0.5, "kind_match": 1.0})
    values = features(Evidence(QUERY, hits, row, 3.0), ARTICLES)
    assert set(values) == set(FEATURES)
    assert values["dense"] == 0.8 and values["margin"] == pytest.approx(0.3) and values["scorer"] == 3.0
    assert values["english"] == 0.0 and values["agree"] == 1.0
    english = features(Evidence(Query("Who?", "Who?", "en"), hits, row, 3.0), ARTICLES)
    assert english["english"] == 1.0 and english["english_dense"] == 0.8


def test_a_number_the_question_names_counts_only_when_the_passage_names_it():
    hits = [hit(ARTICLE, 3, 0.8)]  # "الجملة رقم 3 ..."
    row = ("a1", hits[0].sentence.start, hits[0].sentence.end, {"cosine": 0.8, "overlap": 0.0, "kind_match": 0.0})
    assert features(Evidence(Query("ماذا في 3؟", "ماذا في 3؟", "ar"), hits, row, 0.0), ARTICLES)["names_found"] == 1
    assert features(Evidence(Query("ماذا في 9؟", "ماذا في 9؟", "ar"), hits, row, 0.0), ARTICLES)["names_found"] == 0
    assert features(Evidence(QUERY, hits, row, 0.0), ARTICLES)["names_found"] == 1  # names nothing


@pytest.mark.parametrize("best, answered", [(0.55, False), (0.65, True)])
def test_the_model_decides_and_its_probability_is_the_confidence(best, answered):
    # the cosine floor is far below both: only the model refuses
    hits = [hit(ARTICLE, 0, best), hit(OTHER, 1, best - 0.2)]
    answer = compose(QUERY, hits, ARTICLES, min_score=MIN, max_citations=3, answerability=BY_DENSE, threshold=0.5)
    assert answer.answered is answered
    assert answer.confidence == pytest.approx(1 / (1 + 2.718281828 ** -(20 * best - 12)), abs=1e-3)
    assert answer.to_dict()["confidence"] == answer.confidence
    assert bool(answer.citations) is answered and bool(answer.related) is not answered


def test_without_a_model_the_cosine_floor_decides_and_there_is_no_confidence():
    answer = compose(QUERY, [hit(ARTICLE, 0, 0.9)], ARTICLES, min_score=MIN, max_citations=3)
    assert answer.answered and answer.confidence is None and answer.to_dict()["confidence"] is None


def test_no_hits_is_an_abstention_without_confidence():
    answer = compose(QUERY, [], ARTICLES, min_score=MIN, max_citations=3, answerability=BY_DENSE)
    assert not answer.answered and answer.confidence is None


def test_the_refusal_point_is_a_probability():
    assert Settings(answer_threshold=0.3).answer_threshold == 0.3
    with pytest.raises(ValueError, match="answer_threshold"):
        Settings(answer_threshold=1.5)


@pytest.mark.parametrize("language, confidence, word", [("en", 0.83, "well supported"), ("en", 0.2, "weak"),
                                                        ("ar", 0.83, "مدعوم جيداً"), ("ar", 0.2, "ضعيف")])
def test_the_answer_shows_its_confidence_in_words_with_the_number_on_hover(language, confidence, word):
    answered = compose(QUERY, [hit(ARTICLE, 0, 0.9)], ARTICLES, min_score=MIN, max_citations=1)
    answer = Answer(True, answered.text, answered.citations, language, confidence=confidence)
    page = answer_html(answer)
    assert f">{word}</span>" in page and f"{confidence:.2f}'" in page


def test_an_answer_without_confidence_shows_no_badge():
    answered = compose(QUERY, [hit(ARTICLE, 0, 0.9)], ARTICLES, min_score=MIN, max_citations=1)
    assert "class='confidence" not in answer_html(answered)
