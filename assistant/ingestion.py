"""Ingestion: raw articles -> the next index generation. The one way an index is written: the API and
CLI (``Assistant.ingest``), the UI's uploads, the evaluation harness (``evaluation.ensure_index``), the
benchmarks and Ray workers (``ray_workers``) all come through ``ingest``.

An ingestion cleans the articles, skips those already indexed unchanged, refuses to replace an
indexed article with other content unless asked to (``replace``), chunks and embeds the rest
(resumably: a killed ingestion picks up the embeddings it saved), extracts their relations, and
writes them as one new segment of the next generation (``storage``). Adding articles to a large index
neither reads nor rewrites what it holds: the previous segments and vector stores are carried over by
hard link and the new vectors stored beside them, until more than ``settings.compact_units`` passages
and sentences wait outside the stores; the ingestion after that compacts them in (the HNSW graph
grows in place) and joins their segments into one. Replacing an article drops its rows, so it always
compacts.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import faiss
import numpy as np

from .actors import DiscoveredCatalogue, discover, relations_for
from .chunking import Chunk, chunk_article, make_splitter, sentence_units
from .cleaning import clean_article
from .corpus import Article
from .distributed import ingest_encoder
from .keywords import TermCounts
from .settings import Settings
from .storage import (
    STAGING,
    Carried,
    IndexLock,
    IndexMissingError,
    Segment,
    all_vectors,
    build_faiss,
    catalog,
    check_compatible,
    current_generation,
    load_index,
    read_discovered,
    read_manifest,
    read_segment,
    write_generation,
)

# Embeddings of an unfinished ingestion are saved this many units at a time.
STAGING_PART = 64
KINDS = ("chunks", "sentences")

Progress = Callable[[int, int], None]


@dataclass
class IngestReport:
    """What an ingestion did. ``replaced`` are articles indexed before with other content, replaced
    because the ingestion was asked to (``replace``); without it they are ``problems``."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    chunks_embedded: int = 0
    chunks_total: int = 0
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    generation: str = ""  # the generation written; empty when nothing changed
    compacted: bool = False  # whether the vector stores were rewritten (else only the new segment was written)

    def summary(self) -> str:
        replaced = f" ({', '.join(self.replaced)})" if self.replaced else ""
        return (f"{len(self.added)} added, {len(self.replaced)} replaced{replaced}, {len(self.unchanged)} unchanged; "
                f"{self.chunks_embedded} chunks embedded, {self.chunks_total} in the index "
                f"({self.seconds:.1f} s); {len(self.problems)} problem(s)")


def _embed_resumably(index_dir: Path, units: list[Chunk], titles: dict[str, str], encoder,
                     progress: Progress | None) -> np.ndarray:
    """Embed ``units``, saving parts under ``.staging`` so a killed ingestion resumes where it stopped."""
    if not units:
        return np.zeros((0, encoder.info.dimension), dtype=np.float32)
    key = hashlib.sha256(("\n".join(c.id for c in units) + encoder.info.weights_sha256
                          + encoder.info.backend).encode()).hexdigest()[:16]
    staging = index_dir / STAGING / key
    staging.mkdir(parents=True, exist_ok=True)
    parts = []
    for number, start in enumerate(range(0, len(units), STAGING_PART)):
        batch = units[start:start + STAGING_PART]
        path = staging / f"part-{number:05d}.npy"
        vectors = None
        if path.is_file():
            try:
                vectors = np.load(path, allow_pickle=False)
                if vectors.shape != (len(batch), encoder.info.dimension):
                    vectors = None
            except (OSError, ValueError):
                vectors = None  # a part cut short by the crash: embed it again
        if vectors is None:
            vectors = encoder.encode_documents([c.text for c in batch], [titles[c.article_id] for c in batch])
            tmp = path.with_suffix(".tmp.npy")
            np.save(tmp, vectors)
            os.replace(tmp, path)
        parts.append(vectors)
        if progress:
            progress(min(start + STAGING_PART, len(units)), len(units))
    return np.concatenate(parts)


def _grows_in_place(store: faiss.Index, total: int, settings: Settings) -> bool:
    """Whether ``store`` is the index the settings would build for ``total`` vectors, so that new vectors
    can be added to it rather than it rebuilt: an exact index below the threshold, or the HNSW graph of
    these HNSW settings above it (HNSW cannot drop vectors: a replaced article still means a rebuild)."""
    if total < settings.hnsw_threshold:
        return isinstance(store, faiss.IndexFlat)
    return (isinstance(store, faiss.IndexHNSW) and store.hnsw.nb_neighbors(1) == settings.hnsw_m
            and store.hnsw.efConstruction == settings.hnsw_ef_construction)


def merge_store(store: faiss.Index | None, units: list[Chunk], replaced: set[str], added: np.ndarray,
                settings: Settings) -> faiss.Index:
    """The vectors of the previous ``units`` of articles not replaced, then ``added``: the previous store
    grown in place when nothing is dropped (at 300,000 passages an HNSW rebuild takes minutes), else a
    store built afresh."""
    rows = [i for i, unit in enumerate(units) if unit.article_id not in replaced]
    if store is not None and len(rows) == len(units) and _grows_in_place(store, len(units) + len(added), settings):
        if len(added):
            store.add(np.ascontiguousarray(added, dtype=np.float32))
        return store
    kept = all_vectors(store)[rows] if store is not None and rows else np.zeros((0, added.shape[1]), np.float32)
    return build_faiss(np.concatenate([kept, added]), settings)


def _appendable(manifest: dict, new: Segment, settings: Settings) -> bool:
    """Whether ``new`` can be written as a delta segment: every vector store stays the kind the
    settings would build, and few enough vectors wait outside them."""
    for kind in KINDS:
        total = manifest[kind] + len(getattr(new, kind))
        if (manifest["base"][kind] >= settings.hnsw_threshold) != (total >= settings.hnsw_threshold):
            return False
    waiting = sum(r["chunks"] + r["sentences"] for r in manifest["segments"] if r["delta"])
    return waiting + len(new.chunks) + len(new.sentences) <= settings.compact_units


def _without(segment: Segment, replaced: set[str]) -> Segment:
    rows = np.array([i for i, c in enumerate(segment.chunks) if c.article_id not in replaced], np.int64)
    return Segment([a for a in segment.articles if a.id not in replaced],
                   [segment.chunks[i] for i in rows],
                   [s for s in segment.sentences if s.article_id not in replaced],
                   [r for r in segment.relations if r.article_id not in replaced],
                   segment.keywords.keep(rows))


def _joined(segments: list[Segment]) -> Segment:
    """One segment of the rows of ``segments``, in order."""
    chunks = [c for s in segments for c in s.chunks]
    return Segment([a for s in segments for a in s.articles], chunks, [u for s in segments for u in s.sentences],
                   [r for s in segments for r in s.relations], TermCounts.of(c.text for c in chunks))


def _compact(index_dir: Path, generation: Path, manifest: dict, new: Segment, replaced: set[str], info,
             settings: Settings, fingerprints: dict[str, str], discovered: DiscoveredCatalogue) -> Path:
    """Write the next generation with every vector in its stores. The segments added since the last
    compaction (the deltas, always last) are joined with the new one, so that their number stays small;
    an earlier segment holding a replaced article is rewritten without it; the others are carried."""
    previous = load_index(index_dir, settings)
    stores = {"chunks": merge_store(previous.vectors, previous.chunks, replaced, new.chunk_vectors, settings),
              "sentences": merge_store(previous.sentence_vectors, previous.sentences, replaced,
                                       new.sentence_vectors, settings)}
    segments: list[Carried | Segment] = []
    recent: list[Segment] = []
    for record in manifest["segments"]:
        if record["delta"]:
            recent.append(_without(read_segment(generation / record["name"], delta=False), replaced))
            continue
        if not replaced:
            segments.append(Carried(record["name"], record))
            continue
        segment = read_segment(generation / record["name"], delta=False)
        if not any(a.id in replaced for a in segment.articles):
            segments.append(Carried(record["name"], record))
        elif (kept := _without(segment, replaced)).articles:
            segments.append(kept)
    return write_generation(index_dir, [*segments, _joined([*recent, new])], stores, generation, info, settings,
                            fingerprints, discovered)


def ingest(index_dir: Path, articles: list[Article], encoder_factory: Callable[[], object], settings: Settings,
           rebuild: bool = False, replace: bool = False, progress: Progress | None = None,
           ray_workers: int | None = None, notice: Callable[[str], None] | None = None) -> IngestReport:
    """Add ``articles`` (as read: they are cleaned here) to the index at ``index_dir``, creating it if needed.

    Unchanged articles are skipped; an indexed id with other content is refused (a problem naming it)
    unless ``replace``; new ones are added; indexed articles not given here are kept. With ``rebuild``
    the previous index is ignored. ``encoder_factory`` gives this process's encoder and is only called
    when something needs embedding on it: with ``ray_workers`` (default ``settings.ray_workers``) above
    0 the embedding runs on that many Ray workers instead. An ingestion that finds another one writing
    the index says so through ``notice`` (default: a logged warning) and waits for it, up to
    ``settings.ingest_lock_timeout`` seconds (then ``storage.IndexBusyError``). An index built by other
    shaping settings or another model is refused (``IndexMismatchError``, naming the rebuild command).
    """
    started = time.perf_counter()
    index_dir = Path(index_dir)
    report = IngestReport()
    cleaned = [clean_article(a) for a in articles]
    with IndexLock(index_dir, settings.ingest_lock_timeout, notice):
        generation, manifest, indexed = None, None, {}
        if not rebuild:
            try:
                generation = current_generation(index_dir)
                manifest = read_manifest(index_dir)
                check_compatible(manifest, index_dir, settings)
                indexed = catalog(generation, manifest, index_dir)
            except IndexMissingError:
                generation = None
        todo: list[Article] = []
        seen: set[str] = set()
        for article in cleaned:
            old = indexed.get(article.id)
            if article.id in seen:
                report.problems.append(f"article {article.id} is given twice; the first one is ingested")
                continue
            seen.add(article.id)
            if old is not None and old[1] == article.fingerprint:
                report.unchanged.append(article.id)
            elif old is not None and not replace:
                report.problems.append(f"article {article.id} is already indexed with other content; it was not "
                                       f"replaced (ingest with --replace, or replace=True, to replace it)")
            else:
                (report.replaced if old is not None else report.added).append(article.id)
                todo.append(article)
        if not todo and generation is not None:
            report.chunks_total = manifest["chunks"]
            report.seconds = time.perf_counter() - started
            return report

        splitter = make_splitter(settings.chunk_size, settings.chunk_overlap)
        chunks = [chunk for article in todo for chunk in chunk_article(article, splitter)]
        sentences = [unit for article in todo for unit in sentence_units(article, splitter)]
        with ingest_encoder(settings, ray_workers, local=encoder_factory) as encoder:
            if manifest is not None:
                check_compatible(manifest, index_dir, model_info=encoder.info)
            vectors = _embed_resumably(index_dir, chunks + sentences, {a.id: a.title for a in todo}, encoder,
                                       progress)
            info = encoder.info
        # Relations are extracted at ingestion, for the new articles only; none is overwritten.
        new = Segment(todo, chunks, sentences, relations_for(todo), None, vectors[:len(chunks)],
                      vectors[len(chunks):])
        # Discovered actors: the catalogue so far, merged with what the new articles name.
        discovered = discover(todo, read_discovered(generation) if generation is not None else None)
        fingerprints = {article_id: fingerprint for article_id, (_, fingerprint) in indexed.items()}
        fingerprints.update((a.id, a.fingerprint) for a in todo)
        replaced = set(report.replaced)
        if generation is None:
            stores = {"chunks": build_faiss(new.chunk_vectors, settings),
                      "sentences": build_faiss(new.sentence_vectors, settings)}
            written = write_generation(index_dir, [new], stores, None, info, settings, fingerprints, discovered)
            report.compacted = True
        elif not replaced and _appendable(manifest, new, settings):
            carried = [Carried(record["name"], record) for record in manifest["segments"]]
            written = write_generation(index_dir, [*carried, new], None, generation, info, settings, fingerprints,
                                       discovered)
        else:
            written = _compact(index_dir, generation, manifest, new, replaced, info, settings, fingerprints,
                               discovered)
            report.compacted = True
        shutil.rmtree(index_dir / STAGING, ignore_errors=True)
        report.generation = written.name
        report.chunks_embedded = len(chunks)
        report.chunks_total = read_manifest(index_dir)["chunks"]
    report.seconds = time.perf_counter() - started
    return report
