"""Structured facts: allegiance questions answered from the relations extracted at ingestion.

"Who backs Liwa al-Quds?", "Who leads al-Baqir?", "Which militias does Russia back?",
"من يدعم لواء القدس؟" are answered by a short statement built from the relations
(``actors.extract_relations``), in the question's language, every part cited by the
verbatim evidence span that states it. A question about a known actor for which the
articles state no such relation is not answered: the articles name the actor but do
not say, and saying so beats quoting the nearest passage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .actors import Relation, actor_by_id, find_mentions
from .answer import Answer, Citation, cite
from .arabic import normalize
from .corpus import Article

# The actor types a "who leads/backs X" question can be about (X), and those that back.
_SUBJECT_TYPES = {"armed_group", "force", "organisation", "company"}
_BACKER_TYPES = {"state", "force", "organisation", "armed_group"}


@dataclass(frozen=True)
class Intent:
    """What an allegiance question asks: ``relations`` of ``actor_id`` (or, when
    ``inverse``, which actors stand in ``relations`` to it)."""

    relations: tuple[str, ...]
    actor_id: str
    inverse: bool = False


# (pattern on the normalised question, relations asked, inverse). First match wins.
_EN = [
    (r"\bwhich (militias|groups|forces|factions|formations)\b.*\b(back|backs|backed|support|supports|supported|"
     r"sponsor|sponsors|sponsored)\b", ("backed-by",), True),
    (r"\bwhich (militias|groups|forces|factions|formations)\b.*\b(formed|created|established|form|create)\b",
     ("formed-by",), True),
    (r"\bwho (leads|led|commands|commanded|heads|headed|runs|ran|founded)\b|\b(leader|commander|head|chief|"
     r"founder)s? of\b", ("led-by",), False),
    (r"\bwho (backs|backed|supports|supported|funds|funded|sponsors|sponsored|is behind|stands behind)\b|"
     r"\bbacked by whom\b|\bbackers?\b", ("backed-by", "defected-to"), False),
    (r"\bwho (trained|trains|trained)\b|\btrained by whom\b", ("trained-by",), False),
    (r"\bwho (formed|created|established|set up)\b", ("formed-by",), False),
    (r"\baffiliated\b|\bloyal to\b", ("affiliated-with",), False),
    (r"\bdefect", ("defected-to",), False),
]
_AR = [
    (r"(الميليشيات|الفصايل|المجموعات|التشكيلات|القوات)\s+(المدعومه|التي تدعمها|التي يدعمها|التي دعمتها|الموالي)",
     ("backed-by",), True),
    (r"(الميليشيات|الفصايل|المجموعات|التشكيلات)\s+التي\s+(شكلتها|شكلها|انشاتها|اسستها)", ("formed-by",), True),
    (r"\bمن\s+(يقود|قاد|يتزعم|تزعم|يراس|قايد|زعيم|اسس)\b|\bقايد\s", ("led-by",), False),
    (r"\bمن\s+(يدعم|دعم|يمول|مول|يساند|يقف وراء)\b|\bالجهه الداعمه\b", ("backed-by", "defected-to"), False),
    (r"\bمن\s+(درب|يدرب)\b", ("trained-by",), False),
    (r"\bمن\s+(شكل|انشا)\b", ("formed-by",), False),
    (r"\b(يتبع|تتبع|التابع|الموالي)\b", ("affiliated-with",), False),
    (r"\bانشق", ("defected-to",), False),
]
_PATTERNS = {"en": [(re.compile(p), r, i) for p, r, i in _EN],
             "ar": [(re.compile(normalize(p)), r, i) for p, r, i in _AR]}


def parse_intent(question: str, language: str, context: str = "") -> Intent | None:
    """The allegiance question asked, if ``question`` is one about an actor in the list.

    The kind of question is read from ``question`` alone; the actor from ``question``, or,
    for a follow-up ("Who leads it?"), from ``context`` (the earlier turn).
    """
    norm = normalize(question)
    for pattern, relations, inverse in _PATTERNS[language]:
        if not pattern.search(norm):
            continue
        allowed = _BACKER_TYPES if inverse else _SUBJECT_TYPES
        for text in (question, context):
            for mention in find_mentions(text):
                if actor_by_id(mention.actor_id).type in allowed:
                    return Intent(relations, mention.actor_id, inverse)
        return None
    return None


_LABELS = {
    "en": {"backed-by": "backed by", "trained-by": "trained by", "affiliated-with": "affiliated with",
           "led-by": "led by", "formed-by": "formed by", "clashed-with": "clashed with",
           "defected-to": "defected to", "member-of": "part of"},
    "ar": {"backed-by": "مدعوم من", "trained-by": "درّبه", "affiliated-with": "يتبع", "led-by": "بقيادة",
           "formed-by": "شكّله", "clashed-with": "اشتبك مع", "defected-to": "انشق قسم منه إلى",
           "member-of": "جزء من"},
}
_INVERSE_LABELS = {
    "en": {"backed-by": "Backed by {x}", "formed-by": "Formed by {x}"},
    "ar": {"backed-by": "الميليشيات المدعومة من {x}", "formed-by": "الميليشيات التي شكّلتها {x}"},
}
_QUALIFIERS_AR = {"earlier": "سابقاً"}
_NO_FACT = {
    "en": "The indexed articles name {x} but do not say {what}.",
    "ar": "تذكر المقالات المفهرسة {x} لكنها لا تذكر {what}.",
}
_WHAT = {
    "en": {"led-by": "who leads it", "backed-by": "who backs it", "trained-by": "who trained it",
           "formed-by": "who formed it", "affiliated-with": "what it is affiliated with",
           "defected-to": "that it defected"},
    "ar": {"led-by": "من يقوده", "backed-by": "من يدعمه", "trained-by": "من درّبه", "formed-by": "من شكّله",
           "affiliated-with": "لمن يتبع", "defected-to": "أنه انشق"},
}


def _name(actor_id: str, language: str) -> str:
    actor = actor_by_id(actor_id)
    return actor.name_ar if language == "ar" else actor.name_en


def _when(relation: Relation) -> str:
    return relation.date or relation.article_date


class _Citations:
    """Numbers evidence spans as they are first cited; one span, one number."""

    def __init__(self, articles: dict[str, Article]):
        self.articles = articles
        self.items: list[Citation] = []
        self._numbers: dict[tuple[str, int, int], int] = {}

    def marker(self, relation: Relation) -> str:
        key = (relation.article_id, relation.start, relation.end)
        if key not in self._numbers:
            self.items.append(cite(self.articles[relation.article_id], relation.start, relation.end, 1.0))
            self._numbers[key] = len(self.items)
        return f"[{self._numbers[key]}]"


def answer_from_relations(intent: Intent, relations: list[Relation], articles: dict[str, Article],
                          language: str) -> Answer:
    """The structured, cited answer to ``intent``; ``answered`` is False when no relation says."""
    key = "object_id" if intent.inverse else "subject_id"
    found = [r for r in relations if getattr(r, key) == intent.actor_id and r.relation in intent.relations
             and r.article_id in articles]
    subject = _name(intent.actor_id, language)
    if not found:
        what = _WHAT[language].get(intent.relations[0], "")
        text = _NO_FACT[language].format(x=subject, what=what)
        return Answer(False, text, [], language)
    citations = _Citations(articles)
    # Plain claims first, then qualified ones ("earlier"), so the current state leads.
    found.sort(key=lambda r: (intent.relations.index(r.relation), r.qualifier == "earlier", bool(r.qualifier)))
    parts: list[str] = []
    groups: dict[tuple[str, str, str], list[Relation]] = {}
    for relation in found:
        other = relation.subject_id if intent.inverse else relation.object_id
        qualifier = relation.qualifier if relation.qualifier in ("earlier", "a large group of it") else ""
        groups.setdefault((relation.relation, other, qualifier), []).append(relation)
    for (kind, other, qualifier), items in groups.items():
        markers = "".join(citations.marker(r) for r in items)
        name = _name(other, language)
        dates = sorted({_when(r) for r in items if r.date})
        when = f" ({', '.join(dates)})" if dates else ""
        if intent.inverse:
            parts.append(f"{name}{when} {markers}")
            continue
        if language == "ar":
            if qualifier == "a large group of it":
                label = "انشقت مجموعة كبيرة منه إلى" if kind == "defected-to" else _LABELS["ar"][kind]
                parts.append(f"{label} {name}{when} {markers}")
                continue
            lead = f"{_QUALIFIERS_AR[qualifier]} " if qualifier else ""
            parts.append(f"{lead}{_LABELS['ar'][kind]} {name}{when} {markers}")
        else:
            lead = f"{qualifier}: " if qualifier == "a large group of it" else (f"{qualifier} " if qualifier else "")
            parts.append(f"{lead}{_LABELS['en'][kind]} {name}{when} {markers}")
    if intent.inverse:
        head = _INVERSE_LABELS[language][intent.relations[0]].format(x=subject)
        text = f"{head}: " + ("، ".join(parts) if language == "ar" else ", ".join(parts)) + "."
    else:
        text = f"{subject}: " + ("؛ ".join(parts) if language == "ar" else "; ".join(parts)) + "."
    facts = [r.to_dict() for r in found]
    return Answer(True, text, citations.items, language, facts=facts)
