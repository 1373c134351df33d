"""Answers: the sentences that answer, picked from the best passages, each cited verbatim.

No generative model exists offline, so an answer is extractive: every claim is a span
of a cleaned article with its offsets (``article.text[start:end] == citation.text``).
When the passages are not close enough to the question, the answer says the corpus does
not answer it and shows the passages only as "related".
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

from .actors import find_mentions, is_discovered, known_mentions
from .answerability import Answerability, Evidence, features
from .arabic import normalize
from .corpus import Article
from .english import english_line
from .retrieval import Hit, Query
from .sentences import Candidate, SentenceScorer, default_scorer, question_kind, scored_candidates


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
    ``confidence`` is the answerability model's probability that the first citation holds the
    answer (of the span it would have cited, when it abstains); None where no model decided (an
    answer from the extracted relations, the old cosine rule, or no candidate at all). ``question`` is the
    question as ``ask`` searched it (checked: stripped, control characters gone); "" where the answer was
    composed without ``ask``.
    """

    answered: bool
    text: str
    citations: list[Citation]
    language: str
    related: list[Citation] = field(default_factory=list)
    facts: list[dict] = field(default_factory=list)
    confidence: float | None = None
    question: str = ""

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "answered": self.answered,
            "confidence": self.confidence,
            "text": self.text,
            "language": self.language,
            "citations": [c.to_dict() for c in self.citations],
            "related": [c.to_dict() for c in self.related],
            "facts": self.facts,
        }

    def to_json(self, **kwargs) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)


def cite(article: Article, start: int, end: int, score: float) -> Citation:
    return Citation(article.id, article.title, article.source, article.date,
                    article.text[start:end], start, end, round(float(score), 4))



_NOT_FOUND = {
    "en": "The indexed articles do not answer this question.",
    "ar": "لا تجيب المقالات المفهرسة عن هذا السؤال.",
}


_NOT_SAID = {
    "en": "The indexed articles name {x} but do not say that.",
    "ar": "تذكر المقالات المفهرسة {x} لكنها لا تذكر ذلك.",
}
_NOT_NAMED = {
    "en": "The indexed articles do not name {x}.",
    "ar": "لا تذكر المقالات المفهرسة {x}.",
}


@dataclass(frozen=True)
class Subject:
    """The group a question is about: its answer cites only paragraphs that name it.

    ``actor_id`` is a listed or discovered actor (matched by any spelling, ``actors.find_mentions`` and
    ``actors.known_mentions``); a group neither holds has ``actor_id`` "" and is matched by its name as
    asked. ``name`` is shown, in the question's language.
    """

    name: str
    actor_id: str = ""

    def named_in(self, text: str) -> bool:
        if self.actor_id:
            # ``find_mentions`` caches per text and catalogue, so an edited user file or newly discovered
            # actors are seen.
            found = known_mentions(text) if is_discovered(self.actor_id) else find_mentions(text)
            return any(m.actor_id == self.actor_id for m in found)
        return normalize(self.name) in normalize(text)


def _paragraph(text: str, start: int, end: int) -> str:
    """The paragraph (between blank lines) around ``text[start:end]``."""
    before = text.rfind("\n\n", 0, start)
    after = text.find("\n\n", end)
    return text[before + 2 if before >= 0 else 0: after if after >= 0 else len(text)]


def _where(citation: Citation, markers: str) -> str:
    outlet = citation.source or "outlet unknown"
    date = f", {citation.date}" if citation.date else ""
    return f"“{citation.title}” ({outlet}{date}) {markers}"


def _english_text(query: Query, citations: list[Citation]) -> str:
    """The English line of the first citation (``english.english_line``), then where the answer was found,
    one mention per article with all its markers."""
    by_article: dict[str, list[int]] = {}
    for number, citation in enumerate(citations, 1):
        by_article.setdefault(citation.article_id, []).append(number)
    first = {c.article_id: c for c in reversed(citations)}
    places = "; ".join(_where(first[a], "".join(f"[{n}]" for n in numbers)) for a, numbers in by_article.items())
    line = english_line(query.text, question_kind(query.question, "en"), citations[0].text, citations[0].date)
    return ((f"{line.text} " if line else "") + f"The closest answer is in {places}. The cited passages are quoted "
            "in the original Arabic; no translation model is available offline.")


def candidates(query: Query, hits: list[Hit], articles: dict[str, Article], *, min_score: float,
               scorer: SentenceScorer | None = None, about: Subject | None = None,
               rarity: Mapping[str, float] | None = None) -> tuple[list[Candidate], Evidence | None]:
    """The spans ``compose`` may cite, best first, and what the answerability model weighs (None when there
    is no span to cite).

    Without ``about``, the sentences of the hits at or above ``min_score`` (of all hits when none is); with it,
    those of every hit whose paragraph names the group. ``rarity`` weighs the question's terms for the
    answerability model (``Evidence.rarity``).
    """
    scorer = scorer or default_scorer()
    if about is not None:
        # Only what a paragraph naming the group says; one further from the question than others counts too.
        scored = [item for item in scored_candidates(query, hits, articles, scorer)
                  if about.named_in(_paragraph(articles[item[0].article_id].text, item[0].start, item[0].end))]
    else:
        scored = scored_candidates(query, [h for h in hits if h.dense >= min_score] or hits, articles, scorer)
    evidence = Evidence(query, hits, scored[0][1], scored[0][0].score, dict(rarity or {})) if scored else None
    return [candidate for candidate, _ in scored], evidence


def compose(query: Query, hits: list[Hit], articles: dict[str, Article], *, min_score: float,
            max_citations: int, scorer: SentenceScorer | None = None, about: Subject | None = None,
            answerability: Answerability | None = None, threshold: float | None = None,
            rarity: Mapping[str, float] | None = None) -> Answer:
    """Turn ranked hits into an Answer, or an abstention when the corpus does not answer.

    The sentences of the best passages are weighed by ``scorer`` (``default_scorer()``; a cosine-only one
    for an ablation): the best becomes the first citation, then the next best. With ``answerability``, the
    answer's ``confidence`` is its probability that the first citation answers. With a ``threshold``, the
    answer abstains when the model's probability that the corpus answers is below it (the model decides);
    without (the old rule), it abstains when the best hit's cosine is below ``min_score``. With ``about``, only
    spans whose paragraph names that group are cited, and only when the best hit is also at or above
    ``min_score``; else the answer says that the articles name it but do not say, or do not name it.
    """
    ranked, evidence = candidates(query, hits, articles, min_score=min_score, scorer=scorer, about=about,
                                  rarity=rarity)
    close = max((h.dense for h in hits), default=0.0) >= min_score
    judgement = (answerability.judge(features(evidence, articles))
                 if answerability is not None and evidence is not None else None)
    confidence = round(judgement.confidence, 4) if judgement is not None else None
    if threshold is None:
        supported = close
    else:
        supported = judgement is not None and judgement.answerable >= threshold
    # A question about a group is answered, as before the model, only when its passages are also close enough.
    if about is not None and (not ranked or not supported or not close):
        named = bool(ranked) or any(about.named_in(articles[h.chunk.article_id].text) for h in hits)
        text = (_NOT_SAID if named else _NOT_NAMED)[query.language].format(x=about.name)
        return Answer(False, text, [], query.language, confidence=confidence)
    if not ranked or not supported:
        related = [cite(articles[h.chunk.article_id], h.chunk.start, h.chunk.end, h.dense) for h in hits[:3]]
        return Answer(False, _NOT_FOUND[query.language], [], query.language, related=related, confidence=confidence)
    citations: list[Citation] = []
    for candidate in ranked:
        if len(citations) >= max_citations:
            break
        if any(c.article_id == candidate.article_id and c.start < candidate.end and candidate.start < c.end
               for c in citations):
            continue  # the same sentence reached through an overlapping passage
        citations.append(cite(articles[candidate.article_id], candidate.start, candidate.end, candidate.score))

    if query.language == "ar":
        text = " ".join(f"«{c.text}» [{i}]" for i, c in enumerate(citations, 1))
    else:
        text = _english_text(query, citations)
    return Answer(True, text, citations, query.language, confidence=confidence)
