"""Scale: the seeds among thousands of SaudiNewsNet articles, then ten times the chunks.

    .venv/bin/python benchmarks/bench_scale.py [--articles 5000] [--backend onnx-int8] [--times 10 | --chunks 300000]

The build embeds on ``ASSISTANT_RAY_WORKERS`` Ray workers when that is set.

1. Ingests the seed articles and ``--articles`` SaudiNewsNet articles, read straight from the zips in
   ../shared/data/saudinewsnet/ (never copied; the same deterministic selection as
   ``assistant eval --distractors N``, whose cache folder the index shares, so either reuses the other's
   build). Prints ingestion time, passages and units per second, and the index's size on disk.
2. Serves that index in a fresh process (as the UI would): peak RSS, ``ask()`` p50/p95 over the gold
   questions, warm.
3. Extrapolates to ``--times`` x the chunks with synthetic vectors: every passage and sentence is
   repeated under new article ids with its vector jittered and re-normalised, the index written through
   the same code path (HNSW above ``settings.hnsw_threshold``), and served as in step 2.
4. Measures HNSW recall@10 against exact search (gold and XQuAD questions as queries) on the real
   embeddings of step 1, and of the synthetic index's own HNSW over its vectors.
5. Adds one seed-sized article to the synthetic index as ``assistant ingest`` does, and times it end to end
   (embedding apart); then serves the index again, the new article's segment loaded beside the stores.

``--articles 100 --chunks 300000`` builds the synthetic index from a small real base (hundreds of copies
of each passage) when the 5,000-article one would take hours to embed.
A build cut short resumes where it stopped (``.staging``).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from timing import peak_rss_mb, time_each

REPO = Path(__file__).resolve().parent.parent
EVAL_OUT = REPO / "artifacts" / "eval"  # `assistant eval`'s default folder: its cached indexes are shared


def _size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


def build(n: int, settings, shared: Path | None) -> tuple[Path, dict]:
    """The index of the seeds and ``n`` SaudiNewsNet articles (built, or found cached), and its figures."""
    from assistant.corpus import read_articles
    from assistant.evaluation import cached_index_dir, ensure_index, read_saudinewsnet, select_distractors
    from assistant.storage import current_generation, read_manifest

    started = time.perf_counter()
    chosen, relevant = select_distractors(read_saudinewsnet(shared and shared / "data" / "saudinewsnet"), n)
    seeds = read_articles([settings.corpus_dir]).articles
    read_s = time.perf_counter() - started
    index_dir = cached_index_dir(EVAL_OUT, "distractors", n, settings)

    def progress(done: int, total: int) -> None:
        print(f"\rembedding {done}/{total} units", end="", file=sys.stderr, flush=True)

    result = ensure_index(index_dir, seeds + chosen, settings.with_(index_dir=index_dir), progress)
    print(file=sys.stderr)
    manifest = read_manifest(index_dir)
    figures = {"articles": len(chosen) + len(seeds), "snn_articles": len(chosen), "syria_militia": relevant,
               "read_select_s": read_s, "chunks": manifest["chunks"], "sentences": manifest["sentences"],
               "disk_mb": _size_mb(current_generation(index_dir)), "build": result}
    if not result["cached"]:
        figures["ingest_s"] = result["seconds"]
        figures["units_per_s"] = result["units_embedded"] / result["seconds"]
        figures["chunks_per_s"] = manifest["chunks"] / result["seconds"]
    return index_dir, figures


def synthesize(source: Path, target: Path, times: int, settings) -> dict:
    """``times`` x the passages and sentences of the index at ``source``, written to ``target``."""
    from assistant.embedding import ModelInfo
    from assistant.storage import Segment, all_vectors, build_faiss, load_index, write_generation

    index = load_index(source, verify=False)
    rng = np.random.default_rng(0)
    suffixes = [""] + [f"~{copy}" for copy in range(1, times)]

    def repeat(units, store) -> tuple[list, np.ndarray]:
        vectors = all_vectors(store)
        out_units = [replace(u, id=u.id + suffix, article_id=u.article_id + suffix)
                     for suffix in suffixes for u in units]
        out_vectors = [vectors]
        for _ in suffixes[1:]:
            jittered = vectors + rng.normal(0, 0.02, vectors.shape).astype(np.float32)
            out_vectors.append(jittered / np.linalg.norm(jittered, axis=1, keepdims=True))
        return out_units, np.concatenate(out_vectors)

    started = time.perf_counter()
    chunks, vectors = repeat(index.chunks, index.vectors)
    sentences, sentence_vectors = repeat(index.sentences, index.sentence_vectors)
    articles = [replace(a, id=a.id + suffix) for suffix in suffixes for a in index.articles.values()]
    info = ModelInfo(**{k: index.manifest[k] for k in ("model", "weights_sha256", "dimension", "backend")})
    del index
    stores = {"chunks": build_faiss(vectors, settings), "sentences": build_faiss(sentence_vectors, settings)}
    # one segment, written as an ingestion writes its first (the vectors are copies, not embeddings)
    write_generation(target, [Segment(articles, chunks, sentences, [])], stores, None, info, settings,
                     {a.id: a.fingerprint for a in articles})
    return {"chunks": len(chunks), "sentences": len(sentences), "write_s": time.perf_counter() - started,
            "disk_mb": _size_mb(target)}


def serve(index_dir: Path, backend: str) -> dict:
    """Run ``--serve`` in a fresh process and return what it measured."""
    output = subprocess.run([sys.executable, __file__, "--serve", str(index_dir), "--backend", backend],
                            check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def serve_here(index_dir: Path, backend: str) -> dict:
    """Load the index as the UI does, ask every gold question once warm and once timed."""
    from assistant import Assistant, load_settings
    from assistant.evaluation import load_gold

    started = time.perf_counter()
    assistant = Assistant(index_dir=index_dir, settings=load_settings(backend=backend))
    assistant.index  # noqa: B018 - load (and verify) before timing questions
    load_s = time.perf_counter() - started
    p50, p95 = time_each(assistant.ask, [q["question"] for q in load_gold()["questions"]])
    return {"load_s": load_s, "ask_p50_ms": p50, "ask_p95_ms": p95,
            "peak_rss_mb": peak_rss_mb()}


class _TimedEncoder:
    """The encoder given, timing what it spends embedding passages."""

    def __init__(self, encoder):
        self.encoder, self.info, self.seconds, self.texts = encoder, encoder.info, 0.0, 0

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self.encoder.encode_queries(texts)

    def encode_documents(self, texts: list[str], titles: list[str] | None = None) -> np.ndarray:
        started = time.perf_counter()
        vectors = self.encoder.encode_documents(texts, titles)
        self.seconds += time.perf_counter() - started
        self.texts += len(texts)
        return vectors


def add_one(index_dir: Path, settings) -> dict:
    """What adding one seed-sized article to the index at ``index_dir`` takes, end to end as ``assistant
    ingest`` does it (read, clean, check the index, chunk, embed, write the new generation, swap it in),
    the model loaded beforehand (once per process, not per ingest); embedding is also timed apart."""
    from assistant import Assistant
    from assistant.embedding import get_encoder

    source = sorted(settings.corpus_dir.glob("*.md"))[0]
    encoder = _TimedEncoder(get_encoder(settings))
    encoder.encode_documents(["تحمية"])  # warm-up
    encoder.seconds, encoder.texts = 0.0, 0
    with tempfile.TemporaryDirectory() as folder:
        added = Path(folder) / source.name  # the seed's text under an article id new to the index
        added.write_text(source.read_text("utf-8").replace("\nid: ", f"\nid: added-{time.time_ns()}-", 1), "utf-8")
        assistant = Assistant(index_dir=index_dir, settings=settings, encoder=encoder)
        started = time.perf_counter()
        report = assistant.ingest([added])
        seconds = time.perf_counter() - started
    assert report.added and not report.problems, report
    return {"seconds": seconds, "embed_s": encoder.seconds, "other_s": seconds - encoder.seconds,
            "units_embedded": encoder.texts, "chunks_embedded": report.chunks_embedded,
            "chunks_total": report.chunks_total, "compacted": report.compacted}


def _questions(settings, shared: Path | None) -> np.ndarray:
    """Query vectors of the gold questions and 60 XQuAD paragraphs' English and Arabic questions."""
    from assistant.embedding import get_encoder
    from assistant.evaluation import load_gold, load_xquad

    questions = [q["question"] for q in load_gold()["questions"]]
    _, xquad = load_xquad(shared and shared / "data" / "xquad", limit=60)
    questions += [q.en for q in xquad] + [q.ar for q in xquad]
    return get_encoder(settings).encode_queries(questions)


def _recall(approximate, vectors: np.ndarray, queries: np.ndarray, k: int, settings) -> float:
    """Recall@k of ``approximate`` searched as retrieval searches it, against exact search."""
    import faiss

    from assistant.retrieval import nearest

    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    _, truth = exact.search(queries, k)
    _, found = nearest(approximate, queries, k, settings)
    return float(np.mean([len(set(t) & set(f)) / k for t, f in zip(truth, found)]))


def hnsw_recall(index_dir: Path, settings, queries: np.ndarray, k: int = 10) -> dict:
    """Recall@k of ``queries`` against exact search, searching ``settings.hnsw_ef_search`` wide: of the HNSW
    index the settings would build on the real vectors, and, where the index at ``index_dir`` is itself
    HNSW, of that index as it was written."""
    import faiss

    from assistant.storage import all_vectors, build_faiss, load_index

    index = load_index(index_dir, verify=False)
    figures = {"queries": len(queries)}
    for name, store in (("chunks", index.vectors), ("sentences", index.sentence_vectors)):
        vectors = all_vectors(store)
        if isinstance(store, faiss.IndexHNSW):
            figures[name] = {"vectors": len(vectors), "recall@10": _recall(store, vectors, queries, k, settings)}
            continue
        started = time.perf_counter()
        approximate = build_faiss(vectors, settings.with_(hnsw_threshold=0))
        build_s = time.perf_counter() - started
        figures[name] = {"vectors": len(vectors), "recall@10": _recall(approximate, vectors, queries, k, settings),
                         "hnsw_build_s": build_s}
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--backend", default="onnx-int8")
    parser.add_argument("--times", type=int, default=10, help="synthetic index: this many times the real chunks")
    parser.add_argument("--chunks", type=int, help="synthetic index: at least this many chunks (overrides --times)")
    parser.add_argument("--shared", type=Path, help="the shared data folder (default: ../shared)")
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        print(json.dumps(serve_here(args.serve, args.backend)))
        return
    from assistant import load_settings

    settings = load_settings(backend=args.backend)
    index_dir, real = build(args.articles, settings, args.shared)
    print(f"real: {json.dumps(real)}", file=sys.stderr, flush=True)
    real["serving"] = serve(index_dir, args.backend)
    print(f"real serving: {json.dumps(real['serving'])}", file=sys.stderr, flush=True)
    queries = _questions(settings, args.shared)  # embedded once, for both recall measurements
    recall = hnsw_recall(index_dir, settings, queries)
    print(f"HNSW recall: {json.dumps(recall)}", file=sys.stderr, flush=True)
    if args.chunks:
        args.times = -(-args.chunks // real["chunks"])
    synthetic_dir = REPO / "artifacts" / "scale" / f"synthetic-x{args.times}-{args.articles}"
    synthetic = synthesize(index_dir, synthetic_dir, args.times, settings)
    synthetic["serving"] = serve(synthetic_dir, args.backend)
    print(f"synthetic: {json.dumps(synthetic)}", file=sys.stderr, flush=True)
    synthetic_recall = hnsw_recall(synthetic_dir, settings, queries)
    print(f"synthetic HNSW recall: {json.dumps(synthetic_recall)}", file=sys.stderr, flush=True)
    synthetic["add_one"] = add_one(synthetic_dir, settings)
    print(f"synthetic add one: {json.dumps(synthetic['add_one'])}", file=sys.stderr, flush=True)
    synthetic["serving_after_add"] = serve(synthetic_dir, args.backend)  # a delta segment loaded beside the stores
    print(f"synthetic serving after the add: {json.dumps(synthetic['serving_after_add'])}", file=sys.stderr,
          flush=True)

    print(f"backend {args.backend}; {real['articles']} articles ({real['snn_articles']} SaudiNewsNet, "
          f"{real['syria_militia']} of them on Syria and militias)")
    print(f"| figure | real | synthetic x{args.times} |")
    print("|---|---|---|")
    print(f"| chunks (+ sentence units) | {real['chunks']:,} (+{real['sentences']:,}) "
          f"| {synthetic['chunks']:,} (+{synthetic['sentences']:,}) |")
    if "ingest_s" in real:
        print(f"| ingestion | {real['ingest_s']:.0f} s ({real['chunks_per_s']:.1f} chunks/s, "
              f"{real['units_per_s']:.1f} units/s) | synthetic vectors, written in {synthetic['write_s']:.0f} s |")
    add = synthetic["add_one"]
    print(f"| adding one seed-sized article ({add['units_embedded']} units), end to end | | {add['seconds']:.1f} s "
          f"({add['embed_s']:.1f} s embedding, {add['other_s']:.1f} s the rest) |")
    print(f"| index on disk | {real['disk_mb']:,.0f} MB | {synthetic['disk_mb']:,.0f} MB |")
    for label, key, form in (("index load", "load_s", "{:.1f} s"), ("serving peak RSS", "peak_rss_mb", "{:,.0f} MB"),
                             ("ask() p50", "ask_p50_ms", "{:.0f} ms"), ("ask() p95", "ask_p95_ms", "{:.0f} ms")):
        print(f"| {label} | {form.format(real['serving'][key])} | {form.format(synthetic['serving'][key])} "
              f"(after the add: {form.format(synthetic['serving_after_add'][key])}) |")
    for name in ("chunks", "sentences"):
        print(f"HNSW recall@10 vs exact, {name} ({recall[name]['vectors']:,} real vectors, "
              f"{recall['queries']} queries): {recall[name]['recall@10']:.4f}; as written in the synthetic index "
              f"({synthetic_recall[name]['vectors']:,} vectors): {synthetic_recall[name]['recall@10']:.4f}")


if __name__ == "__main__":
    main()
