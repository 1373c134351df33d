"""Retrieval: a question (and the chat so far) -> the best passages of the index.

Three rankings are fused by reciprocal rank fusion: dense search over passages, dense
search over single sentences (a passage gets the vote of the sentences it holds), and
BM25. BM25 comes with a twist that matters
for English questions over Arabic text: BM25 only votes for passages it actually
scored above zero, and its vote is weighted by how much of the question it recognises
(the share of query terms found in the corpus vocabulary). For an English question
with no Arabic names, BM25 recognises nothing and the ranking is purely dense, instead
of being swamped by BM25's arbitrary order of zero scores.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import faiss
import numpy as np

from .actors import Mention, actor_by_id, find_mentions
from .arabic import is_arabic, normalize, tokenize
from .chunking import Chunk
from .settings import Settings
from .storage import Index


class SearchMode(StrEnum):
    """Which rankings a search fuses; the old strings ("hybrid", "dense", "bm25") still work."""

    HYBRID = "hybrid"  # dense passages + dense sentences + BM25 weighted by its coverage
    DENSE = "dense"  # dense passages + dense sentences
    BM25 = "bm25"  # BM25 alone

    @classmethod
    def _missing_(cls, value):
        raise ValueError(f"unknown search mode {value!r} (use one of {', '.join(m.value for m in cls)})")


@dataclass(frozen=True)
class Ranking:
    """One retriever's rows (passage ids), best first, and the weight of its vote in the fusion."""

    rows: Sequence[int]
    weight: float = 1.0


def fuse(rankings: Sequence[Ranking], rrf_k: int) -> list[tuple[int, float]]:
    """Reciprocal rank fusion: ``(row, score)`` best first, where a row scores the sum over the rankings that
    hold it of ``weight / (rrf_k + rank)`` (rank 0 for a ranking's first row). Equal scores keep the order in
    which the rows were first met, ranking by ranking."""
    if rrf_k < 1:
        raise ValueError(f"rrf_k must be 1 or more, not {rrf_k}")
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, row in enumerate(ranking.rows):
            fused[row] = fused.get(row, 0.0) + ranking.weight / (rrf_k + rank)
    return sorted(fused.items(), key=lambda item: -item[1])


def keyword_weight(mode: SearchMode, coverage: float) -> float:
    """BM25's vote: in hybrid search, the share of the query's terms the corpus knows (``coverage``), so BM25
    cannot outvote dense search on a question it barely recognises (an English question over Arabic text);
    alone (``SearchMode.BM25``), a full vote."""
    if not 0.0 <= coverage <= 1.0:
        raise ValueError(f"coverage is a share, between 0 and 1, not {coverage}")
    return coverage if mode is SearchMode.HYBRID else 1.0


@dataclass(frozen=True)
class Query:
    """What retrieval searches with."""

    question: str  # as asked
    text: str  # the question made self-contained with the chat history
    language: str  # "ar" or "en"
    about: str = ""  # the listed actor a follow-up was resolved to (``resolve_follow_up``); "" for none


@dataclass(frozen=True)
class Hit:
    """A retrieved passage and the evidence for it."""

    chunk: Chunk
    score: float  # fused score: the ranking
    dense: float  # cosine similarity to the question (the passage's, or its best sentence's if higher)
    keyword: float  # BM25 score (0 when BM25 did not match)
    sentence: Chunk | None = None  # the passage's sentence closest to the question
    sentence_score: float = 0.0
    # Every sentence unit of the passage with its cosine similarity to the question, in text order:
    # the answer stage weighs them on more than that similarity.
    sentences: tuple[tuple[Chunk, float], ...] = ()


# Words that point back to something said earlier in the chat.
_EN_REFERENCE = re.compile(r"\b(it|its|it's|they|them|their|theirs|he|him|his|she|her|this|that|these|those|"
                           r"the group|the militia|the brigade|the same)\b", re.IGNORECASE)
_AR_REFERENCE = re.compile(r"(ها|هم|هما|ه)[؟?!.]?$|\b(هذه|هذا|ذلك|تلك|هؤلاء|نفسها|نفسه)\b")
# An Arabic question whose interrogative carries the conjunction و/ف ("وماذا طالبت الروس؟", "ومع من اشتبكت؟")
# goes on from the one before; when a verb follows the interrogative and no subject is named, the subject left
# out is the one of the question before. "ما" and "كم" are left out ("وما مهمتها", "وكم عدد" go on with a noun),
# and so is "من" ("ومن يدعم": the interrogative is the verb's subject), not "مع من", "ضد من".
_AR_INTERROGATIVE = r"(?:ماذا|متي|اين|كيف|لماذا|هل|(?:مع|ضد|عن|الي|علي) من)"
_AR_CONTINUATION = re.compile(rf"^\W*[وف]{_AR_INTERROGATIVE}\s+(?!ال)([\u0621-\u064a]+)")
_AR_SUFFIX = re.compile(r"(?:ه|ها|هم|هما)$")  # an attached pronoun: that verb has its object, maybe its subject


def refers_back(question: str) -> bool:
    """Whether a question leans on an earlier turn ("Who leads it?", "ومن يقودها؟", "وماذا طالبت الروس؟")."""
    words = question.split()
    if is_arabic(question):
        return (any(_AR_REFERENCE.search(word) for word in words) or len(words) <= 2
                or bool(_AR_CONTINUATION.search(normalize(question))))
    return bool(_EN_REFERENCE.search(question)) or len(words) <= 3


# The actors a follow-up's "it", "that militia", "ومن يقودها" can stand for.
_ANTECEDENT_TYPES = frozenset({"armed_group", "force", "organisation", "company"})
_EN_NOUNS = r"(?:militia|group|brigade|movement|faction|force|forces|organi[sz]ation|company|corps)"
_EN_SUBSTITUTIONS = [
    (re.compile(rf"\b(?:that|this|the same|the) {_EN_NOUNS}\b(?:'s)?", re.IGNORECASE), "{x}"),
    (re.compile(r"\bits (\w+)", re.IGNORECASE), "the \\1 of {x}"),
    (re.compile(r"\bit\b", re.IGNORECASE), "{x}"),
]
_AR_DEMONSTRATIVE = re.compile(r"(?:هذه|هذا|تلك|ذلك)\s+(?:ال)?(?:ميليشيا|مليشيا|ميلشيا|مجموعة|مجموعه|جماعة|جماعه|"
                               r"حركة|حركه|لواء|فصيل|تشكيل|قوات|فرقة|فرقه)")
# Prepositions with a pronoun ("فيه", "منهم") point at places and people as often as at groups.
_AR_NOT_POSSESSIVE = frozenset("فيه فيها فيهم منه منها منهم عليه عليها عليهم له لها لهم به بها بهم عنه عنها عنهم اليه "
                               "اليها اليهم لديه لديها لديهم معه معها معهم هذه".split())


def _listed_group(text: str, types: frozenset[str] = _ANTECEDENT_TYPES,
                  skip: frozenset[str] = frozenset()) -> Mention | None:
    """The first actor of ``types`` that ``text`` names, other than those in ``skip``."""
    return next((m for m in find_mentions(text)
                 if actor_by_id(m.actor_id).type in types and m.actor_id not in skip), None)


def _turns(history: list[dict], role: str) -> list[str]:
    """The contents of ``role``'s messages, latest first."""
    return [str(m.get("content") or "") for m in reversed(history) if m.get("role") == role]


# An earlier question that asks who, or which group or company: what follows may be about its answer.
_WHO = re.compile(r"^\W*(?:who|whom)\b|^\W*[وف]?من\s", re.IGNORECASE)
_WHICH_ACTOR = re.compile(r"\b(?:which|what)(?: \w+)? (company|group|militia|faction|force|organi[sz]ation|movement)|"
                          r"(?:اي|ما|ما اسم) (?:ال)?(شركه|مجموعه|جماعه|ميليشيا|مليشيا|فصيل|حركه|قوه|منظمه)",
                          re.IGNORECASE)


def _asked_types(question: str) -> frozenset[str]:
    """The kinds of actor a "which company / which group ...?" question asks for (empty for another question)."""
    match = _WHICH_ACTOR.search(normalize(question))
    if match is None:
        return frozenset()
    noun = (match.group(1) or match.group(2)).lower()
    return frozenset({"company"}) if noun in ("company", "شركه") else _ANTECEDENT_TYPES - {"company"}


def _antecedent(history: list[dict]) -> tuple[Mention, bool] | None:
    """The actor the chat was about, and whether the latest question named it (was about it).

    After "which company / which group ...?" naming no actor of that kind ("Which company's trucks did ISIS
    attack?"), it is the one answered, the first of that kind the answer names; else the first group named in
    the latest user turn naming one (a question that names one of the kind it asks for, "Which faction is
    Liwa al-Quds affiliated with?", is still about that one), else in the latest answer naming one.
    """
    questions, answers = _turns(history, "user"), _turns(history, "assistant")
    latest = questions[0] if questions else ""
    asked = _asked_types(latest)
    if asked and _listed_group(latest, asked) is None:
        named = frozenset(m.actor_id for m in find_mentions(latest))
        answered = _listed_group(answers[0], asked, named) if answers else None
        return (answered, False) if answered else None
    for texts in (questions, answers):
        for number, text in enumerate(texts):
            mention = _listed_group(text)
            if mention is not None:
                return mention, texts is questions and number == 0
    return None


def _substitute_ar(question: str, name: str, masculine: bool) -> str | None:
    match = _AR_DEMONSTRATIVE.search(question)
    if match:
        return f"{question[:match.start()]}{name}{question[match.end():]}"
    words = list(re.finditer(r"[\u0621-\u064a\u0640\u064b-\u065f]+", question))
    for word in reversed(words):
        plain = normalize(word.group())
        if plain in _AR_NOT_POSSESSIVE or plain.lstrip("وف") in _AR_NOT_POSSESSIVE:
            continue
        suffixes = ("ها", "ه") if masculine else ("ها",)
        # a ta marbuta ("المدينة") is no pronoun, and a word with the article takes none
        written = re.sub(r"[\u0640\u064b-\u065f]", "", word.group())
        suffix = next((x for x in suffixes if written.endswith(x) and len(plain) - len(x) >= 3), None)
        if suffix is None or re.match(r"[وف]?ال", plain):
            continue
        stem = word.group()[: -len(suffix)]
        if stem.endswith("ت"):  # "قيادتها" -> "قيادة لواء ..."
            stem = stem[:-1] + "ة"
        return f"{question[:word.start()]}{stem} {name}{question[word.end():]}"
    return None


def _elided_subject_ar(question: str, name: str, feminine_only: bool) -> str | None:
    """``question`` with ``name`` put after the verb whose subject it leaves out ("وماذا طالبت الروس؟" ->
    "وماذا طالبت <name> الروس؟"); None when it does not leave one out. With ``feminine_only``, only a verb
    that says its subject is feminine (a perfect in ـت: a group, "الميليشيا", not a man answered) counts."""
    match = _AR_CONTINUATION.search(normalize(question))
    if match is None or _AR_SUFFIX.search(match.group(1)) or (feminine_only and not match.group(1).endswith("ت")):
        return None
    words = list(re.finditer(r"[\u0621-\u064a\u0640\u064b-\u065f]+", question))
    verb = next((w for w in words[1:] if normalize(w.group()) == match.group(1)), None)
    return None if verb is None else f"{question[:verb.end()]} {name}{question[verb.end():]}"


@dataclass(frozen=True)
class FollowUp:
    """A follow-up asked again with the name of the actor it stands for."""

    text: str
    actor_id: str


def resolve_follow_up(question: str, history: list[dict] | None) -> FollowUp | None:
    """A follow-up ("Which foreign power is it aligned with?", "ومن يقودها؟", "وكم عدد مقاتليها؟", "وماذا
    طالبت الروس؟") asked again with the name of the group the chat was about (``_antecedent``), or None when
    it names its own or none is found.

    Only words that stand for a group are replaced: "it", "its", "that militia", an attached "ـها", "ـه", and
    the left-out subject of an Arabic verb that goes on from a question about the group. "He", "they" and
    "ـهم" are as often people, and a masculine "ـه" or verb right after a who-question is the person
    answered: those follow-ups are left to ``contextualize``.
    """
    if not history or not refers_back(question):
        return None
    if any(actor_by_id(m.actor_id).type in _ANTECEDENT_TYPES for m in find_mentions(question)):
        return None
    found = _antecedent(history)
    if found is None:
        return None
    mention, asked_about = found
    actor = actor_by_id(mention.actor_id)
    arabic = is_arabic(question)
    # the name as the chat wrote it, when in the question's script; else the listed name in its language
    name = mention.text if is_arabic(mention.text) == arabic else actor.name_ar if arabic else actor.name_en
    if arabic:
        after_who = bool(_WHO.search(normalize(next(iter(_turns(history, "user")), ""))))
        resolved = _substitute_ar(question, name, masculine=not after_who)
        if resolved is None and asked_about:  # a subject left out is the one of the question before
            resolved = _elided_subject_ar(question, name, feminine_only=after_who)
        return FollowUp(resolved, actor.id) if resolved else None
    for pattern, replacement in _EN_SUBSTITUTIONS:
        resolved, count = pattern.subn(replacement.format(x=name), question, count=1)
        if count:
            return FollowUp(resolved, actor.id)
    return None


def contextualize(question: str, history: list[dict] | None) -> str:
    """The question made self-contained for retrieval, using the chat history.

    A follow-up about the group the chat was about is asked with its name (``resolve_follow_up``); any
    other follow-up that refers back is searched together with the latest earlier user turn.
    """
    if not history or not refers_back(question):
        return question
    resolved = resolve_follow_up(question, history)
    if resolved is not None:
        return resolved.text
    earlier = []
    for message in reversed(history):
        content = str(message.get("content") or "").strip()
        if message.get("role") != "user" or not content or content == question:
            continue
        earlier.append(content)
        # a follow-up of a follow-up needs the turn that one leaned on
        if len(earlier) == 2 or not refers_back(content):
            break
    return f"{question} ({' '.join(earlier)})" if earlier else question


def nearest(store: faiss.Index, queries: np.ndarray, k: int, settings: Settings) -> tuple[np.ndarray, np.ndarray]:
    """Scores and rows of the ``k`` vectors of ``store`` nearest each query (one per row)."""
    # HNSW searches as wide as the settings say now, not as they said when the index was built.
    params = (faiss.SearchParametersHNSW(efSearch=max(settings.hnsw_ef_search, k))
              if isinstance(store, faiss.IndexHNSW) else None)
    return store.search(np.ascontiguousarray(queries, dtype=np.float32), min(k, store.ntotal), params=params)


class Retriever:
    """Hybrid dense + BM25 search over one loaded index."""

    def __init__(self, index: Index, settings: Settings):
        self.index = index
        self.settings = settings
        vocab = index.bm25.vocab_dict if index.bm25 is not None else {}
        self._vocab = set(vocab)
        self._chunk_sentences, self._sentence_chunks = _link(index)

    def _nearest(self, store: faiss.Index, vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        return nearest(store, vector.reshape(1, -1), k, self.settings)

    def dense_sentences(self, vector: np.ndarray, k: int, exclude: frozenset[str] = frozenset()
                        ) -> list[tuple[int, float]]:
        """Passages ranked by their best sentence among the ``k`` sentences nearest the question (of articles
        not in ``exclude``)."""
        store = self.index.sentence_vectors
        if store.ntotal == 0:
            return []
        left_out = self._left_out(self.index.sentences, exclude)
        scores, rows = self._nearest(store, vector, k + len(left_out))
        kept = [(row, score) for row, score in zip(rows[0], scores[0]) if row >= 0 and row not in left_out][:k]
        best: dict[int, float] = {}
        for row, score in kept:
            for chunk_row in self._sentence_chunks[row]:
                best.setdefault(chunk_row, float(score))
        return list(best.items())

    @staticmethod
    def _left_out(units: list[Chunk], exclude: frozenset[str]) -> set[int]:
        return {row for row, unit in enumerate(units) if unit.article_id in exclude} if exclude else set()

    def passage_sentences(self, chunk_row: int, vector: np.ndarray) -> tuple[tuple[Chunk, float], ...]:
        """The sentence units of a passage, in text order, each with its cosine similarity to ``vector``."""
        rows = self._chunk_sentences[chunk_row]
        if not rows:
            return ()
        store = self.index.sentence_vectors
        return tuple((self.index.sentences[r], float(store.reconstruct(r) @ vector)) for r in rows)

    def dense(self, vector: np.ndarray, k: int, exclude: frozenset[str] = frozenset()) -> list[tuple[int, float]]:
        if self.index.size == 0:
            return []
        left_out = self._left_out(self.index.chunks, exclude)
        scores, rows = self._nearest(self.index.vectors, vector, k + len(left_out))
        return [(int(r), float(s)) for r, s in zip(rows[0], scores[0]) if r >= 0 and r not in left_out][:k]

    def keyword(self, query: Query, k: int, exclude: frozenset[str] = frozenset()
                ) -> tuple[list[tuple[int, float]], float]:
        """BM25 hits with a positive score, and the share of query terms the corpus knows."""
        if self.index.bm25 is None:
            return [], 0.0
        terms = list(dict.fromkeys(tokenize(query.text)))
        if not terms:
            return [], 0.0
        known = [t for t in terms if t in self._vocab]
        coverage = len(known) / len(terms)
        if not known:
            return [], 0.0
        scores = self.index.bm25.get_scores(known)
        for row in self._left_out(self.index.chunks, exclude):
            scores[row] = 0.0
        positive = np.flatnonzero(scores > 0)
        if positive.size == 0:
            return [], 0.0
        top = positive[np.argsort(-scores[positive], kind="stable")[:k]]
        return [(int(r), float(scores[r])) for r in top], coverage

    def rarity(self, query: Query) -> dict[str, float]:
        """BM25's inverse document frequency of each of ``query``'s keyword terms (none without a keyword index):
        how telling it is that a passage holds the term."""
        if self.index.bm25 is None:
            return {}
        return {term: self.index.bm25.idf(term) for term in dict.fromkeys(tokenize(query.text))}

    def search(self, query: Query, vector: np.ndarray, mode: SearchMode | str = SearchMode.HYBRID,
               exclude: frozenset[str] = frozenset()) -> list[Hit]:
        """The passages for ``query``, best first, by ``fuse``-ing the rankings ``mode`` names.

        ``exclude``: article ids searched as if they were not indexed (BM25's corpus statistics aside), so that
        the harness can ask a question whose article is absent without building another index.
        """
        mode = SearchMode(mode)
        k = self.settings.candidates
        vector = vector.reshape(-1).astype(np.float32)
        dense_search = mode in (SearchMode.HYBRID, SearchMode.DENSE)
        dense = self.dense(vector, k, exclude) if dense_search else []
        sentences = self.dense_sentences(vector, k, exclude) if dense_search else []
        keyword, coverage = (self.keyword(query, k, exclude) if mode in (SearchMode.HYBRID, SearchMode.BM25)
                             else ([], 0.0))
        fused = fuse([Ranking([row for row, _ in dense]), Ranking([row for row, _ in sentences]),
                      Ranking([row for row, _ in keyword], keyword_weight(mode, coverage))], self.settings.rrf_k)
        dense_score = dict(dense)
        keyword_score = dict(keyword)
        hits = []
        for row, score in fused[: max(self.settings.top_k, 1) * 2]:
            if row not in dense_score:
                dense_score[row] = float(self.index.vectors.reconstruct(row) @ vector)
            units = self.passage_sentences(row, vector)
            sentence, sentence_score = max(units, key=lambda unit: unit[1]) if units else (None, 0.0)
            hits.append(Hit(self.index.chunks[row], score, max(dense_score[row], sentence_score),
                            keyword_score.get(row, 0.0), sentence, sentence_score, units))
        return hits


def _link(index: Index) -> tuple[list[list[int]], list[list[int]]]:
    """Which sentence units each passage holds (at least half of the sentence), and back."""
    chunk_sentences: list[list[int]] = [[] for _ in index.chunks]
    sentence_chunks: list[list[int]] = [[] for _ in index.sentences]
    by_article = index.sentences_by_article()
    for chunk_row, chunk in enumerate(index.chunks):
        for row in by_article.get(chunk.article_id, ()):
            unit = index.sentences[row]
            overlap = min(unit.end, chunk.end) - max(unit.start, chunk.start)
            if overlap > 0 and overlap * 2 >= unit.end - unit.start:
                chunk_sentences[chunk_row].append(row)
                sentence_chunks[row].append(chunk_row)
    return chunk_sentences, sentence_chunks
