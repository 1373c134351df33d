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
from dataclasses import dataclass

import faiss
import numpy as np

from .arabic import is_arabic, tokenize
from .chunking import Chunk
from .settings import Settings
from .storage import Index


@dataclass(frozen=True)
class Query:
    """What retrieval searches with."""

    question: str  # as asked
    text: str  # the question made self-contained with the chat history
    language: str  # "ar" or "en"


@dataclass(frozen=True)
class Hit:
    """A retrieved passage and the evidence for it."""

    chunk: Chunk
    score: float  # fused score: the ranking
    dense: float  # cosine similarity to the question (the passage's, or its best sentence's if higher)
    keyword: float  # BM25 score (0 when BM25 did not match)
    sentence: Chunk | None = None  # the passage's sentence closest to the question
    sentence_score: float = 0.0


# Words that point back to something said earlier in the chat.
_EN_REFERENCE = re.compile(r"\b(it|its|it's|they|them|their|theirs|he|him|his|she|her|this|that|these|those|"
                           r"the group|the militia|the brigade|the same)\b", re.IGNORECASE)
_AR_REFERENCE = re.compile(r"(ها|هم|هما|ه)[؟?!.]?$|\b(هذه|هذا|ذلك|تلك|هؤلاء|نفسها|نفسه)\b")


def refers_back(question: str) -> bool:
    """Whether a question leans on an earlier turn ("Who leads it?", "ومن يقودها؟")."""
    words = question.split()
    if is_arabic(question):
        return any(_AR_REFERENCE.search(word) for word in words) or len(words) <= 2
    return bool(_EN_REFERENCE.search(question)) or len(words) <= 3


def contextualize(question: str, history: list[dict] | None) -> str:
    """The question made self-contained for retrieval, using the chat history.

    A follow-up that refers back is searched together with the latest earlier user turn.
    """
    if not history or not refers_back(question):
        return question
    for message in reversed(history):
        if message.get("role") != "user":
            continue
        earlier = str(message.get("content") or "").strip()
        if not earlier or earlier == question:
            continue
        return f"{question} ({earlier})"
    return question


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

    def dense_sentences(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Passages ranked by their best sentence among the ``k`` sentences nearest the question."""
        store = self.index.sentence_vectors
        if store.ntotal == 0:
            return []
        scores, rows = self._nearest(store, vector, k)
        best: dict[int, float] = {}
        for row, score in zip(rows[0], scores[0]):
            for chunk_row in self._sentence_chunks[row] if row >= 0 else ():
                best.setdefault(chunk_row, float(score))
        return list(best.items())

    def best_sentence(self, chunk_row: int, vector: np.ndarray) -> tuple[Chunk | None, float]:
        rows = self._chunk_sentences[chunk_row]
        if not rows:
            return None, 0.0
        store = self.index.sentence_vectors
        scores = np.array([store.reconstruct(r) @ vector for r in rows])
        best = int(np.argmax(scores))
        return self.index.sentences[rows[best]], float(scores[best])

    def dense(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        if self.index.size == 0:
            return []
        scores, rows = self._nearest(self.index.vectors, vector, k)
        return [(int(r), float(s)) for r, s in zip(rows[0], scores[0]) if r >= 0]

    def keyword(self, query: Query, k: int) -> tuple[list[tuple[int, float]], float]:
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
        positive = np.flatnonzero(scores > 0)
        if positive.size == 0:
            return [], 0.0
        top = positive[np.argsort(-scores[positive], kind="stable")[:k]]
        return [(int(r), float(scores[r])) for r in top], coverage

    def search(self, query: Query, vector: np.ndarray, mode: str = "hybrid") -> list[Hit]:
        """The passages for ``query``, best first. ``mode``: "hybrid", "dense" or "bm25"."""
        k = self.settings.candidates
        vector = vector.reshape(-1).astype(np.float32)
        dense = self.dense(vector, k) if mode in ("hybrid", "dense") else []
        sentences = self.dense_sentences(vector, k) if mode in ("hybrid", "dense") else []
        keyword, coverage = self.keyword(query, k) if mode in ("hybrid", "bm25") else ([], 0.0)
        fused: dict[int, float] = {}
        rrf = self.settings.rrf_k
        weight = coverage if mode == "hybrid" else 1.0
        for ranking, vote in ((dense, 1.0), (sentences, 1.0), (keyword, weight)):
            for rank, (row, _) in enumerate(ranking):
                fused[row] = fused.get(row, 0.0) + vote / (rrf + rank)
        dense_score = dict(dense)
        keyword_score = dict(keyword)
        hits = []
        for row, score in sorted(fused.items(), key=lambda item: -item[1])[: max(self.settings.top_k, 1) * 2]:
            if row not in dense_score:
                dense_score[row] = float(self.index.vectors.reconstruct(row) @ vector)
            sentence, sentence_score = self.best_sentence(row, vector)
            hits.append(Hit(self.index.chunks[row], score, max(dense_score[row], sentence_score),
                            keyword_score.get(row, 0.0), sentence, sentence_score))
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
