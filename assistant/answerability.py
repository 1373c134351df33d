"""Whether the corpus answers, and how sure an answer is: two probabilities from one set of signals.

One cosine threshold per language, read off a few articles, refuses questions whose paragraph is indexed and
ranked first, and answers questions the corpus knows nothing about. These models weigh several signals of the
retrieved passages and the chosen sentence instead: the dense passage and sentence scores and their margin over
the passages of other articles, the BM25 score, whether the chosen sentence holds the kind of answer asked for,
whether the dense and fused rankings agree, and whether what the question names is in the passages at all. An
on-topic question whose article is missing still finds passages close to it, but the names and rare words it
asks about are usually in none of them: the names an English question writes in Latin letters are looked for in
the Arabic passages by their consonant keys (``transliteration``), and the question's terms are weighed by their
rarity in the corpus (BM25's inverse document frequency).

``answerable`` is the probability that the corpus holds the answer: below the refusal point of the question's
language (``Settings.answer_threshold_en`` / ``_ar``) the answer abstains. ``confidence`` is the probability that
the first citation holds it: that one, times the probability that the first citation is right when the corpus
does hold the answer. Both are logistic regressions whose weights live in ``data/answerability.json`` and
``data/answerability_cited.json``, fitted by ``benchmarks/fit_answerability.py`` (which also picks the refusal
points and prints their false refusals and abstention). Every signal is read from the hits of one search: no
second model pass.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .actors import find_mentions
from .arabic import normalize, tokenize
from .corpus import Article
from .retrieval import Hit, Query
from .sentences import AnswerKind, question_kind, read_linear_model
from .transliteration import MIN_KEY, holds_key, latin_word_keys

MODEL_PATH = Path(__file__).resolve().parent / "data" / "answerability.json"
CITED_PATH = Path(__file__).resolve().parent / "data" / "answerability_cited.json"
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
    "latin_found",  # the share of the English question's names (``latin_names``) in the cited passage (1 if none)
    "latin_best",  # the same in the passage of the hits that holds most
    "latin_missing",  # a long name of the English question is in none of the hits
    "numbers_best",  # the share of the question's numbers in the passage of the hits that holds most (1 if none)
    "rare_found",  # the share of the question's terms in the cited passage, each weighed by its rarity
    "rare_best",  # the same in the passage of the hits that holds most
    "rarest_found",  # the question's rarest term is in the cited passage
)

_NUMBER = re.compile(r"\d+")
# A word of a name in an English question: capitalised, or an Arabic article before a capital ("al-Quds").
_CAPITALISED = re.compile(r"(?<![\w'’-])(?:(?:al|el|as|ash|ad|an|ar|at|az)[-‐‑])?[A-Z][\w'’-]*")
_QUOTED = re.compile(r"[\"“”«»]([^\"“”«»]+)[\"“”«»]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
# What may stand between two words of one name: a space, or a short word of a title.
_JOINER = re.compile(r" (?:(?:of|the|in|and|for|de|la|von|van|on|&) )*")
# A name whose key has this many letters or more is too specific to be in a passage by chance.
LONG_KEY = 5


@dataclass(frozen=True)
class Evidence:
    """What the model weighs for one answer: the hits, the first citation's candidate features and its score."""

    query: Query
    hits: list[Hit]
    first: tuple[str, int, int, dict[str, float]]  # (article id, start, end, sentences.candidate_features row)
    score: float  # the sentence scorer's score of the first citation
    # The inverse document frequency of the question's keyword terms (``Retriever.rarity``); without it every
    # term weighs the same.
    rarity: Mapping[str, float] = field(default_factory=dict)


def _names(text: str) -> set[str]:
    return {m.actor_id for m in find_mentions(text)} | set(_NUMBER.findall(text))


def _name_word_keys(word: str) -> frozenset[str]:
    """The keys of one name word and of the forms it is written from: without a possessive "'s", a plural
    "s" ("Huguenots" / "الهوغونوت") or the "n" of a demonym ("American" / "أمريكي")."""
    word = re.sub(r"['’]s$", "", word)
    forms = {word}
    if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
        forms.add(word[:-1])
    for form in list(forms):
        if len(form) > 4 and form.endswith("an"):
            forms.add(form[:-1])
    return frozenset(k for form in forms for k in latin_word_keys(form) if len(k) >= MIN_KEY)


@dataclass(frozen=True)
class Name:
    """A name an English question writes in Latin letters: its words and their consonant keys."""

    words: tuple[str, ...]
    keys: frozenset[str]

    @property
    def long(self) -> bool:
        """Its key is too specific to be in a passage by chance."""
        return max(map(len, self.keys)) >= LONG_KEY

    def found_in(self, text: str) -> bool:
        """Some word of it is in ``text``, by its key or as written (Latin words an Arabic text keeps)."""
        return holds_key(self.keys, text) or any(w.lower() in _latin_words(text) for w in self.words)


def latin_names(question: str) -> list[Name]:
    """The names of an English question: runs of capitalised words (the question's first word aside, capitalised
    as its start; "of", "the" ... may join them: "Nobel Prize in Economic Sciences") and quoted words. A name
    counts as found when any of its words is: titles translate their common words and transliterate the rest."""
    words = [(m.start(), m.end(), m.group()) for m in _CAPITALISED.finditer(question)
             if m.start() > 0 and question[:m.start()].strip()]
    runs: list[list[str]] = []
    last_end = -1
    for begin, finish, word in words:
        if runs and _JOINER.fullmatch(question[last_end:begin]):
            runs[-1].append(word)
        else:
            runs.append([word])
        last_end = finish
    runs += [_LATIN_WORD.findall(quoted) for quoted in _QUOTED.findall(question)]
    names = {}
    for run in runs:
        keys = frozenset().union(*(_name_word_keys(w) for w in run))
        if keys:
            names[tuple(run)] = Name(tuple(run), keys)
    return list(names.values())


@lru_cache(maxsize=1024)
def _latin_words(text: str) -> frozenset[str]:
    return frozenset(w.lower() for w in _LATIN_WORD.findall(text))


def _names_share(names: list[Name], text: str) -> float:
    """The share of ``names`` found in ``text`` (1 when there are none: nothing is missing)."""
    return sum(name.found_in(text) for name in names) / len(names) if names else 1.0


@lru_cache(maxsize=1024)
def _terms(text: str) -> frozenset[str]:
    return frozenset(tokenize(text))


@lru_cache(maxsize=1024)
def _numbers(text: str) -> frozenset[str]:
    return frozenset(_NUMBER.findall(normalize(text)))


def _numbers_share(numbers: set[str], text: str) -> float:
    return len(numbers & _numbers(text)) / len(numbers) if numbers else 1.0


def _terms_share(terms: list[str], weight: Mapping[str, float], text: str) -> float:
    """The share of ``terms`` in ``text``, each weighed by its rarity (1 when there are none)."""
    if not terms:
        return 1.0
    present = _terms(text)
    return sum(weight.get(t, 1.0) for t in terms if t in present) / sum(weight.get(t, 1.0) for t in terms)


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
    names = latin_names(query.text)
    numbers = set(_numbers(query.text))
    terms = list(dict.fromkeys(tokenize(query.text)))
    rarest = max(terms, key=lambda t: evidence.rarity.get(t, 1.0), default=None)
    texts = [h.chunk.text for h in hits]
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
        "latin_found": _names_share(names, passage),
        "latin_best": max(_names_share(names, t) for t in texts),
        "latin_missing": float(any(n.long and not any(n.found_in(t) for t in texts) for n in names)),
        "numbers_best": max(_numbers_share(numbers, t) for t in texts),
        "rare_found": _terms_share(terms, evidence.rarity, passage),
        "rare_best": max(_terms_share(terms, evidence.rarity, t) for t in texts),
        "rarest_found": float(rarest is None or rarest in _terms(passage)),
    }


@dataclass(frozen=True)
class Logistic:
    """A logistic regression over ``FEATURES``."""

    weights: dict[str, float]
    bias: float

    def probability(self, values: dict[str, float]) -> float:
        z = self.bias + sum(self.weights.get(name, 0.0) * values[name] for name in FEATURES)
        return 1.0 / (1.0 + math.exp(-z)) if z > -60 else 0.0


@dataclass(frozen=True)
class Judgement:
    """What the models say of one answer."""

    answerable: float  # that the corpus holds the answer: compared with the refusal point
    confidence: float  # that the first citation holds it (``Answer.confidence``)


@dataclass(frozen=True)
class Answerability:
    """``answerable``: that the corpus holds the answer; ``cited``: that the first citation holds it, given that
    the corpus does."""

    answerable: Logistic
    cited: Logistic

    def judge(self, values: dict[str, float]) -> Judgement:
        """Both probabilities for one answer's ``features``."""
        answerable = self.answerable.probability(values)
        return Judgement(answerable, answerable * self.cited.probability(values))


def _read(path: str | Path) -> Logistic:
    weights, data = read_linear_model(path, FEATURES)
    return Logistic(weights, float(data["bias"]))


@lru_cache(maxsize=4)
def load_model(path: str | Path = MODEL_PATH, cited: str | Path = CITED_PATH) -> Answerability:
    """The models stored at ``path`` and ``cited`` (each ``{"weights": {feature: weight}, "bias": b}``)."""
    return Answerability(_read(path), _read(cited))


def default_model() -> Answerability:
    """The shipped, fitted models."""
    return load_model(MODEL_PATH, CITED_PATH)
