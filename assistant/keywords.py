"""BM25 over the passages of every index segment, scored with corpus-wide statistics.

Each ingestion writes the term counts of its own passages (``TermCounts``); loading an index
merges every segment's counts and weighs them with the document frequencies and average length
of the whole corpus, so a passage scores the same whichever batch brought it. The scoring is
Lucene's BM25 as bm25s computes it (``method="lucene"``, k1 1.5, b 0.75), which the index used
before it was segmented; bm25s itself cannot add documents to an index, hence these few arrays.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from .arabic import tokenize

K1 = 1.5
B = 0.75
# An empty passage is counted as one token nobody searches for, as bm25s was given it.
EMPTY = "\0"


@dataclass
class TermCounts:
    """Term counts of one segment's passages: posting ``i`` says ``terms[term[i]]`` occurs
    ``tf[i]`` times in passage ``doc[i]`` (a row of the segment); ``lengths`` are token counts."""

    terms: list[str]
    doc: np.ndarray  # int32
    term: np.ndarray  # int32
    tf: np.ndarray  # int32
    lengths: np.ndarray  # int32, one per passage

    @classmethod
    def of(cls, texts: Iterable[str]) -> TermCounts:
        """Count the ``arabic.tokenize`` tokens of each text."""
        vocabulary: dict[str, int] = {}
        doc, term, tf, lengths = [], [], [], []
        for row, text in enumerate(texts):
            tokens = tokenize(text) or [EMPTY]
            lengths.append(len(tokens))
            for token, count in Counter(tokens).items():
                doc.append(row)
                term.append(vocabulary.setdefault(token, len(vocabulary)))
                tf.append(count)
        return cls(list(vocabulary), np.array(doc, np.int32), np.array(term, np.int32), np.array(tf, np.int32),
                   np.array(lengths, np.int32))

    def arrays(self) -> dict[str, np.ndarray]:
        return {"doc": self.doc, "term": self.term, "tf": self.tf, "lengths": self.lengths}

    def keep(self, rows: np.ndarray) -> TermCounts:
        """The counts of passages ``rows`` only (renumbered in that order)."""
        renumber = np.full(len(self.lengths), -1, np.int64)
        renumber[rows] = np.arange(len(rows))
        kept = renumber[self.doc] >= 0
        return TermCounts(self.terms, renumber[self.doc[kept]].astype(np.int32), self.term[kept], self.tf[kept],
                          self.lengths[rows])


class KeywordIndex:
    """BM25 over passages gathered from segments; ``get_scores`` gives one score per passage."""

    def __init__(self, segments: list[TermCounts]):
        self.vocab_dict: dict[str, int] = {}
        docs, terms, tfs, lengths = [], [], [], []
        offset = 0
        for counts in segments:
            to_global = np.fromiter((self.vocab_dict.setdefault(t, len(self.vocab_dict)) for t in counts.terms),
                                    np.int64, len(counts.terms))
            docs.append(counts.doc.astype(np.int64) + offset)
            terms.append(to_global[counts.term])
            tfs.append(counts.tf.astype(np.float32))
            lengths.append(counts.lengths)
            offset += len(counts.lengths)
        self.num_docs = offset
        doc = np.concatenate(docs) if docs else np.zeros(0, np.int64)
        term = np.concatenate(terms) if terms else np.zeros(0, np.int64)
        tf = np.concatenate(tfs) if tfs else np.zeros(0, np.float32)
        length = np.concatenate(lengths).astype(np.float32) if lengths else np.zeros(0, np.float32)
        df = np.bincount(term, minlength=len(self.vocab_dict)).astype(np.float32)
        idf = np.log(1 + (self.num_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
        self._idf = idf
        average = float(length.mean()) if len(length) else 1.0
        weight = idf[term] * tf / (K1 * ((1 - B) + B * length[doc] / average) + tf)
        order = np.argsort(term, kind="stable")
        self._docs = doc[order].astype(np.int32)
        self._weights = weight[order].astype(np.float32)
        self._starts = np.concatenate([[0], np.cumsum(df.astype(np.int64))])

    def idf(self, term: str) -> float:
        """BM25's inverse document frequency of ``term``; a term no passage holds weighs as much as one can."""
        row = self.vocab_dict.get(term)
        return float(self._idf[row]) if row is not None else math.log(1 + (self.num_docs + 0.5) / 0.5)

    def get_scores(self, terms: list[str]) -> np.ndarray:
        """BM25 score of every passage for the query ``terms`` (a term counted once per mention)."""
        scores = np.zeros(self.num_docs, np.float32)
        for token in terms:
            row = self.vocab_dict.get(token)
            if row is not None:
                start, end = self._starts[row], self._starts[row + 1]
                scores[self._docs[start:end]] += self._weights[start:end]  # a passage occurs once per term
        return scores
