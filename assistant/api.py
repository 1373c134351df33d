"""The one Python API that the CLI, the UI and the evaluation harness stand on."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from pathlib import Path

from . import ingestion
from .actors import (
    Actor,
    ActorRow,
    BackingEdge,
    Relation,
    actor_by_id,
    actor_table,
    backers,
    backing_edges,
    is_discovered,
    load_actors,
    places_named_with,
    question_mentions,
)
from .answer import Answer, Subject, candidates, compose
from .answerability import Evidence, default_model
from .arabic import is_arabic
from .corpus import Article, read_articles
from .embedding import Encoder, get_encoder
from .export import backer_colours, export_actors, export_answer, export_graph
from .facts import Intent, answer_from_relations, named_group, parse_intent, question_kind
from .ingestion import IngestReport
from .inputs import QuestionError, check_history, check_question
from .retrieval import Hit, Query, Retriever, SearchMode, contextualize, resolve_follow_up
from .sentences import COSINE_ONLY
from .settings import Settings, load_settings
from .storage import Index, current_marker, load_index
from .timeline import TimelinePoint, timeline

__all__ = ["Assistant", "QuestionError", "SearchMode", "actors", "ask", "default_assistant", "relations"]


class Assistant:
    """Questions and ingestion over one index folder.

    ``Assistant()`` uses ``index/`` at the repository root (or ``ASSISTANT_INDEX_DIR``);
    ``Assistant(index_dir=...)`` any other. ``encoder`` is any ``embedding.Encoder`` (a test's
    fake, a cache); by default the configured model, loaded once per process, on first use.
    """

    def __init__(self, index_dir: str | Path | None = None, settings: Settings | None = None,
                 encoder: Encoder | None = None):
        self.settings = (settings or load_settings()).with_(
            **({"index_dir": Path(index_dir)} if index_dir is not None else {}))
        self.index_dir = Path(self.settings.index_dir)
        self._encoder = encoder
        self._index: Index | None = None
        self._retriever: Retriever | None = None
        self._marker = None  # what CURRENT looked like when the loaded generation was read
        self._swapping = 0  # ingestions of this assistant loading the generation they wrote
        self._places: tuple[Index, list[Relation]] | None = None  # (generation, its place records)
        self._places_lock = threading.Lock()  # one computation per generation, however many ask
        self._tables: tuple[Index, dict[str | None, list[ActorRow]]] | None = None  # (generation, backer -> rows)
        # Guards the loaded generation and its retriever, swapped whole while other threads answer.
        self._lock = threading.RLock()

    # ------------------------------------------------------------ loading

    @property
    def encoder(self) -> Encoder:
        """The encoder given, else the configured model's (loaded on first use)."""
        return self._encoder if self._encoder is not None else get_encoder(self.settings)

    def _load(self) -> tuple[Index, Retriever, tuple | None]:
        marker = current_marker(self.index_dir)  # read before the generation: a later swap is then noticed
        index = load_index(self.index_dir, self.settings, self.encoder.info)
        return index, Retriever(index, self.settings), marker

    @property
    def index(self) -> Index:
        """The live generation of the index, loaded (and verified) on first use, and again when another
        process (or ingestion) has made a new generation live: ``CURRENT`` is looked at on each use."""
        with self._lock:
            if self._index is None or (not self._swapping and current_marker(self.index_dir) != self._marker):
                self._index, self._retriever, self._marker = self._load()
            return self._index

    @property
    def retriever(self) -> Retriever:
        """The retriever over ``index``."""
        with self._lock:
            self.index  # noqa: B018 - loads the live generation and its retriever
            return self._retriever

    def articles(self) -> list[Article]:
        """The indexed (cleaned) articles, in id order."""
        return sorted(self.index.articles.values(), key=lambda a: a.id)

    def relations(self, actor: str | None = None) -> list[Relation]:
        """Relations extracted from the indexed articles; with ``actor`` (an id or any
        name of a listed or discovered actor), only those where it is subject or object."""
        found = self.index.relations
        if actor is None:
            return list(found)
        ids = {actor} | {m.actor_id for m in question_mentions(actor)}
        return [r for r in found if r.subject_id in ids or r.object_id in ids]

    def places(self) -> list[Relation]:
        """Places named in one sentence with an armed group or force in the indexed articles
        (``actors.places_named_with``); worked out once per index generation."""
        with self._lock:
            index = self.index
        with self._places_lock:
            if self._places is None or self._places[0] is not index:
                self._places = (index, places_named_with(index.articles[i] for i in sorted(index.articles)))
            return self._places[1]

    def actor_table(self, backer: str | None = None) -> list[ActorRow]:
        """Each actor the indexed articles relate, with its backers, leaders, places named
        with it and other relations, every fact with its evidence (``actors.actor_table``);
        with ``backer`` (an actor id), only the actors it backs, formed or trained. Worked out once
        per index generation and backer (the Actors view pages and filters it on every click)."""
        with self._lock:
            index = self.index
        places = self.places()
        with self._places_lock:
            if self._tables is None or self._tables[0] is not index:
                self._tables = (index, {})
            tables = self._tables[1]
            if backer not in tables:
                tables[backer] = actor_table(index.relations, places, backer)
            return list(tables[backer])

    def backing_edges(self, backer: str | None = None) -> list[BackingEdge]:
        """Who backs, formed or trained whom, as backer -> group edges with their evidence
        (``actors.backing_edges``); with ``backer``, only that backer's edges."""
        return backing_edges(self.index.relations, backer)

    def timeline(self, actor: str) -> list[TimelinePoint]:
        """``actor``'s relations (an id or any name of a listed or discovered actor) placed in time, each date
        resolved against its article's (``timeline.timeline``)."""
        with self._lock:
            index = self.index
        actor_id = actor if any(actor in (r.subject_id, r.object_id) for r in index.relations) else next(
            (m.actor_id for m in question_mentions(actor)), actor)
        return timeline(actor_id, index.relations, index.articles)

    def backers(self) -> list[str]:
        """Ids of the actors that back, formed or trained a group, the most active first."""
        return backers(self.index.relations)

    # ------------------------------------------------------------ exports

    def export_answer(self, answer: Answer, fmt: str = "markdown", question: str = "") -> str:
        """``answer`` as Markdown or JSON ("markdown", "json"), each citation with its title,
        outlet, date, URL, quoted span and offsets (``export.answer_record``)."""
        return export_answer(fmt, answer, self.index.articles, question)

    def export_actors(self, fmt: str = "csv", backer: str | None = None) -> str:
        """The actor table (``actor_table(backer)``) as CSV or JSON ("csv", "json"), every fact
        with its cited statements and their resolved dates."""
        return export_actors(fmt, self.actor_table(backer), self.index.articles)

    def export_graph(self, fmt: str = "graphml", backer: str | None = None) -> str:
        """The backing graph (``backing_edges(backer)``) as GraphML, GEXF or SVG ("graphml",
        "gexf", "svg"); an SVG's colours are those of the page."""
        with self._lock:
            index = self.index
        colours = backer_colours(backers(index.relations))
        return export_graph(fmt, backing_edges(index.relations, backer), index.articles, colours)

    # ------------------------------------------------------------ ingestion

    def ingest(self, paths: list[str | Path], rebuild: bool = False,
               progress: Callable[[int, int], None] | None = None,
               ray_workers: int | None = None, replace: bool = False,
               notice: Callable[[str], None] | None = None) -> IngestReport:
        """Read, clean, chunk and embed the articles under ``paths`` into the index (``ingestion.ingest``).

        Bad files and lines, and indexed articles given with other content (unless ``replace``), are
        reported in ``IngestReport.problems``; the rest is ingested. ``ray_workers`` (default
        ``settings.ray_workers``) above 0 embeds on that many Ray workers (``assistant.distributed``);
        the index is the same. Questions go on being answered from the live generation while this
        runs; once written, the new generation is loaded and swapped in whole. ``notice`` hears that
        another ingestion is writing the index and this one waits (default: a logged warning).
        """
        result = read_articles(paths, self.settings)
        report = self.add_articles(result.articles, rebuild=rebuild, progress=progress, ray_workers=ray_workers,
                                   replace=replace, notice=notice)
        report.problems = [str(p) for p in result.problems] + report.problems
        return report

    def add_articles(self, articles: list[Article], rebuild: bool = False,
                     progress: Callable[[int, int], None] | None = None, ray_workers: int | None = None,
                     replace: bool = False, notice: Callable[[str], None] | None = None) -> IngestReport:
        """``ingest`` for articles already read (the harness's data sets): cleaned, chunked, embedded and
        written as ``ingest`` does, and the new generation swapped in."""
        report = ingestion.ingest(self.index_dir, articles, lambda: self.encoder, self.settings,
                                  rebuild=rebuild, replace=replace, progress=progress, ray_workers=ray_workers,
                                  notice=notice)
        if report.generation:
            with self._lock:
                loaded = self._index is not None
                self._swapping += loaded  # questions meanwhile keep the generation they have
            if loaded:
                try:
                    swap = self._load()
                finally:
                    with self._lock:
                        self._swapping -= 1
                with self._lock:
                    self._index, self._retriever, self._marker = swap
        return report

    # ------------------------------------------------------------ questions

    def check_question(self, question: str) -> str:
        """The question as it will be searched (``inputs.check_question``), or a ``QuestionError``."""
        return check_question(question, self.settings)

    def understand(self, question: str, history: list[dict] | None = None,
                   follow_ups: bool = True, structured: bool = True) -> tuple[Query, Intent | None]:
        """The retrieval query for a question in a chat (``history`` oldest first), and what
        it asks about a listed actor when it is such a question (``facts.parse_intent``).

        The one place that decides what is searched. A question that asks only a recognised
        thing about one actor ("Who backs Quds Brigade?", "أين ينتشر لواء القدس؟") is searched
        as its intent's canonical query, so that every listed spelling in either language
        retrieves the same passages; any other question is searched as asked, made
        self-contained with the chat when it is a follow-up. Without ``structured`` (an
        ablation) no actor knowledge is used.

        Both inputs are checked first (``assistant.inputs``): a ``QuestionError`` says what is wrong.
        """
        question = self.check_question(question)
        history = check_history(history, self.settings)
        language = "ar" if is_arabic(question) else "en"
        # A follow-up about the group the chat was about is asked again with its name ("ومن يقودها؟" after
        # "Who leads the al-Baqir militia?" is "ومن يقود لواء الباقر؟"), structured answers included.
        resolved = resolve_follow_up(question, history) if follow_ups else None
        asked = resolved.text if resolved else question
        text = asked if resolved or not follow_ups else contextualize(question, history)
        intent = parse_intent(asked, language, text if text != asked else "") if structured else None
        about = resolved.actor_id if resolved else ""
        if intent is not None and intent.only:
            text = intent.search_text
        elif about and language == "en":
            # The articles write the group's Arabic name, which BM25 then matches and dense search leans on.
            text = f"{text} ({actor_by_id(about).name_ar})"
        return Query(question=question, text=text, language=language, about=about), intent

    def ask(self, question: str, history: list[dict] | None = None, *, mode: SearchMode | str = SearchMode.HYBRID,
            follow_ups: bool = True, structured: bool = True, exclude: frozenset[str] = frozenset()) -> Answer:
        """Answer ``question`` from the index, citing verbatim spans.

        ``history`` is the chat so far as ``{"role": "user"|"assistant", "content": str}``
        messages, oldest first; follow-up questions use it. Allegiance questions ("Who backs
        X?", "من يقود X؟") are answered from the extracted relations, each part cited (about a
        discovered actor the relations say nothing of, from the passages that name it).
        ``mode`` (a ``SearchMode``, or its name), ``follow_ups`` and ``structured`` exist for
        ablations. ``exclude`` names articles answered from as if they were not indexed (neither their passages
        nor their relations): how the harness asks with a question's article taken away. A question or history
        that cannot be asked raises ``QuestionError``.
        """
        mode = SearchMode(mode)
        query, intent = self.understand(question, history, follow_ups, structured)
        with self._lock:  # one index generation for the whole answer, even if an ingest swaps it
            index = self.index
            retriever = self.retriever
        articles = {k: a for k, a in index.articles.items() if k not in exclude} if exclude else index.articles
        if intent is not None and intent.relations:
            # ``answer_from_relations`` cites only relations whose article it is given.
            answer = answer_from_relations(intent, index.relations, articles, query.language)
            # The rules read only some of the ways news states a relation of an actor no list holds: what they
            # miss, a passage naming it may say (its answer cites only such passages).
            if answer.answered or not is_discovered(intent.actor_id):
                return dataclasses.replace(answer, question=query.question)
        vector = self.encoder.encode_queries([query.text])[0]
        answer = self.compose(query, intent, retriever.search(query, vector, mode=mode, exclude=exclude), articles,
                              retriever)
        return dataclasses.replace(answer, question=query.question)

    def _answer_options(self, query: Query, intent: Intent | None, retriever: Retriever) -> dict:
        # The cosine floor belongs to the language searched, and a canonical query is Arabic.
        arabic = query.language == "ar" or (intent is not None and intent.only)
        return dict(min_score=self.settings.min_score_ar if arabic else self.settings.min_score_en,
                    scorer=None if self.settings.sentence_scorer else COSINE_ONLY,
                    about=self.subject(query, intent) if self.settings.grounding else None,
                    rarity=retriever.rarity(query))

    def compose(self, query: Query, intent: Intent | None, hits: list[Hit], articles: dict[str, Article],
                retriever: Retriever | None = None) -> Answer:
        """The answer ``ask`` gives from ``hits`` (``search``'s), by these settings: how ``ask`` ends.
        ``retriever`` is the one the hits came from (the live generation's by default): the question's term
        rarities are read from the same index generation as the hits."""
        return compose(query, hits, articles, max_citations=self.settings.max_citations,
                       answerability=default_model(),
                       threshold=self.refusal_point(query) if self.settings.answerability else None,
                       **self._answer_options(query, intent, retriever or self.retriever))

    def refusal_point(self, query: Query) -> float:
        """Below this probability that the corpus answers, the model abstains (``Settings.answer_threshold_*``)."""
        return self.settings.answer_threshold_en if query.language == "en" else self.settings.answer_threshold_ar

    def evidence(self, query: Query, intent: Intent | None, hits: list[Hit],
                 articles: dict[str, Article]) -> Evidence | None:
        """What the answerability model weighs for the answer ``compose`` gives from ``hits`` (None: nothing to
        cite); ``benchmarks/fit_answerability.py`` fits the model on it."""
        return candidates(query, hits, articles, **self._answer_options(query, intent, self.retriever))[1]

    def subject(self, query: Query, intent: Intent | None) -> Subject | None:
        """The group whose fighters, leaders, places or backers ``query`` asks about, named in the question
        (listed, or by its head noun: "لواء الإمام الحسين", "the Rijal al-Karama movement"), or the one a
        follow-up was resolved to (``Query.about``); None otherwise."""
        # A follow-up resolved to a group ("Where are its fighters trained?") is about that group.
        if intent is not None or query.about:
            actor = actor_by_id(intent.actor_id if intent is not None else query.about)
            return Subject(actor.name_ar if query.language == "ar" else actor.name_en, actor.id)
        if question_kind(query.question, query.language) is None:
            return None
        name = named_group(query.question, query.language)
        if name is None:
            return None
        listed = question_mentions(name)
        return Subject(name, listed[0].actor_id if listed else "")

    def search(self, question: str, history: list[dict] | None = None, *,
               mode: SearchMode | str = SearchMode.HYBRID, follow_ups: bool = True, structured: bool = True,
               exclude: frozenset[str] = frozenset()) -> tuple[Query, list[Hit]]:
        """The ranked passages behind an answer (what ``ask`` cites from), best first; ``exclude`` names articles
        searched as if they were not indexed (``Retriever.search``)."""
        mode = SearchMode(mode)
        query, _ = self.understand(question, history, follow_ups, structured)
        vector = self.encoder.encode_queries([query.text])[0]
        with self._lock:
            retriever = self.retriever
        return query, retriever.search(query, vector, mode=mode, exclude=exclude)


_default: Assistant | None = None
_default_lock = threading.Lock()


def default_assistant() -> Assistant:
    """The process-wide assistant over the default index."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Assistant()
        return _default


def ask(question: str, history: list[dict] | None = None) -> Answer:
    """Answer ``question`` from the index under ``index/``; see ``Assistant.ask``."""
    return default_assistant().ask(question, history)


def actors() -> list[Actor]:
    """The bilingual actor list: groups, states, forces, people, places, with every spelling."""
    return load_actors()


def relations(actor: str | None = None) -> list[Relation]:
    """Who backs, leads, trains... whom, as extracted from the index under ``index/``."""
    return default_assistant().relations(actor)
