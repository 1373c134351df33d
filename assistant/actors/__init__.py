"""Who is who: the actor catalogue, mention finding, actor discovery and relations.

Users of the assistant track which militia answers to whom. The package is laid out by job:

* ``catalogue``: the curated list (``data/actors.json``), the user's own file (aliases,
  merges, new actors) and the discovered actors, behind ``actor_by_id`` / ``load_actors``;
* ``mentions``: ``find_mentions`` finds every catalogue actor named in a text, in Arabic or
  English, with offsets into the text *as written*, so a citation can quote it verbatim;
* ``questions``: ``question_mentions`` finds the actors a question names, discovered ones too,
  also by Latin names no list holds;
* ``discovery``: actors no list holds, recognised from how Arabic news names them;
* ``rules``: the relation rules, the one place a new rule goes;
* ``extraction``: ``extract_relations`` / ``relations_for`` run the rules over each sentence
  and return relations whose evidence is a verbatim span of ``article.text``;
* ``tables``: ``actor_table`` and ``backing_edges`` arrange relations per actor and per
  backer, for the UI's Actors view and any other reader.

Relation extraction is conservative: a rule fires only on an explicit phrasing, because a
wrong "X is backed by Y" is worse for a user than a missing one.
"""

from .catalogue import (
    ACTORS_PATH,
    Catalogue,
    CatalogueError,
    actor_by_id,
    actor_type,
    add_alias,
    catalogue,
    discovered_actors,
    load_actors,
    merge,
    use_discovered,
)
from .discovery import DiscoveredActor, DiscoveredCatalogue, discover, transliterate
from .extraction import article_mentions, extract_relations, relations_for
from .folding import _QUOTES, _fold
from .mentions import find_mentions
from .model import (
    ACTOR_TYPES,
    NAMED_WITH,
    RELATION_TYPES,
    SYMMETRIC_RELATIONS,
    Actor,
    ActorType,
    Mention,
    Relation,
    RelationType,
    relation_type,
)
from .questions import LatinNames, known_mentions, question_mentions
from .tables import (
    BACKING_RELATIONS,
    ActorFact,
    ActorRow,
    ActorSelection,
    BackingEdge,
    Origin,
    Page,
    actor_table,
    backers,
    backing_edges,
    is_discovered,
    page_of,
    places_named_with,
)

__all__ = [
    "ACTORS_PATH", "ACTOR_TYPES", "BACKING_RELATIONS", "NAMED_WITH", "RELATION_TYPES", "SYMMETRIC_RELATIONS", "Actor",
    "ActorFact", "ActorRow", "ActorSelection", "ActorType", "BackingEdge", "Catalogue", "CatalogueError",
    "DiscoveredActor", "DiscoveredCatalogue", "LatinNames", "Mention", "Origin", "Page", "Relation", "RelationType",
    "_QUOTES", "_fold", "actor_by_id", "actor_table", "actor_type", "add_alias", "article_mentions", "backers",
    "backing_edges", "catalogue", "discover", "discovered_actors", "extract_relations", "find_mentions",
    "is_discovered", "known_mentions", "load_actors", "merge", "page_of", "places_named_with", "question_mentions",
    "relation_type", "relations_for", "transliterate", "use_discovered",
]
