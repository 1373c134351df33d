"""The records every part of the actor package passes around: actors, mentions, relations."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum


class ActorType(StrEnum):
    """What kind of actor an entry is (str-valued: stored JSON keeps plain strings)."""

    ARMED_GROUP = "armed_group"
    STATE = "state"
    FORCE = "force"
    PERSON = "person"
    PLACE = "place"
    COMPANY = "company"
    ORGANISATION = "organisation"


class RelationType(StrEnum):
    """The relations the extractor states between two actors (subject <relation> object)."""

    BACKED_BY = "backed-by"
    TRAINED_BY = "trained-by"
    AFFILIATED_WITH = "affiliated-with"
    LED_BY = "led-by"
    FORMED_BY = "formed-by"
    CLASHED_WITH = "clashed-with"
    DEFECTED_TO = "defected-to"
    PART_OF = "part-of"


ACTOR_TYPES = frozenset(ActorType)
RELATION_TYPES = tuple(RelationType)
# Relations that hold both ways: "X clashed with Y" says Y clashed with X.
SYMMETRIC_RELATIONS = frozenset({RelationType.CLASHED_WITH})
# Relations stored by an index built before "member-of" was renamed: read as today's type.
_RENAMED = {"member-of": RelationType.PART_OF}


def relation_type(value: str) -> RelationType:
    """The ``RelationType`` named ``value`` (also an older stored name); ``ValueError`` if none."""
    return _RENAMED.get(value) or RelationType(value)


@dataclass(frozen=True)
class Actor:
    """One entry of the catalogue: a group, state, force, person, place, company or body.

    ``discovered`` is True for an actor recognised in the articles rather than listed by hand;
    ``collective`` for a description of many groups ("المعارضة"): it is named and searched,
    but never a side of a relation, which needs one identifiable actor.
    """

    id: str
    type: str
    name_en: str
    name_ar: str
    aliases_en: tuple[str, ...] = ()
    aliases_ar: tuple[str, ...] = ()
    side: str = ""
    discovered: bool = False
    collective: bool = False

    @property
    def forms(self) -> tuple[str, ...]:
        """Every name of the actor, English first, without repeats."""
        return tuple(dict.fromkeys([self.name_en, self.name_ar, *self.aliases_en, *self.aliases_ar]))


@dataclass(frozen=True)
class Mention:
    """An actor named in a text; ``text[start:end]`` is the name exactly as written.

    ``refers_to`` is set on a reference ("التنظيم", "هذا الجيش"): the name, as written earlier
    in the text, of the actor it stands for.
    """

    actor_id: str
    start: int
    end: int
    text: str
    refers_to: str = ""


@dataclass(frozen=True)
class Relation:
    """A relation stated in an article: ``subject_id`` <relation> ``object_id``.

    ``evidence`` is ``article.text[start:end]`` (the clause or sentence that states it);
    ``date`` is a date phrase found in that sentence, else the article's date;
    ``qualifier`` narrows the claim ("earlier", "a large group of it", ...).
    ``subject_text`` and ``object_text`` are the two names as the evidence writes them
    (empty for a side named only by a reference, or in an index built before they were kept).
    """

    subject_id: str
    relation: str
    object_id: str
    article_id: str
    evidence: str
    start: int
    end: int
    date: str = ""
    qualifier: str = ""
    article_date: str = ""
    rule: str = ""
    subject_text: str = ""
    object_text: str = ""

    def __post_init__(self) -> None:
        if self.relation != NAMED_WITH:  # a place record, not a relation
            object.__setattr__(self, "relation", relation_type(self.relation))

    def to_dict(self) -> dict:
        """A JSON-ready dictionary of every field."""
        return {k: str(v) if isinstance(v, StrEnum) else v for k, v in dataclasses.asdict(self).items()}


# Not an extracted relation: an actor and a place named in one sentence (``tables.places_named_with``).
NAMED_WITH = "named-with"
