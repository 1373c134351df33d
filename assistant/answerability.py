"""Whether the corpus answers: the probability that an answer's first citation holds the answer.

One cosine threshold per language, read off a few articles, refuses questions whose paragraph is indexed and
ranked first, and answers questions the corpus knows nothing about. This model weighs several signals of the
retrieved passages and the chosen sentence instead: the dense passage and sentence scores and their margin over
the passages of other articles, the BM25 score, whether the actors and numbers the question names occur in the
cited passage, whether the chosen sentence holds the kind of answer asked for, and whether the dense and fused
rankings agree. It is a logistic regression whose weights live in ``data/answerability.json``, fitted by
``benchmarks/fit_answerability.py`` (which also picks ``Settings.answer_threshold`` and prints its precision
and recall). Every signal is read from the hits of one search: no second model pass.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .actors import find_mentions
from .corpus import Article
from .retrieval import Hit, Query
from .sentences import AnswerKind, question_kind, read_linear_model

MODEL_PATH = Path(__file__).resolve().parent / "data" / "answerability.json"
# At or above this probability an answer is shown as well supported, below as weak.
WELL_SUPPORTED = 0.5

FEATURES = (
    "dense",  # the best dense score (passage or sentence cosine) of the hits
    "margin",  # how far it is above the best dense score of another article's passage
    "sentence",  # the cosine of the first citation's sentence
    "scorer",  # the sentence scorer's score of the first citation
    "overlap",  # the share of the question's terms in the first citation
    "kind_match",  # the first citation holds the kind of thing asked for (0 when the question asks no kind)
    "keyword",  # log(1 + BM25 score) of the first citation's passage
    "names_found",  # the share of the actors and numbers the question names that its passage names (1 if none)
    "agree",  # the first fused hit is also the best by dense score
    "english",  # an English question over Arabic text: cross-lingual scores run lower
    "english_dense",  # dense, for an English question
)

_NUMBER = re.compile(r"\d+")


@dataclass(frozen=True)
class Evidence:
    """What the model weighs for one answer: the hits, the first citation's candidate features and its score."""

    query: Query
    hits: list[Hit]
    first: tuple[str, int, int, dict[str, float]]  # (article id, start, end, sentences.candidate_features row)
    score: float  # the sentence scorer's score of the first citation


def _names(text: str) -> set[str]:
    return {m.actor_id for m in _mentions(text)} | set(_NUMBER.findall(text))


@lru_cache(maxsize=4096)
def _mentions(text: str):
    return tuple(find_mentions(text))


def features(evidence: Evidence, articles: dict[str, Article]) -> dict[str, float]:
    """The model's ``FEATURES`` for ``evidence``."""
    query, hits = evidence.query, evidence.hits
    article_id, start, end, candidate = evidence.first
    best = max(hits, key=lambda h: h.dense)
    other = max((h.dense for h in hits if h.chunk.article_id != best.chunk.article_id), default=0.0)
    holder = next((h for h in hits if h.chunk.article_id == article_id and h.chunk.start <= start < h.chunk.end),
                  None)
    passage = holder.chunk.text if holder is not None else articles[article_id].text[start:end]
    asked = _names(query.question)
    english = float(query.language == "en")
    return {
        "dense": best.dense,
        "margin": best.dense - other,
        "sentence": candidate["cosine"],
        "scorer": evidence.score,
        "overlap": candidate["overlap"],
        "kind_match": candidate["kind_match"] if question_kind(query.question, query.language) is not AnswerKind.OTHER
        else 0.0,
        "keyword": math.log1p(holder.keyword) if holder is not None else 0.0,
        "names_found": len(asked & _names(passage)) / len(asked) if asked else 1.0,
        "agree": float(hits[0] is best),
        "english": english,
        "english_dense": english * best.dense,
    }


@dataclass(frozen=True)
class Answerability:
    """A logistic regression over ``FEATURES``: ``probability`` is that the first citation holds the answer."""

    weights: dict[str, float]
    bias: float

    def probability(self, values: dict[str, float]) -> float:
        z = self.bias + sum(self.weights.get(name, 0.0) * values[name] for name in FEATURES)
        return 1.0 / (1.0 + math.exp(-z)) if z > -60 else 0.0


@lru_cache(maxsize=4)
def load_model(path: str | Path = MODEL_PATH) -> Answerability:
    """The model stored at ``path`` (``{"weights": {feature: weight}, "bias": b}``)."""
    weights, data = read_linear_model(path, FEATURES)
    return Answerability(weights, float(data["bias"]))


def default_model() -> Answerability:
    """The shipped, fitted model."""
    return load_model(MODEL_PATH)
