"""The catalogue of actors: the curated list, the user's own file, and discovered actors.

* The curated list ships with the package (``data/actors.json``).
* The user's file (the ``user_actors`` setting, env ``ASSISTANT_USER_ACTORS``) adds actors,
  aliases and merges without editing the package. It is JSON::

      {"actors":  [{"id": ..., "type": ..., "name_en": ..., "name_ar": ..., "aliases_ar": [...]}],
       "aliases": {"actor-id": ["another spelling", ...]},
       "merges":  {"merged-id": "kept-id"}}

  ``add_alias`` and ``merge`` (the ``assistant actors alias|merge`` commands) write it.
* Discovered actors (``discovery``) are found in the articles at ingestion; an index
  generation keeps them, and ``use_discovered`` makes them known to ``actor_by_id``.

Relations store actor ids. A merge does not rewrite them: ``resolve`` maps a merged id to
the one kept, and the index applies it when it loads, so no re-embedding is needed.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..settings import Settings
from .folding import _alias_key
from .model import ACTOR_TYPES, Actor

ACTORS_PATH = Path(__file__).resolve().parent.parent / "data" / "actors.json"


class CatalogueError(ValueError):
    """A catalogue file is malformed, or an alias or merge cannot be applied; the message says why."""


@dataclass(frozen=True, eq=False)
class Catalogue:
    """The curated and user actors, merges applied; compared by identity, so it can key caches."""

    actors: tuple[Actor, ...]
    merged: dict[str, str] = field(default_factory=dict)  # merged id -> kept id
    by_id: dict[str, Actor] = field(default_factory=dict)
    # The user's aliases of discovered actors (id -> names): discovery finds them under that id.
    discovered_aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def resolve(self, actor_id: str) -> str:
        """The id ``actor_id`` stands for now: itself, or the actor it was merged into."""
        seen = set()
        while actor_id in self.merged and actor_id not in seen:
            seen.add(actor_id)
            actor_id = self.merged[actor_id]
        return actor_id

    def get(self, actor_id: str) -> Actor:
        """The actor with this id, after merges, curated, user or discovered (``KeyError`` if none)."""
        actor_id = self.resolve(actor_id)
        found = self.by_id.get(actor_id) or _DISCOVERED.get(actor_id)
        if found is None:
            raise KeyError(actor_id)
        return found


def _actor(entry: dict, where: str) -> Actor:
    try:
        actor = Actor(
            id=entry["id"],
            type=entry["type"],
            name_en=entry["name_en"],
            name_ar=entry["name_ar"],
            aliases_en=tuple(entry.get("aliases_en") or ()),
            aliases_ar=tuple(entry.get("aliases_ar") or ()),
            side=entry.get("side") or "",
            collective=bool(entry.get("collective")),
        )
    except (KeyError, TypeError) as error:
        raise CatalogueError(f"{where}: an actor entry lacks {error}") from error
    if actor.type not in ACTOR_TYPES:
        raise CatalogueError(f"{where}: actor {actor.id!r} has unknown type {actor.type!r}")
    return actor


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise CatalogueError(f"{path}: cannot read the actor file ({error})") from error


def _apply_user(actors: dict[str, Actor], user: dict, where: str) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """Add the user's actors and aliases to ``actors`` (in place); return the merges and the aliases
    of actors not in the list (discovered ones)."""
    for entry in user.get("actors") or ():
        actor = _actor(entry, where)
        if actor.id in actors:
            raise CatalogueError(f"{where}: actor id {actor.id!r} is already in the catalogue")
        actors[actor.id] = actor
    merged = dict(user.get("merges") or {})
    other: dict[str, tuple[str, ...]] = {}
    for actor_id, aliases in (user.get("aliases") or {}).items():
        if actor_id not in actors:
            other[actor_id] = tuple(aliases)  # a discovered actor's: discovery finds it by these names
            continue
        old = actors[actor_id]
        arabic = tuple(a for a in aliases if any("\u0600" <= c <= "\u06ff" for c in a))
        latin = tuple(a for a in aliases if a not in arabic)
        actors[actor_id] = dataclasses.replace(old, aliases_en=(*old.aliases_en, *latin),
                                               aliases_ar=(*old.aliases_ar, *arabic))
    for gone, kept in merged.items():
        if gone in actors and kept in actors:
            # The kept actor answers to every name of the merged one.
            old, folded_in = actors[kept], actors.pop(gone)
            actors[kept] = dataclasses.replace(
                old, aliases_en=(*old.aliases_en, folded_in.name_en, *folded_in.aliases_en),
                aliases_ar=(*old.aliases_ar, folded_in.name_ar, *folded_in.aliases_ar))
    return merged, other


@lru_cache(maxsize=8)
def _build(path: str, user_path: str, user_stamp: int) -> Catalogue:
    del user_stamp  # only part of the cache key: an edited user file is read again
    raw = _read_json(Path(path))
    actors: dict[str, Actor] = {}
    for entry in raw:
        actor = _actor(entry, path)
        if actor.id in actors:
            raise CatalogueError(f"{path}: duplicate actor id {actor.id!r}")
        actors[actor.id] = actor
    merged: dict[str, str] = {}
    other: dict[str, tuple[str, ...]] = {}
    if user_path:
        user = _read_json(Path(user_path))
        if not isinstance(user, dict):
            raise CatalogueError(f"{user_path}: expected an object with actors, aliases and merges")
        merged, other = _apply_user(actors, user, user_path)
    # One matching form must name one actor, or a mention would be a coin toss.
    owner: dict[str, str] = {}
    for actor in actors.values():
        for form in actor.forms:
            key = _alias_key(form)
            if owner.setdefault(key, actor.id) != actor.id:
                raise CatalogueError(f"{path}: {form!r} names both {owner[key]!r} and {actor.id!r}")
    return Catalogue(tuple(actors.values()), merged, dict(actors), other)


def user_actors_path() -> Path | None:
    """The user's actor file from the settings (``ASSISTANT_USER_ACTORS``), or None."""
    # Read on every actor look-up (thousands for a page of the Actors view): this one variable, as
    # ``load_settings`` reads it (an empty one counts as unset), not every setting.
    value = os.environ.get("ASSISTANT_USER_ACTORS", "")
    value = value if value.strip() else Settings.user_actors
    return Path(value) if value else None


def catalogue(path: str | Path | None = None, user_path: str | Path | None = None) -> Catalogue:
    """The catalogue now: the curated list (``path``, by default the package's) plus the user's file
    (``user_path``, by default the ``user_actors`` setting). Cached until the user file changes."""
    user = Path(user_path) if user_path else user_actors_path()
    stamp = user.stat().st_mtime_ns if user and user.exists() else 0
    return _build(str(path or ACTORS_PATH), str(user) if user and user.exists() else "", stamp)


def load_actors(path: str | Path | None = None) -> list[Actor]:
    """The curated and user actors (``assistant/data/actors.json`` by default); read once, then cached.

    Raises ``CatalogueError`` (a ``ValueError``) on an unknown type, a duplicate id, or one name
    given to two actors.
    """
    return list(catalogue(path).actors)


def actor_by_id(actor_id: str, path: str | Path | None = None) -> Actor:
    """The actor with this id, curated, user or discovered, after merges (``KeyError`` if none)."""
    return catalogue(path).get(actor_id)


def actor_type(actor_id: str) -> str:
    """The actor's type, or "" for an id missing from the catalogue (an index built with an older list)."""
    try:
        return str(actor_by_id(actor_id).type)  # a discovered actor's is an ActorType: writers want plain text
    except KeyError:
        return ""


# ---------------------------------------------------------------- discovered actors

_DISCOVERED: dict[str, Actor] = {}
# Bumped by every ``use_discovered``: what is worked out from the discovered actors is cached per value.
_DISCOVERED_VERSION = [0]


def use_discovered(actors: Iterable[Actor]) -> None:
    """Make these discovered actors known to ``actor_by_id`` (the index calls it when it loads)."""
    for actor in actors:
        _DISCOVERED[actor.id] = actor
    _DISCOVERED_VERSION[0] += 1


def discovered_actors() -> tuple[tuple[Actor, ...], int]:
    """The discovered actors known now (``use_discovered``), and a version that changes when they do."""
    return tuple(_DISCOVERED.values()), _DISCOVERED_VERSION[0]


# ---------------------------------------------------------------- editing the user's file

def _user_file(user_path: str | Path | None) -> tuple[Path, dict]:
    path = Path(user_path) if user_path else user_actors_path()
    if path is None:
        raise CatalogueError("no user actor file: set ASSISTANT_USER_ACTORS to a path (it is created if missing)")
    data = _read_json(path) if path.exists() else {}
    if not isinstance(data, dict):
        raise CatalogueError(f"{path}: expected an object with actors, aliases and merges")
    return path, data


def _write_user_file(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)


def _known(actor_id: str, cat: Catalogue) -> bool:
    try:
        cat.get(actor_id)
    except KeyError:
        return False
    return True


def add_alias(actor_id: str, alias: str, user_path: str | Path | None = None) -> Path:
    """Record ``alias`` as another name of ``actor_id`` in the user's file; returns the file."""
    alias = alias.strip()
    if not alias:
        raise CatalogueError("an alias cannot be empty")
    path, data = _user_file(user_path)
    cat = catalogue(user_path=path if path.exists() else None)
    if not _known(actor_id, cat):
        raise CatalogueError(f"no actor {actor_id!r} in the catalogue (curated, user or discovered)")
    actor_id = cat.resolve(actor_id)
    owner = {_alias_key(f): a.id for a in cat.actors for f in a.forms}.get(_alias_key(alias))
    if owner not in (None, actor_id):
        raise CatalogueError(f"{alias!r} already names {owner!r}; merge the two actors instead")
    aliases = data.setdefault("aliases", {}).setdefault(actor_id, [])
    if alias not in aliases:
        aliases.append(alias)
    _write_user_file(path, data)
    return path


def merge(gone: str, kept: str, user_path: str | Path | None = None) -> Path:
    """Merge actor ``gone`` into ``kept`` in the user's file: relations of either now name ``kept``."""
    path, data = _user_file(user_path)
    cat = catalogue(user_path=path if path.exists() else None)
    for actor_id in (gone, kept):
        if not _known(actor_id, cat):
            raise CatalogueError(f"no actor {actor_id!r} in the catalogue (curated, user or discovered)")
    if cat.resolve(gone) == cat.resolve(kept):
        raise CatalogueError(f"{gone!r} and {kept!r} are already one actor")
    data.setdefault("merges", {})[cat.resolve(gone)] = cat.resolve(kept)
    _write_user_file(path, data)
    return path
