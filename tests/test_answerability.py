"""The answerability model: its features, its decision in ``compose``, ``Answer.confidence`` and its badge."""

from __future__ import annotations

import json

import pytest
from test_compose import ARTICLE, ARTICLES, MIN, OTHER, QUERY, hit

from assistant.actors import add_alias
from assistant.answer import Answer, compose
from assistant.answerability import (
    CITED_PATH,
    FEATURES,
    Answerability,
    Evidence,
    Logistic,
    default_model,
    features,
    latin_names,
    load_model,
)
from assistant.app import answer_html
from assistant.chunking import Chunk
from assistant.corpus import Article
from assistant.retrieval import Hit, Query
from assistant.settings import Settings

# Models that read only the best dense score: the corpus answers with probability 0.5 at a cosine of 0.6, and
# the first citation then surely holds the answer.
BY_DENSE = Answerability(Logistic({"dense": 20.0}, -12.0), Logistic({}, 60.0))


def test_the_shipped_models_have_a_weight_for_every_feature_and_no_other():
    model = default_model()
    assert set(model.answerable.weights) == set(FEATURES) == set(model.cited.weights)


def test_a_model_file_naming_an_unknown_feature_is_refused(tmp_path):
    path = tmp_path / "model.json"
    path.write_text(json.dumps({"weights": {"dense": 1.0, "shoe_size": 2.0}, "bias": 0.0}), "utf-8")
    with pytest.raises(ValueError, match="shoe_size"):
        load_model(path, CITED_PATH)


def test_the_confidence_is_that_the_corpus_answers_times_that_the_citation_then_holds_it():
    model = Answerability(Logistic({"dense": 1.0}, 0.0), Logistic({"overlap": 1.0}, 0.0))
    values = dict.fromkeys(FEATURES, 0.0) | {"dense": 2.0, "overlap": -1.0}
    judgement = model.judge(values)
    assert judgement.answerable == pytest.approx(1 / (1 + 2.718281828 ** -2))
    assert judgement.confidence == pytest.approx(judgement.answerable / (1 + 2.718281828))


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


@pytest.mark.parametrize("name", ["answer_threshold_en", "answer_threshold_ar"])
def test_each_refusal_point_is_a_probability(name):
    assert getattr(Settings(**{name: 0.3}), name) == 0.3
    with pytest.raises(ValueError, match=name):
        Settings(**{name: 1.5})


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


# An Arabic passage naming Warsaw and Hezbollah, and one about something else.
NAMED = Article("n1", "وارسو", "زار وفد من حزب الله مدينة وارسو عام 1999 والتقى برئيس البلدية هناك لساعات.", "مصدر")
UNNAMED = Article("n2", "آخر", "ناقش المجلس المحلي خطة جديدة لتوزيع المياه على الأحياء الشرقية للمدينة.", "مصدر")


def _whole(article: Article, dense: float) -> Hit:
    chunk = Chunk(f"{article.id}:0", article.id, 0, len(article.text), article.text)
    return Hit(chunk, 0.03, dense, 0.0, chunk, dense, ((chunk, dense),))


def _values(question: str, language: str, *articles: Article, rarity=None) -> dict[str, float]:
    hits = [_whole(a, 0.6 - 0.1 * n) for n, a in enumerate(articles)]
    first = (articles[0].id, 0, len(articles[0].text), {"cosine": 0.6, "overlap": 0.0, "kind_match": 0.0})
    return features(Evidence(Query(question, question, language), hits, first, 0.0, rarity or {}),
                    {a.id: a for a in (NAMED, UNNAMED)})


def test_the_names_of_an_english_question_are_its_capitalised_runs_after_the_first_word_and_its_quotes():
    names = [n.words for n in latin_names('When did the Seven Years War start in Warsaw, and who wrote "Nusra"?')]
    assert names == [("Seven", "Years", "War"), ("Warsaw",), ("Nusra",)]
    assert [n.words for n in latin_names("What did Hezbollah's leader say?")] == [("Hezbollah's",)]
    assert latin_names("Where is it?") == []  # a capitalised first word is the question's start
    assert [n.words for n in latin_names("Who leads Liwa al-Quds?")] == [("Liwa", "al-Quds")]


def test_an_english_name_is_found_in_the_arabic_passage_by_its_consonant_key():
    found = _values("When did Hezbollah visit Warsaw?", "en", NAMED, UNNAMED)
    assert found["latin_found"] == 1.0 and found["latin_best"] == 1.0 and found["latin_missing"] == 0.0
    # cited from the other passage: not in the cited one, but in one of the hits
    elsewhere = _values("When did Hezbollah visit Warsaw?", "en", UNNAMED, NAMED)
    assert elsewhere["latin_found"] == 0.0 and elsewhere["latin_best"] == 1.0 and elsewhere["latin_missing"] == 0.0
    missing = _values("When did Hezbollah visit Warsaw?", "en", UNNAMED)
    assert missing["latin_best"] == 0.0 and missing["latin_missing"] == 0.0  # keys too short to be telling
    assert _values("Who governs Damascus?", "en", UNNAMED)["latin_missing"] == 1.0
    assert _values("When was the visit?", "en", UNNAMED)["latin_found"] == 1.0  # names nothing: nothing missing


def test_the_question_numbers_count_in_the_hit_that_holds_most_of_them():
    assert _values("ماذا حدث عام 1999؟", "ar", UNNAMED, NAMED)["numbers_best"] == 1.0
    assert _values("ماذا حدث عام 2004؟", "ar", UNNAMED, NAMED)["numbers_best"] == 0.0


def test_an_actor_the_question_names_by_an_alias_added_later_is_looked_for(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSISTANT_USER_ACTORS", str(tmp_path / "my-actors.json"))
    question = "ماذا قال الحزب اللبناني المسلح؟"
    assert _values(question, "ar", UNNAMED)["names_found"] == 1.0  # names no actor yet: nothing missing
    add_alias("hezbollah", "الحزب اللبناني المسلح")
    assert _values(question, "ar", UNNAMED)["names_found"] == 0.0
    assert _values(question, "ar", NAMED)["names_found"] == 1.0


def test_the_question_terms_weigh_by_their_rarity():
    question = "ماذا ناقش المجلس عن حزب الله؟"  # its terms ناقش, مجلس in UNNAMED; حزب, الل (الله stemmed) in NAMED
    even = _values(question, "ar", UNNAMED)
    rare = _values(question, "ar", UNNAMED, rarity={"حزب": 9.0, "الل": 9.0, "ناقش": 1.0, "مجلس": 1.0})
    assert even["rare_found"] == pytest.approx(0.5) and rare["rare_found"] == pytest.approx(0.1)
    assert rare["rarest_found"] == 0.0 and even["rarest_found"] == 1.0  # without rarity: the first term
    both = _values(question, "ar", UNNAMED, NAMED, rarity={"حزب": 9.0, "الل": 9.0, "ناقش": 1.0, "مجلس": 1.0})
    assert both["rare_best"] == pytest.approx(0.9)
