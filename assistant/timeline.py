"""An actor's relations on a time axis: who backed, trained, led it... and when, as the articles say.

Each relation's date is resolved at this point (``dates.relation_date``: its sentence's
phrase against its article's date), never stored resolved, so a better resolver changes
every timeline at once. Three stretches of the axis, in this order:

* ``EARLIER``: relations the article says held before, with no date ("كان دعمه إيراني
  سابقاً" in an undated article): they precede whatever else the articles state.
* ``DATED``: relations with a resolved date, in chronological order. An "earlier" relation
  dated only by its article's metadata held *before* that date and sorts just before it.
* ``UNDATED``: the rest, in article order.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .actors import NAMED_WITH, Relation
from .corpus import Article
from .dates import ResolvedDate, parse_metadata, relation_date


class Stretch(StrEnum):
    """Where on the axis a point lies (see the module's docstring)."""

    EARLIER = "earlier"
    DATED = "dated"
    UNDATED = "undated"


@dataclass(frozen=True)
class TimelinePoint:
    """One relation of an actor placed in time.

    ``other_id`` is the other actor; ``outgoing`` is True when the actor is the relation's
    subject ("Liwa al-Quds backed-by Russia" on Liwa al-Quds' timeline), False when it is the
    object ("Russia" on Russia's). ``before`` is True when the relation held before ``date``
    (an "earlier" claim dated by its article only).
    """

    relation: Relation
    other_id: str
    outgoing: bool
    date: ResolvedDate
    stretch: Stretch
    before: bool = False

    def to_dict(self) -> dict:
        """The relation's fields (as ``Relation.to_dict``), and where it lies in time."""
        return {**self.relation.to_dict(), "other_id": self.other_id, "outgoing": self.outgoing,
                "resolved_date": self.date.to_dict(), "stretch": self.stretch.value, "before": self.before}


def point_of(relation: Relation, actor_id: str, article: Article) -> TimelinePoint:
    """``relation`` as a point of ``actor_id``'s timeline, dated against ``article``."""
    outgoing = relation.subject_id == actor_id
    other = relation.object_id if outgoing else relation.subject_id
    earlier = relation.qualifier == "earlier"
    # The extractor stores the article's date when the sentence has no phrase of its own.
    from_sentence = bool(relation.date) and relation.date != article.date
    date = relation_date(relation.date, article.date) if from_sentence else parse_metadata(article.date)
    if not date.known:
        stretch = Stretch.EARLIER if earlier else Stretch.UNDATED
    else:
        stretch = Stretch.DATED
    return TimelinePoint(relation, other, outgoing, date, stretch, before=earlier and date.known and not from_sentence)


def timeline(actor_id: str, relations: list[Relation], articles: dict[str, Article]) -> list[TimelinePoint]:
    """Every relation of ``actor_id`` (as subject or object) from the articles in ``articles``,
    placed in time: the "earlier" undated ones first, then the dated ones in date order, then
    the undated ones in article order (see the module's docstring)."""
    points = [point_of(r, actor_id, articles[r.article_id]) for r in relations
              if actor_id in (r.subject_id, r.object_id) and r.relation != NAMED_WITH and r.article_id in articles]
    order = list(Stretch)

    def key(point: TimelinePoint) -> tuple:
        when = point.date.sort_key if point.stretch is Stretch.DATED else ()
        return (order.index(point.stretch), when, not point.before, point.relation.article_id, point.relation.start)

    return sorted(points, key=key)
