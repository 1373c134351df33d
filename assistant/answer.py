"""Answers: the sentences that answer, picked from the best passages, each cited verbatim.

No generative model exists offline, so an answer is extractive: every claim is a span
of a cleaned article with its offsets (``article.text[start:end] == citation.text``).
When the passages are not close enough to the question, the answer says the corpus does
not answer it and shows the passages only as "related".
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field

from .arabic import tokenize
from .corpus import Article
from .retrieval import Hit, Query


@dataclass(frozen=True)
class Citation:
    """A verbatim span of a cleaned article: ``article.text[start:end] == text``."""

    article_id: str
    title: str
    source: str
    date: str
    text: str
    start: int
    end: int
    score: float

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Answer:
    """What ``ask`` returns.

    ``text`` is in the question's language, with markers [1], [2] referring to
    ``citations`` (1-based). ``answered`` is False when the corpus holds nothing that
    answers; then ``citations`` is empty and ``related`` may hold the closest passages.
    """

    answered: bool
    text: str
    citations: list[Citation]
    language: str
    related: list[Citation] = field(default_factory=list)
    facts: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "answered": self.answered,
            "text": self.text,
            "language": self.language,
            "citations": [c.to_dict() for c in self.citations],
            "related": [c.to_dict() for c in self.related],
            "facts": self.facts,
        }

    def to_json(self, **kwargs) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)


# A sentence ends at . ! ? ؟ followed by white space, or at a line break.
_SENTENCE_END = re.compile(r"(?<=[.!?؟])[\"”»’)]*\s+|\n+")
# Sentences longer than this are cut back to the passage that was retrieved.
_LONG_SENTENCE = 600


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``, surrounding white space excluded."""
    spans = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((start, match.start() + len(match.group(0).rstrip())))
        start = match.end()
    spans.append((start, len(text)))
    trimmed = []
    for s, e in spans:
        piece = text[s:e]
        s += len(piece) - len(piece.lstrip())
        e -= len(piece) - len(piece.rstrip())
        if e > s:
            trimmed.append((s, e))
    return trimmed


def best_span(article: Article, hit: Hit, query_terms: set[str]) -> tuple[int, int]:
    """The sentence (or two) of the hit's passage that best matches the question.

    Sentences mostly inside the passage compete on how many of the question's terms they
    hold; a tie (always the case for an English question with no Arabic names) goes to
    the sentence most covered by the passage.
    """
    chunk = hit.chunk
    candidates = []
    for start, end in sentence_spans(article.text):
        overlap = min(end, chunk.end) - max(start, chunk.start)
        if overlap <= 0:
            continue
        coverage = overlap / (end - start)
        if coverage < 0.5 and overlap < 0.5 * (chunk.end - chunk.start):
            continue
        matched = len(query_terms & set(tokenize(article.text[start:end])))
        candidates.append((matched, coverage, start, end))
    if not candidates:
        return chunk.start, chunk.end
    matched, _, start, end = max(candidates, key=lambda c: (c[0], c[1], -c[2]))
    if end - start > _LONG_SENTENCE:
        # A paragraph with no sentence stops: the retrieved passage is the better unit.
        start, end = max(start, chunk.start), min(end, chunk.end)
    elif end - start < 80:
        # A very short sentence ("Who said so?") rarely stands alone: take the next one.
        following = [c for c in candidates if c[2] >= end]
        if following:
            end = min(following, key=lambda c: c[2])[3]
    return start, end


def cite(article: Article, start: int, end: int, score: float) -> Citation:
    return Citation(article.id, article.title, article.source, article.date,
                    article.text[start:end], start, end, round(float(score), 4))


_NOT_FOUND = {
    "en": "The indexed articles do not answer this question.",
    "ar": "لا تجيب المقالات المفهرسة عن هذا السؤال.",
}


def _where(citation: Citation, number: int, language: str) -> str:
    outlet = citation.source or ("مصدر غير معروف" if language == "ar" else "outlet unknown")
    date = f", {citation.date}" if citation.date else ""
    return f"“{citation.title}” ({outlet}{date}) [{number}]"


def compose(query: Query, hits: list[Hit], articles: dict[str, Article], *, min_score: float,
            max_citations: int, facts: list[dict] | None = None, fact_text: str = "") -> Answer:
    """Turn ranked hits into an Answer, or an abstention when the best hit is too far."""
    best = max((h.dense for h in hits), default=0.0)
    if not hits or best < min_score:
        related = [cite(articles[h.chunk.article_id], h.chunk.start, h.chunk.end, h.dense) for h in hits[:3]]
        return Answer(False, _NOT_FOUND[query.language], [], query.language, related=related)

    terms = set(tokenize(query.text))
    for term in query.terms:
        terms.update(tokenize(term))
    citations: list[Citation] = []
    for hit in hits:
        if len(citations) >= max_citations:
            break
        if hit.dense < min_score and citations:
            continue
        article = articles[hit.chunk.article_id]
        start, end = best_span(article, hit, terms)
        if any(c.article_id == article.id and c.start < end and start < c.end for c in citations):
            continue  # the same sentence reached through an overlapping passage
        citations.append(cite(article, start, end, hit.score))

    if query.language == "ar":
        body = " ".join(f"«{c.text}» [{i}]" for i, c in enumerate(citations, 1))
        text = f"{fact_text}\n\n{body}" if fact_text else body
    else:
        places = "; ".join(_where(c, i, "en") for i, c in enumerate(citations, 1))
        body = (f"The closest answer is in {places}. The cited passages are quoted in the original Arabic; "
                "no translation model is available offline.")
        text = f"{fact_text}\n\n{body}" if fact_text else body
    return Answer(True, text, citations, query.language, facts=facts or [])
