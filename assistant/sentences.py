"""Which sentence answers: candidate sentences of the best passages, weighed for the question.

Cosine similarity alone picks the sentence that sounds most like the question, which is often
not the one that holds its answer. A candidate is weighed on its similarity, the rank of its
passage, the question words it shares, and whether it holds the kind of thing the question
asks for (who: a person or group; where: a place; how many: a number; when: a date; which
company or group: a named organisation), by a linear scorer whose weights were fitted on
ARCD's training questions (``benchmarks/train_sentence_scorer.py`` writes
``data/sentence_scorer.json``).

A candidate is cited with its context: a sentence the splitter cut inside (a long sentence
split at a comma) is cited whole when it is not too long, and a fragment that starts with a
relative or a pronoun ("والتي ...", "الذي ...", "حيث ...", "وهو ...") carries the sentence before
it, where its subject is.
"""

from __future__ import annotations

import bisect
import json
import math
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from .actors import actor_by_id, find_mentions
from .arabic import normalize, tokenize
from .chunking import Chunk, sentence_spans
from .corpus import Article
from .retrieval import Hit, Query

SCORER_PATH = Path(__file__).resolve().parent / "data" / "sentence_scorer.json"

# Every sentence of this many best passages is a candidate; of the others, their closest sentence.
CANDIDATE_PASSAGES = 3
# A cited span grows to its whole sentence, or takes in the sentence before, up to this many characters.
MAX_SPAN = 600
# A sentence this short ("Who said so?") is cited together with the next one.
SHORT_SENTENCE = 60


class AnswerKind(StrEnum):
    """The kind of thing a question asks for."""

    PERSON = "person"  # who: a person or a group
    PLACE = "place"
    NUMBER = "number"
    DATE = "date"
    ORGANISATION = "organisation"  # which company, group, militia ...
    OTHER = "other"


_EN_KINDS = [
    (AnswerKind.NUMBER, r"\bhow (many|much)\b|\bwhat (number|percentage|proportion|amount|share)\b|"
                        r"\bhow (long|far|old|big|large|tall|high)\b"),
    (AnswerKind.DATE, r"^\W*when\b|\b(what|which|in what) (year|date|day|month|century|decade|time)\b"),
    (AnswerKind.ORGANISATION, r"\b(what|which) (company|companies|group|groups|organi[sz]ations?|militias?|factions?|"
                              r"party|team|movement|brigade|force|forces|agency|university|institution|body|firm)\b"),
    (AnswerKind.PLACE, r"\bwhere\b|\b(what|which) (city|country|town|village|region|province|area|place|state|"
                       r"continent|river|island|district|part)\b"),
    (AnswerKind.PERSON, r"\b(who|whom|whose)\b"),
]
_AR_KINDS = [
    (AnswerKind.NUMBER, r"(^|\s)[وف]?كم\s|\bما (عدد|نسبه|مقدار|حجم)\b"),
    (AnswerKind.DATE, r"(^|\s)[وف]?متي\b|\b(اي|ما) (عام|سنه|تاريخ|يوم|شهر|قرن)\b|\bفي اي (عام|سنه|يوم|شهر|قرن)\b"),
    (AnswerKind.ORGANISATION, r"\b(اي|ما) (شركه|مجموعه|جماعه|منظمه|ميليشيا|مليشيا|فصيل|حزب|فريق|حركه|جهه|قوه|"
                              r"موسسه|جامعه|هييه)\b"),
    (AnswerKind.PLACE, r"(^|\s)[وف]?(الي |من )?اين\b|\b(اي|ما) (مدينه|دوله|بلد|منطقه|محافظه|مكان|قريه|بلده|ولايه|"
                       r"جزيره|نهر|قاره)\b"),
    (AnswerKind.PERSON, r"^\W*[وف]?من\s|\bمن (هو|هي|هم)\b"),
]
_KIND_PATTERNS = {"en": [(kind, re.compile(p)) for kind, p in _EN_KINDS],
                  "ar": [(kind, re.compile(p)) for kind, p in _AR_KINDS]}


def question_kind(question: str, language: str) -> AnswerKind:
    """What ``question`` asks for: a person, place, number, date, organisation, or other."""
    text = normalize(question.strip()) if language == "ar" else question.strip().lower()
    return next((kind for kind, pattern in _KIND_PATTERNS[language] if pattern.search(text)), AnswerKind.OTHER)


# What a span holds, read on its normalised text; the actor list adds the names it knows.
_NUMBER = re.compile(r"\d|\b[وبل]?(واحد|اثن|ثلاث|اربع|خمس|ست|سبع|ثمان|تسع|عشر|ميه|مايه|ميات|الف|الاف|"
                     r"مليون|ملايين|مليار)")
_DATE = re.compile(r"\b(1\d{3}|20\d{2})\b|\b[وبل]?(يناير|فبراير|مارس|ابريل|مايو|يونيو|يوليو|اغسطس|سبتمبر|"
                   r"اكتوبر|نوفمبر|ديسمبر|كانون|شباط|اذار|نيسان|ايار|حزيران|تموز|ايلول|تشرين|القرن)")
_PLACE_WORDS = re.compile(r"\b[وبل]?(ال)?(مدينه|محافظه|ريف|منطقه|بلده|قريه|ولايه|دوله|جزيره|نهر|اقليم|عاصمه|"
                          r"شمال|جنوب|شرق|غرب|مقاطعه|قاره|حي)\b")
_ORG_WORDS = re.compile(r"\b[وبل]?(ال)?(شركه|منظمه|موسسه|حزب|جماعه|ميليشيا|مليشيا|ميلشيا|حركه|لواء|جامعه|"
                        r"فريق|مجلس|هييه|وكاله|جيش|فصيل)\b")
_PERSON_WORDS = re.compile(r"\b[وبل]?(ال)?(رييس|ملك|امير|شيخ|دكتور|قايد|زعيم|موسس|سيد|امام|عالم|كاتب|"
                           r"ملكه|بابا|جنرال|عقيد|العميد|وزير)\b")
_MENTION_KINDS = {
    AnswerKind.PERSON: {"person", "armed_group", "organisation", "force", "company"},
    AnswerKind.PLACE: {"place", "state"},
    AnswerKind.ORGANISATION: {"armed_group", "organisation", "force", "company"},
}
_WORD_KINDS = {AnswerKind.PERSON: (_PERSON_WORDS, _ORG_WORDS), AnswerKind.PLACE: (_PLACE_WORDS,),
               AnswerKind.ORGANISATION: (_ORG_WORDS,), AnswerKind.NUMBER: (_NUMBER,), AnswerKind.DATE: (_DATE,)}


@lru_cache(maxsize=8192)
def _mention_types(text: str) -> frozenset[str]:
    return frozenset(actor_by_id(m.actor_id).type for m in find_mentions(text))


def holds_kind(text: str, kind: AnswerKind) -> bool:
    """Whether ``text`` holds a thing of ``kind`` (by number and date patterns, naming words, the actor list)."""
    if kind is AnswerKind.OTHER:
        return False
    norm = normalize(text)
    if any(pattern.search(norm) for pattern in _WORD_KINDS[kind]):
        return True
    return bool(kind in _MENTION_KINDS and _mention_types(text) & _MENTION_KINDS[kind])


# A span that starts with one of these leans on the words before it for its subject.
_FRAGMENT = re.compile(r"^\W*(و|ف)?(التي|الذي|الذين|اللذين|اللتين|اللواتي|حيث|اذ|وهو|هو|وهي|هي|وهم|هم|كما|"
                       r"ذلك|وذلك|لكن|ولكن|فيما|بينما|ايضا|انه|انها|كونه|كونها|مما|ما)\b")


def is_fragment(text: str) -> bool:
    """Whether a sentence starts with a relative, a pronoun or a connective that needs what came before."""
    return bool(_FRAGMENT.match(normalize(text)))


@lru_cache(maxsize=1024)
def _spans(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(sentence_spans(text))


def answer_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The span to cite for the sentence unit ``text[start:end]``: the unit with the context it needs.

    A unit cut from a longer sentence becomes its whole sentence (up to ``MAX_SPAN``); a fragment takes
    in the sentence before it, when that is on the same line; a very short sentence takes the next.
    """
    spans = _spans(text)
    at = max(bisect.bisect_right(spans, (start, len(text) + 1)) - 1, 0)
    sentence_start, sentence_end = spans[at] if spans else (start, end)
    if sentence_end - sentence_start <= MAX_SPAN:
        start, end = min(start, sentence_start), max(end, sentence_end)
    elif start > sentence_start and is_fragment(text[start:end]) and end - sentence_start <= MAX_SPAN:
        start = sentence_start
    if start == sentence_start and at > 0 and is_fragment(text[start:end]):
        before = spans[at - 1][0]
        if "\n" not in text[before:start] and end - before <= MAX_SPAN:
            start = before
    if end - start < SHORT_SENTENCE and at + 1 < len(spans):
        end = max(end, spans[at + 1][1])
    return start, end


@dataclass(frozen=True)
class Candidate:
    """A span that may answer: ``article.text[start:end]``, with its score (higher is better)."""

    article_id: str
    start: int
    end: int
    score: float


# A candidate's features. The scorer ranks the candidates of one question, so a feature that shifts them
# all alike (the question's best cosine, whether it has a kind) tells nothing and is left out.
FEATURES = ("cosine", "span_cosine", "second_passage", "fused", "overlap", "kind_match", "fragment", "length")


@dataclass(frozen=True)
class SentenceScorer:
    """A linear score over ``FEATURES``; features it has no weight for count 0."""

    weights: dict[str, float]

    def score(self, features: dict[str, float]) -> float:
        return sum(self.weights.get(name, 0.0) * value for name, value in features.items())


COSINE_ONLY = SentenceScorer({"cosine": 1.0})


def read_linear_model(path: str | Path, features) -> tuple[dict[str, float], dict]:
    """A fitted linear model's file (``{"weights": {feature: weight}, ...}``): its weights, refusing a feature
    not in ``features`` (``ValueError``), and the whole file's data."""
    data = json.loads(Path(path).read_text("utf-8"))
    unknown = set(data["weights"]) - set(features)
    if unknown:
        raise ValueError(f"{path}: unknown features {sorted(unknown)}")
    return {k: float(v) for k, v in data["weights"].items()}, data


@lru_cache(maxsize=4)
def load_scorer(path: str | Path = SCORER_PATH) -> SentenceScorer:
    """The scorer stored at ``path`` (``{"weights": {feature: weight}}``)."""
    return SentenceScorer(read_linear_model(path, FEATURES)[0])


def default_scorer() -> SentenceScorer:
    """The shipped, fitted scorer."""
    return load_scorer(SCORER_PATH)


@dataclass(frozen=True)
class _Unit:
    hit_rank: int
    hit: Hit
    unit: Chunk
    cosine: float


def _units(hits: list[Hit]) -> list[_Unit]:
    units = []
    for rank, hit in enumerate(hits):
        if rank < CANDIDATE_PASSAGES:
            units.extend(_Unit(rank, hit, unit, cosine) for unit, cosine in hit.sentences)
        elif hit.sentence is not None:
            units.append(_Unit(rank, hit, hit.sentence, hit.sentence_score))
        if not hit.sentences and hit.sentence is None:  # a passage without sentence units is cited whole
            units.append(_Unit(rank, hit, hit.chunk, hit.dense))
    return units


def candidate_features(query: Query, hits: list[Hit], articles: dict[str, Article]
                       ) -> list[tuple[str, int, int, dict[str, float]]]:
    """(article id, start, end, features) of each candidate span, in no particular order."""
    units = _units(hits)
    if not units:
        return []
    kind = question_kind(query.question, query.language)
    terms = set(tokenize(query.text))
    top = hits[0].score or 1.0
    seen: set[tuple[str, int, int]] = set()
    found = []
    for u in units:
        text = articles[u.unit.article_id].text
        start, end = answer_span(text, u.unit.start, u.unit.end)
        key = (u.unit.article_id, start, end)
        if key in seen:
            continue
        seen.add(key)
        span = text[start:end]
        holds = holds_kind(span, kind)
        # A span grown to its whole sentence may hold a unit closer to the question than the one it came from.
        inside = [cosine for unit, cosine in u.hit.sentences
                  if unit.article_id == u.unit.article_id and start <= unit.start and unit.end <= end]
        features = {
            "cosine": u.cosine,
            "span_cosine": max([u.cosine, *inside]),
            "second_passage": float(u.hit_rank == 1),
            "fused": u.hit.score / top,
            "overlap": len(terms & set(tokenize(span))) / len(terms) if terms else 0.0,
            "kind_match": float(holds),
            "fragment": float(is_fragment(u.unit.text)),
            "length": math.log1p(end - start) / math.log1p(MAX_SPAN),
        }
        found.append((u.unit.article_id, start, end, features))
    return found


def scored_candidates(query: Query, hits: list[Hit], articles: dict[str, Article], scorer: SentenceScorer
                      ) -> list[tuple[Candidate, tuple[str, int, int, dict[str, float]]]]:
    """The candidate spans of ``hits`` with their ``candidate_features`` rows, best first by ``scorer``."""
    scored = [(Candidate(row[0], row[1], row[2], scorer.score(row[3])), row)
              for row in candidate_features(query, hits, articles)]
    return sorted(scored, key=lambda item: -item[0].score)


def rank_candidates(query: Query, hits: list[Hit], articles: dict[str, Article],
                    scorer: SentenceScorer) -> list[Candidate]:
    """The candidate spans of ``hits``, best first by ``scorer``."""
    return [candidate for candidate, _ in scored_candidates(query, hits, articles, scorer)]
