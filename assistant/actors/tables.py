"""The tables the views need: each actor's cited facts, and the "who backs whom" graph."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from ..arabic import normalize
from ..chunking import sentence_spans
from ..corpus import Article
from .catalogue import actor_by_id, actor_type
from .extraction import _date_phrase, article_mentions
from .model import NAMED_WITH, RELATION_TYPES, SYMMETRIC_RELATIONS, Actor, ActorType, Relation
from .model import RelationType as R

# Relations by which one actor sponsors another: the edges of the "who backs whom" graph.
BACKING_RELATIONS = (R.BACKED_BY, R.FORMED_BY, R.TRAINED_BY)
# Rows of the actor table: armed groups first, then the other kinds.
_ROW_ORDER = ("armed_group", "force", "organisation", "company", "state", "person", "place")
_GROUPS = frozenset({ActorType.ARMED_GROUP, ActorType.FORCE})


@dataclass(frozen=True)
class ActorFact:
    """What an actor's row says about one other actor: ``relation`` to ``other_id``.

    ``evidence`` holds every relation that states it, in article order: one fact stated in
    two articles, or in 2013 and again in 2021, keeps both, so nothing is overwritten.
    """

    relation: str
    other_id: str
    evidence: tuple[Relation, ...]

    @property
    def earlier(self) -> bool:
        """True when every source says it held before ("earlier backed by Iran")."""
        return all(r.qualifier == "earlier" for r in self.evidence)


@dataclass(frozen=True)
class ActorRow:
    """One actor of the table and every cited fact about it, grouped by the other actor."""

    actor_id: str
    facts: tuple[ActorFact, ...]

    def of(self, *relations: str) -> list[ActorFact]:
        """The facts of the given relation types, in table order."""
        return [f for f in self.facts if f.relation in relations]

    @property
    def backers(self) -> list[ActorFact]:
        return self.of(R.BACKED_BY)

    @property
    def leaders(self) -> list[ActorFact]:
        return self.of(R.LED_BY)

    @property
    def places(self) -> list[ActorFact]:
        return self.of(NAMED_WITH)

    @property
    def others(self) -> list[ActorFact]:
        """Trained by, affiliated with, formed by, clashed with, defected to, part of."""
        return [f for f in self.facts if f.relation not in (R.BACKED_BY, R.LED_BY, NAMED_WITH)]


@dataclass(frozen=True)
class BackingEdge:
    """``backer_id`` backs, formed or trained ``group_id``; ``evidence`` says so, in article order."""

    backer_id: str
    group_id: str
    evidence: tuple[Relation, ...]

    @property
    def relations(self) -> tuple[str, ...]:
        """The kinds of backing stated, strongest first (backed, formed, trained)."""
        return tuple(k for k in BACKING_RELATIONS if any(r.relation == k for r in self.evidence))

    @property
    def earlier(self) -> bool:
        """True when every source says it held before."""
        return all(r.qualifier == "earlier" for r in self.evidence)


def backing_edges(relations: Iterable[Relation], backer: str | None = None) -> list[BackingEdge]:
    """The backer -> group edges stated by ``relations`` (backed-by, formed-by, trained-by).

    One edge per (backer, group), carrying every relation that states it; with ``backer``,
    only that backer's edges. Edges come in the order their first evidence appears.
    """
    edges: dict[tuple[str, str], list[Relation]] = {}
    for r in relations:
        if r.relation in BACKING_RELATIONS and (backer is None or r.object_id == backer):
            edges.setdefault((r.object_id, r.subject_id), []).append(r)
    return [BackingEdge(b, g, tuple(found)) for (b, g), found in edges.items()]


def backers(relations: Iterable[Relation]) -> list[str]:
    """Ids of the actors that back, formed or trained another, those backing most groups first."""
    count: dict[str, int] = {}
    for edge in backing_edges(relations):
        count[edge.backer_id] = count.get(edge.backer_id, 0) + 1
    return sorted(count, key=lambda a: (-count[a], a))


def places_named_with(articles: Iterable[Article], types: frozenset[str] = _GROUPS) -> list[Relation]:
    """Places named in one sentence with an actor of ``types`` (armed groups and forces).

    No rule states where a group *operates*, so these are not extracted relations: each
    record (``relation`` ``NAMED_WITH``) says only that the article names the actor and the
    place together, and cites that sentence (``article.text[start:end] == evidence``);
    ``date`` is a date phrase of the sentence, else the article's date. One record per
    actor, place and sentence. ``articles`` must be cleaned, like ``extract_relations``'.
    """
    found: list[Relation] = []
    for article in articles:
        text = article.text
        mentions, discovered = article_mentions(article)

        def kind(actor_id: str, discovered: dict = discovered) -> str:
            return discovered[actor_id].type if actor_id in discovered else actor_type(actor_id)

        for start, end in sentence_spans(text):
            inside = [m for m in mentions if start <= m.start and m.end <= end]
            places = dict.fromkeys(m.actor_id for m in inside if kind(m.actor_id) == ActorType.PLACE)
            actors = dict.fromkeys(m.actor_id for m in inside if kind(m.actor_id) in types)
            if not places or not actors:
                continue
            date = _date_phrase(text[start:end]) or article.date
            for actor in actors:
                for place in places:
                    found.append(Relation(actor, NAMED_WITH, place, article.id, text[start:end], start, end,
                                          date, "named in the same sentence", article.date, "same-sentence"))
    return found


def actor_table(relations: Iterable[Relation], places: Iterable[Relation] = (),
                backer: str | None = None) -> list[ActorRow]:
    """Every actor that ``relations`` say something about, with its facts grouped per other actor.

    A row is an actor that is the subject of a relation (either side of a symmetric one such
    as clashed-with); its facts are every relation of it, one ``ActorFact`` per (relation,
    other actor), plus the ``places`` records (``places_named_with``) of actors that have a
    row. With ``backer``, only the actors it backs, formed or trained (their facts stay
    whole: a group backed by Iran earlier and by Russia later shows both).

    Rows: armed groups first, then forces, organisations, companies, states, people; within
    a kind, the actor with most evidence first. Facts: backers, leaders, the other relations
    in ``RELATION_TYPES`` order, places last; within a relation, current before "earlier".
    """
    relations = list(relations)
    facts: dict[str, dict[tuple[str, str], list[Relation]]] = {}
    for r in relations:
        facts.setdefault(r.subject_id, {}).setdefault((r.relation, r.object_id), []).append(r)
        if r.relation in SYMMETRIC_RELATIONS:  # each side's row shows the other
            facts.setdefault(r.object_id, {}).setdefault((r.relation, r.subject_id), []).append(r)
    for r in places:
        if r.subject_id in facts:
            facts[r.subject_id].setdefault((r.relation, r.object_id), []).append(r)
    if backer is not None:
        backed = {e.group_id for e in backing_edges(relations, backer)}
        facts = {a: f for a, f in facts.items() if a in backed}
    order = {kind: i for i, kind in enumerate((*RELATION_TYPES, NAMED_WITH))}

    def fact_key(fact: ActorFact) -> tuple:
        return (order.get(fact.relation, len(order)), fact.earlier, -len(fact.evidence),
                fact.evidence[0].article_id, fact.evidence[0].start)

    rows = []
    for actor_id, by_other in facts.items():
        row_facts = [ActorFact(kind, other, tuple(found)) for (kind, other), found in by_other.items()]
        rows.append(ActorRow(actor_id, tuple(sorted(row_facts, key=fact_key))))

    def row_key(row: ActorRow) -> tuple:
        kind = actor_type(row.actor_id)
        stated = sum(len(f.evidence) for f in row.facts if f.relation != NAMED_WITH)
        rank = _ROW_ORDER.index(kind) if kind in _ROW_ORDER else len(_ROW_ORDER)
        return (rank, -stated, row.actor_id)

    return sorted(rows, key=row_key)


# ---------------------------------------------------------------- choosing and paging rows


class Origin(StrEnum):
    """Where the actors of a selection come from: any, recognised in the articles, or listed."""

    ALL = "all"
    DISCOVERED = "discovered"
    CURATED = "curated"  # the curated list or the user's file


def is_discovered(actor_id: str) -> bool:
    """Whether the actor was recognised in the articles rather than listed (False for an unknown id)."""
    try:
        return actor_by_id(actor_id).discovered
    except KeyError:
        return False


@functools.lru_cache(maxsize=1 << 16)
def _matching_forms(actor: Actor) -> tuple[str, ...]:
    return tuple(normalize(form) for form in (actor.id, *actor.forms))


@dataclass(frozen=True)
class ActorSelection:
    """Which rows of an actor table to show: ``text`` found in any name of the actor (either script,
    compared in ``arabic.normalize``'s matching form), of type ``kind`` ("" for any), from ``origin``."""

    text: str = ""
    kind: str = ""
    origin: Origin = Origin.ALL

    def __post_init__(self) -> None:
        object.__setattr__(self, "origin", Origin(self.origin))  # a clear ValueError on an unknown one
        if self.kind and self.kind not in tuple(ActorType):
            raise ValueError(f"unknown actor type {self.kind!r}; choose one of: {', '.join(ActorType)}")

    def matches(self, actor_id: str) -> bool:
        """Whether the actor ``actor_id`` is selected (an id missing from the catalogue counts as listed,
        and is found by its id)."""
        try:
            actor = actor_by_id(actor_id)
        except KeyError:
            actor = Actor(actor_id, "", actor_id, "")
        if self.origin is not Origin.ALL and actor.discovered != (self.origin is Origin.DISCOVERED):
            return False
        if self.kind and actor.type != self.kind:
            return False
        wanted = normalize(self.text.strip())
        return not wanted or any(wanted in form for form in _matching_forms(actor))

    def rows(self, rows: Iterable[ActorRow]) -> list[ActorRow]:
        """The selected ``rows``, in their order."""
        return [row for row in rows if self.matches(row.actor_id)]


@dataclass(frozen=True)
class Page:
    """One page of selected rows: ``rows`` are rows ``first``..``last`` (from 1) of ``total``,
    page ``number`` of ``pages``, ``size`` rows a page."""

    rows: tuple[ActorRow, ...]
    number: int
    pages: int
    total: int
    size: int

    @property
    def first(self) -> int:
        return (self.number - 1) * self.size + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0


def page_of(rows: Sequence[ActorRow], number: int, size: int) -> Page:
    """Page ``number`` (from 1; clamped to the pages there are) of ``rows``, ``size`` rows a page."""
    if size < 1:
        raise ValueError(f"a page holds at least one row, not {size}")
    pages = max(1, -(-len(rows) // size))
    number = min(max(1, int(number)), pages)
    return Page(tuple(rows[(number - 1) * size:number * size]), number, pages, len(rows), size)
