"""The index on disk: FAISS vectors, BM25, the chunk table, the cleaned articles, a manifest.

Layout of an index folder::

    CURRENT              name of the live generation (replaced atomically)
    gen-<time>-<id>/     one complete, immutable index generation
        manifest.json    model, weights hash, dimension, normaliser, corpus fingerprint,
                         build time, and the sha256 of every file below
        vectors.faiss    FAISS index (inner product over normalised vectors)
        chunks.jsonl     the chunk table, row i = FAISS id i
        sentences.faiss  vectors of the sentence units (what a citation quotes)
        sentences.jsonl  the sentence table, row i = FAISS id i
        relations.jsonl  who backs, leads, trains... whom, with evidence spans (assistant.actors)
        discovered.jsonl actors found in the articles that no list holds (actors.discovery)
        articles.jsonl   the cleaned articles (the text citations point into)
        bm25/            bm25s arrays (JSON and .npy, loaded without pickle)
    .staging/            embeddings of an unfinished build, so a crash resumes

A build writes a new generation beside the live one and only then swaps ``CURRENT``:
a crash at any point leaves the previous index loadable.
"""

from __future__ import annotations

import dataclasses
import fcntl
import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import bm25s
import faiss
import numpy as np

from .actors import DiscoveredCatalogue, Relation, catalogue, discover, relations_for, use_discovered
from .arabic import NORMALIZER_VERSION, tokenize
from .chunking import Chunk, chunk_article, make_splitter, sentence_units
from .corpus import Article
from .settings import Settings

FORMAT_VERSION = 3
CURRENT = "CURRENT"
STAGING = ".staging"
# Embeddings of an unfinished build are saved this many chunks at a time.
STAGING_PART = 64

Progress = Callable[[int, int], None]


class IndexLoadError(RuntimeError):
    """The index cannot be used; the message says why and how to rebuild it."""


class IndexMissingError(IndexLoadError):
    pass


class IndexCorruptError(IndexLoadError):
    pass


class IndexMismatchError(IndexLoadError):
    pass


def rebuild_command(index_dir: Path) -> str:
    return f"assistant ingest corpus/ --index {index_dir} --rebuild"


@dataclass
class Index:
    """A loaded index generation."""

    path: Path
    manifest: dict
    articles: dict[str, Article]
    chunks: list[Chunk]
    vectors: faiss.Index
    bm25: bm25s.BM25 | None
    sentences: list[Chunk]
    sentence_vectors: faiss.Index
    relations: list[Relation]
    discovered: DiscoveredCatalogue = field(default_factory=DiscoveredCatalogue)

    @property
    def size(self) -> int:
        return len(self.chunks)

    def sentences_by_article(self) -> dict[str, list[int]]:
        """Rows of each article's sentence units, in text order."""
        rows: dict[str, list[int]] = {}
        for row, unit in enumerate(self.sentences):
            rows.setdefault(unit.article_id, []).append(row)
        return rows


@dataclass
class IngestReport:
    """What an ingestion did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    chunks_embedded: int = 0
    chunks_total: int = 0
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        return (f"{len(self.added)} added, {len(self.updated)} updated, {len(self.unchanged)} unchanged; "
                f"{self.chunks_embedded} chunks embedded, {self.chunks_total} in the index "
                f"({self.seconds:.1f} s); {len(self.problems)} problem(s)")


# ---------------------------------------------------------------- reading


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 22):
            digest.update(block)
    return digest.hexdigest()


def _read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def current_generation(index_dir: Path) -> Path:
    marker = index_dir / CURRENT
    if not marker.is_file():
        if index_dir.is_dir() and any(index_dir.glob("gen-*")):
            raise IndexCorruptError(f"{index_dir} has no {CURRENT} file; rebuild with: {rebuild_command(index_dir)}")
        raise IndexMissingError(f"no index at {index_dir}; build it with: assistant ingest corpus/ --index {index_dir}")
    generation = index_dir / marker.read_text().strip()
    if not generation.is_dir():
        raise IndexCorruptError(f"{marker} names a missing folder; rebuild with: {rebuild_command(index_dir)}")
    return generation


def read_manifest(index_dir: Path) -> dict:
    generation = current_generation(index_dir)
    try:
        return json.loads((generation / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise IndexCorruptError(f"{generation}/manifest.json is unreadable ({error}); "
                                f"rebuild with: {rebuild_command(index_dir)}") from error


def check_compatible(manifest: dict, model_info, index_dir: Path) -> None:
    """Refuse an index made by another model, normaliser or format."""
    problems = []
    if manifest.get("format") != FORMAT_VERSION:
        problems.append(f"format {manifest.get('format')} (this version reads {FORMAT_VERSION})")
    if manifest.get("normalizer_version") != NORMALIZER_VERSION:
        problems.append(f"normaliser {manifest.get('normalizer_version')} (now {NORMALIZER_VERSION})")
    if model_info is not None:
        if manifest.get("weights_sha256") != model_info.weights_sha256:
            problems.append(f"model {manifest.get('model')} with weights {str(manifest.get('weights_sha256'))[:12]}… "
                            f"(now {model_info.model} with {model_info.weights_sha256[:12]}…)")
        if manifest.get("dimension") != model_info.dimension:
            problems.append(f"dimension {manifest.get('dimension')} (model gives {model_info.dimension})")
        # int8 and fp32 vectors are close, not equal: one index holds vectors of one back-end
        if manifest.get("backend") != model_info.backend:
            problems.append(f"the {manifest.get('backend')} back-end (now {model_info.backend})")
    if problems:
        raise IndexMismatchError(f"the index at {index_dir} was built with " + "; ".join(problems)
                                 + f". Rebuild it with: {rebuild_command(index_dir)}")


def load_index(index_dir: Path, model_info=None, verify: bool = True) -> Index:
    """Load the live generation, verifying every file's hash and the model it was built with."""
    index_dir = Path(index_dir)
    generation = current_generation(index_dir)
    manifest = read_manifest(index_dir)
    check_compatible(manifest, model_info, index_dir)
    if verify:
        for name, expected in manifest.get("files", {}).items():
            path = generation / name
            if not path.is_file() or _sha256(path) != expected:
                raise IndexCorruptError(f"index file {path} is missing or damaged (hash mismatch); "
                                        f"rebuild with: {rebuild_command(index_dir)}")
    try:
        articles = {row["id"]: Article(**row) for row in _read_jsonl(generation / "articles.jsonl")}
        chunks = [Chunk(**row) for row in _read_jsonl(generation / "chunks.jsonl")]
        vectors = faiss.read_index(str(generation / "vectors.faiss"))
        sentences = [Chunk(**row) for row in _read_jsonl(generation / "sentences.jsonl")]
        sentence_vectors = faiss.read_index(str(generation / "sentences.faiss"))
        relations = [Relation(**row) for row in _read_jsonl(generation / "relations.jsonl")]
        discovered_path = generation / "discovered.jsonl"  # absent from indexes built before discovery
        discovered = DiscoveredCatalogue.from_jsonl(discovered_path.read_text("utf-8") if discovered_path.is_file()
                                                    else "")
        bm25 = bm25s.BM25.load(str(generation / "bm25"), show_progress=False) if chunks else None
    except (OSError, ValueError, TypeError, KeyError, RuntimeError) as error:
        raise IndexCorruptError(f"index at {generation} is unreadable ({error}); "
                                f"rebuild with: {rebuild_command(index_dir)}") from error
    if vectors.ntotal != len(chunks) or sentence_vectors.ntotal != len(sentences):
        raise IndexCorruptError(f"index at {generation} holds {vectors.ntotal} vectors for {len(chunks)} chunks; "
                                f"rebuild with: {rebuild_command(index_dir)}")
    use_discovered(actor.actor() for actor in discovered.actors.values())
    # Relations store actor ids: a merge in the user's catalogue applies here, without re-embedding.
    cat = catalogue()
    relations = [dataclasses.replace(r, subject_id=cat.resolve(r.subject_id), object_id=cat.resolve(r.object_id))
                 for r in relations]
    return Index(generation, manifest, articles, chunks, vectors, bm25, sentences, sentence_vectors, relations,
                 discovered)


# ---------------------------------------------------------------- writing


def corpus_fingerprint(articles: list[Article]) -> str:
    digest = hashlib.sha256()
    for article in sorted(articles, key=lambda a: a.id):
        digest.update(f"{article.id}\0{article.fingerprint}\n".encode())
    return digest.hexdigest()[:16]


def _write_jsonl(path: Path, rows) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())


def _replace_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + f".tmp-{uuid.uuid4().hex[:8]}")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def build_faiss(vectors: np.ndarray, settings: Settings) -> faiss.Index:
    """Exact inner-product search below ``settings.hnsw_threshold`` vectors, HNSW above.

    HNSW stores its vectors in float16: half the memory of float32 (what keeps a 300,000-passage index
    within 4 GB served), for a rounding far below the differences between neighbours.
    """
    dimension = vectors.shape[1]
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if len(vectors) >= settings.hnsw_threshold:
        index = faiss.IndexHNSWSQ(dimension, faiss.ScalarQuantizer.QT_fp16, settings.hnsw_m,
                                  faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = settings.hnsw_ef_construction
        index.hnsw.efSearch = settings.hnsw_ef_search
        index.train(vectors)  # float16 needs no statistics; faiss asks for the call all the same
    else:
        index = faiss.IndexFlatIP(dimension)
    if len(vectors):
        index.add(vectors)
    return index


def build_bm25(chunks: list[Chunk]) -> bm25s.BM25:
    bm25 = bm25s.BM25()
    # An empty token list would drop the document from bm25s' counts; keep a placeholder.
    bm25.index([tokenize(chunk.text) or ["\0"] for chunk in chunks], show_progress=False)
    return bm25


def _all_vectors(index: faiss.Index) -> np.ndarray:
    if index.ntotal == 0:
        return np.zeros((0, index.d), dtype=np.float32)
    return index.reconstruct_n(0, index.ntotal)


def write_generation(index_dir: Path, articles: list[Article], chunks: list[Chunk], vectors: np.ndarray | faiss.Index,
                     sentences: list[Chunk], sentence_vectors: np.ndarray | faiss.Index, relations: list[Relation],
                     model_info, settings: Settings, discovered: DiscoveredCatalogue | None = None) -> Path:
    """Write a complete generation and make it live; older generations are removed after.

    ``vectors`` and ``sentence_vectors`` are arrays (indexed here, ``build_faiss``) or FAISS indexes
    written as they are."""
    index_dir.mkdir(parents=True, exist_ok=True)
    name = f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}"
    tmp = index_dir / f".tmp-{name}"
    tmp.mkdir()
    _write_jsonl(tmp / "articles.jsonl", (a.to_dict() for a in articles))
    _write_jsonl(tmp / "chunks.jsonl", (c.to_dict() for c in chunks))
    for file_name, store in (("vectors.faiss", vectors), ("sentences.faiss", sentence_vectors)):
        store = store if isinstance(store, faiss.Index) else build_faiss(store, settings)
        faiss.write_index(store, str(tmp / file_name))
    _write_jsonl(tmp / "sentences.jsonl", (c.to_dict() for c in sentences))
    _write_jsonl(tmp / "relations.jsonl", (r.to_dict() for r in relations))
    (tmp / "discovered.jsonl").write_text((discovered or DiscoveredCatalogue()).to_jsonl(), "utf-8")
    if chunks:
        build_bm25(chunks).save(str(tmp / "bm25"))
    files = {str(p.relative_to(tmp)): _sha256(p) for p in sorted(tmp.rglob("*")) if p.is_file()}
    manifest = {
        "format": FORMAT_VERSION,
        "model": model_info.model,
        "weights_sha256": model_info.weights_sha256,
        "dimension": model_info.dimension,
        "backend": model_info.backend,
        "normalizer_version": NORMALIZER_VERSION,
        "corpus_fingerprint": corpus_fingerprint(articles),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "articles": len(articles),
        "chunks": len(chunks),
        "sentences": len(sentences),
        "relations": len(relations),
        "chunk_size": settings.chunk_size,
        "chunk_overlap": settings.chunk_overlap,
        "index_type": "hnsw" if len(chunks) >= settings.hnsw_threshold else "flat",
        "files": files,
    }
    (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
    _fsync_tree(tmp)
    final = index_dir / name
    tmp.rename(final)
    _replace_atomically(index_dir / CURRENT, name + "\n")
    for old in index_dir.iterdir():
        if old != final and old.is_dir() and (old.name.startswith("gen-") or old.name.startswith(".tmp-gen-")):
            shutil.rmtree(old, ignore_errors=True)
    return final


class _Lock:
    """An exclusive lock on the index folder, so two writers never interleave."""

    def __init__(self, index_dir: Path):
        index_dir.mkdir(parents=True, exist_ok=True)
        self.handle = open(index_dir / ".lock", "w")

    def __enter__(self):
        fcntl.flock(self.handle, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


def _embed_resumably(index_dir: Path, chunks: list[Chunk], titles: dict[str, str], encoder,
                     progress: Progress | None) -> np.ndarray:
    """Embed ``chunks``, saving parts under ``.staging`` so a killed build resumes where it stopped."""
    if not chunks:
        return np.zeros((0, encoder.info.dimension), dtype=np.float32)
    key = hashlib.sha256(("\n".join(c.id for c in chunks) + encoder.info.weights_sha256
                          + encoder.info.backend).encode()).hexdigest()[:16]
    staging = index_dir / STAGING / key
    staging.mkdir(parents=True, exist_ok=True)
    parts = []
    for number, start in enumerate(range(0, len(chunks), STAGING_PART)):
        batch = chunks[start:start + STAGING_PART]
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
            progress(min(start + STAGING_PART, len(chunks)), len(chunks))
    return np.concatenate(parts)


def _grows_in_place(store: faiss.Index, total: int, settings: Settings) -> bool:
    """Whether ``store`` is the HNSW graph the settings would build for ``total`` vectors, so that new
    vectors can be inserted into it rather than the graph rebuilt (HNSW cannot drop vectors: a replaced
    article still means a rebuild)."""
    return (isinstance(store, faiss.IndexHNSW) and total >= settings.hnsw_threshold
            and store.hnsw.nb_neighbors(1) == settings.hnsw_m
            and store.hnsw.efConstruction == settings.hnsw_ef_construction)


def _merge(units: list[Chunk], store: faiss.Index | None, replaced: set[str], new: list[Chunk],
           added: np.ndarray, settings: Settings) -> tuple[list[Chunk], np.ndarray | faiss.Index]:
    """The previous units of articles not replaced, then the new ones, with their vectors: an array to
    index, or, when articles were only added, the previous HNSW graph with the new vectors inserted (at
    300,000 passages a rebuild takes minutes)."""
    rows = [i for i, unit in enumerate(units) if unit.article_id not in replaced]
    if not rows:
        return new, added
    if len(rows) == len(units) and _grows_in_place(store, len(units) + len(new), settings):
        if len(added):
            store.add(np.ascontiguousarray(added, dtype=np.float32))
        return units + new, store
    return [units[i] for i in rows] + new, np.concatenate([_all_vectors(store)[rows], added])


def update_index(index_dir: Path, articles: list[Article], encoder_factory: Callable[[], object],
                 settings: Settings, rebuild: bool = False, progress: Progress | None = None,
                 model_info=None) -> IngestReport:
    """Add cleaned ``articles`` to the index at ``index_dir`` (creating it if needed).

    Unchanged articles are skipped, changed ones re-embedded, new ones added; articles
    already indexed and not given here are kept. ``encoder_factory`` is only called when
    something needs embedding. With ``rebuild`` the previous index is ignored.
    """
    started = time.perf_counter()
    index_dir = Path(index_dir)
    report = IngestReport()
    with _Lock(index_dir):
        previous = None
        if not rebuild:
            try:
                previous = load_index(index_dir, model_info)
            except IndexMissingError:
                previous = None
        kept_articles: dict[str, Article] = dict(previous.articles) if previous else {}
        todo: list[Article] = []
        for article in articles:
            old = kept_articles.get(article.id)
            if old is not None and old.fingerprint == article.fingerprint:
                report.unchanged.append(article.id)
                continue
            (report.updated if old is not None else report.added).append(article.id)
            kept_articles[article.id] = article
            todo.append(article)
        if not todo and previous is not None:
            report.chunks_total = previous.size
            report.seconds = time.perf_counter() - started
            return report

        replaced = {a.id for a in todo}
        splitter = make_splitter(settings.chunk_size, settings.chunk_overlap)
        new_chunks = [chunk for article in todo for chunk in chunk_article(article, splitter)]
        new_sentences = [unit for article in todo for unit in sentence_units(article, splitter)]
        encoder = encoder_factory()
        titles = {a.id: a.title for a in todo}
        new_vectors = _embed_resumably(index_dir, new_chunks + new_sentences, titles, encoder, progress)
        chunks, vectors = _merge(previous.chunks if previous else [], previous and previous.vectors, replaced,
                                 new_chunks, new_vectors[:len(new_chunks)], settings)
        sentences, sentence_vectors = _merge(previous.sentences if previous else [],
                                             previous and previous.sentence_vectors, replaced,
                                             new_sentences, new_vectors[len(new_chunks):], settings)
        # Relations are extracted at ingestion, for the new articles only; none is overwritten.
        relations = [r for r in (previous.relations if previous else []) if r.article_id not in replaced]
        relations += relations_for(todo)
        # Discovered actors: the catalogue so far, merged with what the new articles name.
        discovered = discover(todo, previous.discovered if previous else None)
        ordered_articles = sorted(kept_articles.values(), key=lambda a: a.id)
        write_generation(index_dir, ordered_articles, chunks, vectors, sentences, sentence_vectors, relations,
                         encoder.info, settings, discovered)
        shutil.rmtree(index_dir / STAGING, ignore_errors=True)
        report.chunks_embedded = len(new_chunks)
        report.chunks_total = len(chunks)
    report.seconds = time.perf_counter() - started
    return report
