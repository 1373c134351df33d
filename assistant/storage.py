"""The index on disk: generations of segments, their manifest, the writers' lock, loading and writing.

Layout of an index folder::

    CURRENT                  name of the live generation (replaced atomically)
    .lock                    held by the one ingestion writing (``IndexLock``)
    .staging/                embeddings of an unfinished ingestion, so a killed one resumes
    gen-<time>-<id>/         one complete, immutable generation
        manifest.json        format, model, weights hash, dimension, back-end, normaliser, every
                             setting that shapes the index, the segments in row order, and the
                             sha256, size and modification time of every file below
        discovered.jsonl     the actors the articles name that no list holds (actors.discovery)
        vectors.faiss        the passage vectors of the compacted segments (the base store)
        sentences.faiss      the sentence-unit vectors of the compacted segments
        seg-<n>/             what one ingestion added
            articles.jsonl   the cleaned articles (the text citations point into)
            catalog.json     their ids and content fingerprints
            chunks.jsonl     the passages; rows follow the segments' order across the index
            sentences.jsonl  the sentence units (what a citation quotes)
            relations.jsonl  who backs, leads, trains... whom, with evidence spans (assistant.actors)
            keywords.json    the segment's terms; keywords.npz their counts (keywords.py)
            chunk_vectors.npy, sentence_vectors.npy
                             the vectors of a segment not yet compacted into the base stores

An ingestion writes a new generation beside the live one, carrying every unchanged file over by
hard link, and only then swaps ``CURRENT``: a crash at any point leaves the previous generation
loadable. The generation before the live one is kept, so that a process still loading it is not
cut short; older ones are removed.

Loading verifies every file's size and modification time against the manifest and hashes only the
files whose time differs (a file rewritten since it was recorded); ``verify_index`` (``assistant
verify``) hashes everything.
"""

from __future__ import annotations

import dataclasses
import errno
import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import faiss
import numpy as np

from .actors import DiscoveredCatalogue, Relation, catalogue, use_discovered
from .arabic import NORMALIZER_VERSION
from .chunking import Chunk
from .corpus import Article
from .keywords import KeywordIndex, TermCounts
from .settings import Settings

log = logging.getLogger(__name__)

FORMAT_VERSION = 4
CURRENT = "CURRENT"
STAGING = ".staging"
LOCK = ".lock"
BASE_FILES = {"chunks": "vectors.faiss", "sentences": "sentences.faiss"}
DELTA_FILES = {"chunks": "chunk_vectors.npy", "sentences": "sentence_vectors.npy"}
DISCOVERED = "discovered.jsonl"
# The settings that decide what an index holds: a changed one means a rebuild.
SHAPING_SETTINGS = ("chunk_size", "chunk_overlap", "hnsw_threshold", "hnsw_m", "hnsw_ef_construction")
_GENERATION = re.compile(r"gen-[0-9A-Za-z-]+")


class IndexLoadError(RuntimeError):
    """The index cannot be used; the message says why and how to rebuild it."""


class IndexMissingError(IndexLoadError):
    """There is no index in the folder yet."""


class IndexCorruptError(IndexLoadError):
    """A file of the index is missing, damaged or unreadable; the message names it."""


class IndexMismatchError(IndexLoadError):
    """The index was built by another model, back-end, normaliser, format or setting."""


class IndexBusyError(RuntimeError):
    """Another ingestion held the index's lock for longer than ``settings.ingest_lock_timeout``."""


def rebuild_command(index_dir: Path) -> str:
    return f"assistant ingest corpus/ --index {index_dir} --rebuild"


def _corrupt(index_dir: Path, what: str) -> IndexCorruptError:
    return IndexCorruptError(f"{what}; rebuild with: {rebuild_command(index_dir)}")


@dataclass
class Index:
    """A loaded index generation: every segment's rows in order, one store per kind of vector."""

    path: Path
    manifest: dict
    articles: dict[str, Article]
    chunks: list[Chunk]
    vectors: faiss.Index
    bm25: KeywordIndex | None
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
class Segment:
    """What one segment holds, in memory. ``chunk_vectors``/``sentence_vectors`` are kept beside it
    on disk only while it is a delta (not yet in the base stores)."""

    articles: list[Article]
    chunks: list[Chunk]
    sentences: list[Chunk]
    relations: list[Relation]
    keywords: TermCounts | None = None
    chunk_vectors: np.ndarray | None = None
    sentence_vectors: np.ndarray | None = None

    def vectors(self, kind: str) -> np.ndarray | None:
        return self.chunk_vectors if kind == "chunks" else self.sentence_vectors


# ---------------------------------------------------------------- CURRENT and the manifest


def current_marker(index_dir: Path) -> tuple[int, int, int] | None:
    """What changes whenever ``CURRENT`` is replaced (inode, time, size): a cheap test, on every
    question, for a generation written by another process. None when there is no ``CURRENT``."""
    try:
        stat = os.stat(Path(index_dir) / CURRENT)
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


def current_generation(index_dir: Path) -> Path:
    """The folder ``CURRENT`` names; every way ``CURRENT`` can be damaged is an ``IndexCorruptError``."""
    index_dir = Path(index_dir)
    marker = index_dir / CURRENT
    try:
        raw = marker.read_bytes()
    except FileNotFoundError:
        if index_dir.is_dir() and any(index_dir.glob("gen-*")):
            raise _corrupt(index_dir, f"{marker} is missing but generations are present") from None
        raise IndexMissingError(f"no index at {index_dir}; build it with: "
                                f"assistant ingest corpus/ --index {index_dir}") from None
    except OSError as error:
        raise _corrupt(index_dir, f"{marker} is unreadable ({error})") from error
    try:
        name = raw.decode("ascii").strip()
    except UnicodeDecodeError:
        raise _corrupt(index_dir, f"{marker} is damaged (not a generation name)") from None
    if not name:
        raise _corrupt(index_dir, f"{marker} is empty")
    if not _GENERATION.fullmatch(name):
        raise _corrupt(index_dir, f"{marker} is damaged (names {name[:40]!r}, not a generation)")
    generation = index_dir / name
    if not generation.is_dir():
        raise _corrupt(index_dir, f"{marker} names a missing folder {name}")
    return generation


def _manifest_of(generation: Path, index_dir: Path) -> dict:
    path = generation / "manifest.json"
    try:
        manifest = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise _corrupt(index_dir, f"{path} is unreadable ({error})") from error
    if not isinstance(manifest, dict):
        raise _corrupt(index_dir, f"{path} is damaged (not a JSON object)")
    return manifest


def read_manifest(index_dir: Path) -> dict:
    """The live generation's manifest."""
    return _manifest_of(current_generation(index_dir), Path(index_dir))


def shaping(settings: Settings) -> dict:
    """The settings recorded in a manifest because they decide what the index holds."""
    return {name: getattr(settings, name) for name in SHAPING_SETTINGS}


def check_compatible(manifest: dict, index_dir: Path, settings: Settings | None = None, model_info=None) -> None:
    """Refuse an index made by another format, normaliser, shaping setting or model, naming each
    difference and the rebuild command."""
    problems = []
    if manifest.get("format") != FORMAT_VERSION:
        problems.append(f"format {manifest.get('format')} (this version reads {FORMAT_VERSION})")
    else:
        if manifest.get("normalizer_version") != NORMALIZER_VERSION:
            problems.append(f"normaliser {manifest.get('normalizer_version')} (now {NORMALIZER_VERSION})")
        if settings is not None:
            recorded = manifest.get("settings", {})
            for name, value in shaping(settings).items():
                if recorded.get(name) != value:
                    problems.append(f"{name} {recorded.get(name)} (now {value}, ASSISTANT_{name.upper()})")
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


def catalog(generation: Path, manifest: dict, index_dir: Path) -> dict[str, tuple[str, str]]:
    """Every indexed article id -> (its segment, its content fingerprint), without reading the texts."""
    found: dict[str, tuple[str, str]] = {}
    for segment in manifest.get("segments", []):
        path = generation / segment["name"] / "catalog.json"
        try:
            fingerprints = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError) as error:
            raise _corrupt(index_dir, f"index file {path} is unreadable ({error})") from error
        for article_id, fingerprint in fingerprints.items():
            found[article_id] = (segment["name"], fingerprint)
    return found


# ---------------------------------------------------------------- integrity


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 22):
            digest.update(block)
    return digest.hexdigest()


def _check_files(generation: Path, manifest: dict, index_dir: Path, full: bool) -> list[str]:
    """The damaged files of a generation: missing, another size, or (hashed when ``full`` or when
    their modification time is not the one recorded) another content."""
    problems = []
    for name, record in manifest.get("files", {}).items():
        path = generation / name
        try:
            stat = path.stat()
        except OSError:
            problems.append(f"index file {path} is missing")
            continue
        if stat.st_size != record.get("size"):
            problems.append(f"index file {path} is damaged (size {stat.st_size:,}, recorded {record.get('size'):,})")
        elif (full or stat.st_mtime_ns != record.get("mtime_ns")) and sha256_file(path) != record.get("sha256"):
            problems.append(f"index file {path} is damaged (hash mismatch)")
    return problems


def verify_index(index_dir: Path) -> list[str]:
    """Hash every file of the live generation against its manifest: the problems found (none: sound)."""
    index_dir = Path(index_dir)
    generation = current_generation(index_dir)
    manifest = _manifest_of(generation, index_dir)
    if manifest.get("format") != FORMAT_VERSION:
        return [f"format {manifest.get('format')} (this version reads {FORMAT_VERSION}); "
                f"rebuild with: {rebuild_command(index_dir)}"]
    return _check_files(generation, manifest, index_dir, full=True)


# ---------------------------------------------------------------- reading


def _read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def read_segment(folder: Path, delta: bool) -> Segment:
    """One segment as written (its vectors too when it is a delta)."""
    with np.load(folder / "keywords.npz", allow_pickle=False) as arrays:
        keywords = TermCounts(json.loads((folder / "keywords.json").read_text("utf-8")), arrays["doc"],
                              arrays["term"], arrays["tf"], arrays["lengths"])
    segment = Segment([Article(**row) for row in _read_jsonl(folder / "articles.jsonl")],
                      [Chunk(**row) for row in _read_jsonl(folder / "chunks.jsonl")],
                      [Chunk(**row) for row in _read_jsonl(folder / "sentences.jsonl")],
                      [Relation(**row) for row in _read_jsonl(folder / "relations.jsonl")], keywords)
    if delta:
        segment.chunk_vectors = np.load(folder / DELTA_FILES["chunks"], allow_pickle=False)
        segment.sentence_vectors = np.load(folder / DELTA_FILES["sentences"], allow_pickle=False)
    return segment


def read_discovered(generation: Path) -> DiscoveredCatalogue:
    """The discovered actors of a generation (none in one written before discovery)."""
    path = generation / DISCOVERED
    return DiscoveredCatalogue.from_jsonl(path.read_text("utf-8") if path.is_file() else "")


def _load_generation(index_dir: Path, settings: Settings | None, model_info, verify: bool) -> Index:
    generation = current_generation(index_dir)
    manifest = _manifest_of(generation, index_dir)
    check_compatible(manifest, index_dir, settings, model_info)
    if verify and (problems := _check_files(generation, manifest, index_dir, full=False)):
        raise _corrupt(index_dir, "; ".join(problems))
    articles: dict[str, Article] = {}
    chunks: list[Chunk] = []
    sentences: list[Chunk] = []
    relations: list[Relation] = []
    keywords: list[TermCounts] = []
    try:
        stores = {kind: faiss.read_index(str(generation / name)) for kind, name in BASE_FILES.items()}
        discovered = read_discovered(generation)
        for record in manifest["segments"]:
            segment = read_segment(generation / record["name"], record["delta"])
            articles.update((a.id, a) for a in segment.articles)
            chunks += segment.chunks
            sentences += segment.sentences
            relations += segment.relations
            keywords.append(segment.keywords)
            for kind, store in stores.items():
                if record["delta"] and len(vectors := segment.vectors(kind)):
                    store.add(np.ascontiguousarray(vectors, dtype=np.float32))
    except (OSError, ValueError, TypeError, KeyError, RuntimeError) as error:
        raise _corrupt(index_dir, f"index at {generation} is unreadable ({error})") from error
    if stores["chunks"].ntotal != len(chunks) or stores["sentences"].ntotal != len(sentences):
        raise _corrupt(index_dir, f"index at {generation} holds {stores['chunks'].ntotal} vectors for "
                                  f"{len(chunks)} chunks")
    use_discovered(actor.actor() for actor in discovered.actors.values())
    # Relations store actor ids: a merge in the user's catalogue applies here, without re-embedding.
    cat = catalogue()
    relations = [dataclasses.replace(r, subject_id=cat.resolve(r.subject_id), object_id=cat.resolve(r.object_id))
                 for r in relations]
    return Index(generation, manifest, articles, chunks, stores["chunks"], KeywordIndex(keywords) if chunks else None,
                 sentences, stores["sentences"], relations, discovered)


def load_index(index_dir: Path, settings: Settings | None = None, model_info=None, verify: bool = True) -> Index:
    """Load the live generation, refusing one built by other settings (when given) or another model
    (``model_info``, when given); ``verify`` checks the files as the module docstring says."""
    index_dir = Path(index_dir)
    attempts = 3
    while True:
        name = current_generation(index_dir).name
        try:
            return _load_generation(index_dir, settings, model_info, verify)
        except IndexCorruptError:
            # Another process may have made a new generation live and removed what this one was reading.
            attempts -= 1
            if not attempts or current_generation(index_dir).name == name:
                raise


# ---------------------------------------------------------------- the writers' lock


class IndexLock:
    """An exclusive lock on the index folder (``flock`` on ``.lock``), so that two ingestions, in two
    threads or two processes, never interleave. One that finds it held says so through ``notice`` and
    waits, up to ``timeout`` seconds (then ``IndexBusyError``)."""

    POLL_S = 0.1

    def __init__(self, index_dir: Path, timeout: float, notice: Callable[[str], None] | None = None):
        self.index_dir = Path(index_dir)
        self.timeout = timeout
        self.notice = notice or log.warning

    def __enter__(self) -> IndexLock:
        self.index_dir.mkdir(parents=True, exist_ok=True)
        self.handle = open(self.index_dir / LOCK, "w")
        deadline = time.monotonic() + self.timeout
        told = False
        while True:
            try:
                fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return self
            except OSError as error:
                if error.errno not in (errno.EAGAIN, errno.EACCES):
                    self.handle.close()
                    raise
            if not told:
                self.notice(f"another ingestion is writing the index at {self.index_dir}; waiting "
                            f"(up to {self.timeout:g} s, ASSISTANT_INGEST_LOCK_TIMEOUT)")
                told = True
            if time.monotonic() >= deadline:
                self.handle.close()
                raise IndexBusyError(f"another ingestion has been writing the index at {self.index_dir} for over "
                                     f"{self.timeout:g} s (ASSISTANT_INGEST_LOCK_TIMEOUT); try again when it ends")
            time.sleep(self.POLL_S)

    def __exit__(self, *exc) -> None:
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


# ---------------------------------------------------------------- writing


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


def all_vectors(index: faiss.Index) -> np.ndarray:
    if index.ntotal == 0:
        return np.zeros((0, index.d), dtype=np.float32)
    return index.reconstruct_n(0, index.ntotal)


def corpus_fingerprint(fingerprints: Iterable[tuple[str, str]]) -> str:
    """One hash of every (article id, content fingerprint) pair."""
    digest = hashlib.sha256()
    for article_id, fingerprint in sorted(fingerprints):
        digest.update(f"{article_id}\0{fingerprint}\n".encode())
    return digest.hexdigest()[:16]


def _write_jsonl(path: Path, rows) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def _write_segment(folder: Path, segment: Segment, delta: bool) -> None:
    folder.mkdir()
    _write_jsonl(folder / "articles.jsonl", (a.to_dict() for a in segment.articles))
    (folder / "catalog.json").write_text(json.dumps({a.id: a.fingerprint for a in segment.articles}), "utf-8")
    _write_jsonl(folder / "chunks.jsonl", (c.to_dict() for c in segment.chunks))
    _write_jsonl(folder / "sentences.jsonl", (c.to_dict() for c in segment.sentences))
    _write_jsonl(folder / "relations.jsonl", (r.to_dict() for r in segment.relations))
    keywords = segment.keywords or TermCounts.of(c.text for c in segment.chunks)
    (folder / "keywords.json").write_text(json.dumps(keywords.terms, ensure_ascii=False), "utf-8")
    np.savez(folder / "keywords.npz", **keywords.arrays())
    if delta:
        for kind, name in DELTA_FILES.items():
            np.save(folder / name, np.ascontiguousarray(segment.vectors(kind), dtype=np.float32))


def _carry(source: Path, target: Path) -> None:
    """``target`` becomes ``source``'s file without rewriting it: a hard link, else a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _replace_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + f".tmp-{uuid.uuid4().hex[:8]}")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _fsync(path.parent)


@dataclass
class Carried:
    """A segment of the previous generation carried into the next unchanged (by hard links)."""

    name: str
    record: dict  # its entry in the previous manifest


def write_generation(index_dir: Path, segments: list[Carried | Segment], stores: dict[str, faiss.Index] | None,
                     previous: Path | None, model_info, settings: Settings, fingerprints: dict[str, str],
                     discovered: DiscoveredCatalogue | None = None) -> Path:
    """Write a complete generation and make it live.

    ``segments`` are in row order: segments carried from the ``previous`` generation and new ones. With
    ``stores`` (a FAISS index per kind, covering every segment's rows) the generation is compacted: every
    segment's vectors are in the stores. Without, the previous base stores are carried and the new
    segments are deltas whose vectors are stored beside them (what adding one article to a large index
    writes). ``fingerprints``: every article id of the generation -> its content fingerprint.
    ``discovered``: the actors discovered in all of the generation's articles.
    """
    index_dir.mkdir(parents=True, exist_ok=True)
    name = f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}"
    tmp = index_dir / f".tmp-{name}"
    tmp.mkdir()
    old_manifest = _manifest_of(previous, index_dir) if previous is not None else {}
    old_files = old_manifest.get("files", {})
    by_folder: dict[str, list[str]] = {}
    for relative in old_files:
        by_folder.setdefault(relative.partition("/")[0], []).append(relative)
    files: dict[str, dict] = {}
    written: list[str] = []

    def carry(relative: str) -> None:
        _carry(previous / relative, tmp / relative)
        files[relative] = old_files[relative]  # a damaged file stays detectable: its record is not renewed

    if stores is None:
        base = dict(old_manifest["base"])
        for file_name in BASE_FILES.values():
            carry(file_name)
    else:
        for kind, file_name in BASE_FILES.items():
            faiss.write_index(stores[kind], str(tmp / file_name))
            written.append(file_name)
        base = {kind: store.ntotal for kind, store in stores.items()}
    (tmp / DISCOVERED).write_text((discovered or DiscoveredCatalogue()).to_jsonl(), "utf-8")
    written.append(DISCOVERED)
    records = []
    used = {s.name for s in segments if isinstance(s, Carried)}
    number = 0
    for segment in segments:
        if isinstance(segment, Carried):
            (tmp / segment.name).mkdir()
            for relative in by_folder.get(segment.name, ()):
                # a compaction folds a delta's vectors into the stores: they are left behind
                if not (stores is not None and relative.partition("/")[2] in DELTA_FILES.values()):
                    carry(relative)
            records.append(dict(segment.record, delta=segment.record["delta"] and stores is None))
            continue
        while (folder := f"seg-{number:06d}") in used:
            number += 1
        used.add(folder)
        _write_segment(tmp / folder, segment, delta=stores is None)
        written += [str(p.relative_to(tmp)) for p in sorted((tmp / folder).iterdir())]
        records.append({"name": folder, "articles": len(segment.articles), "chunks": len(segment.chunks),
                        "sentences": len(segment.sentences), "relations": len(segment.relations),
                        "delta": stores is None})
    for relative in written:
        path = tmp / relative
        _fsync(path)
        stat = path.stat()
        files[relative] = {"sha256": sha256_file(path), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    chunks = sum(r["chunks"] for r in records)
    manifest = {
        "format": FORMAT_VERSION,
        "model": model_info.model,
        "weights_sha256": model_info.weights_sha256,
        "dimension": model_info.dimension,
        "backend": model_info.backend,
        "normalizer_version": NORMALIZER_VERSION,
        "settings": shaping(settings),
        "corpus_fingerprint": corpus_fingerprint(fingerprints.items()),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "articles": len(fingerprints),
        "chunks": chunks,
        "sentences": sum(r["sentences"] for r in records),
        "relations": sum(r["relations"] for r in records),
        "index_type": "hnsw" if chunks >= settings.hnsw_threshold else "flat",
        "base": base,
        "segments": records,
        "files": files,
    }
    manifest_path = tmp / "manifest.json"
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
    _fsync(manifest_path)
    for folder in [tmp, *(tmp / r["name"] for r in records)]:
        _fsync(folder)
    try:
        live = current_generation(index_dir)
    except IndexLoadError:
        live = None  # a rebuild over a damaged index
    final = index_dir / name
    tmp.rename(final)
    _replace_atomically(index_dir / CURRENT, name + "\n")
    # The generation live until now stays for readers still loading it; older ones and unfinished ones go.
    for old in index_dir.iterdir():
        stale = old.name.startswith(".tmp-gen-") or (old.name.startswith("gen-") and old not in (previous, live))
        if old != final and old.is_dir() and stale:
            shutil.rmtree(old, ignore_errors=True)
    return final
