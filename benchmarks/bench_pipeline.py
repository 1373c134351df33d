"""Embedding back-ends side by side on the seed corpus, and XQuAD quality for each.

    .venv/bin/python benchmarks/bench_pipeline.py [--backends torch onnx-int8] [--xquad [--xquad-limit N]]

Each back-end runs in a child process of its own, so that its peak memory is its own. A child
loads the model (timed apart), embeds every seed passage once (chunks per second), embeds each
gold question alone (question embedding latency), builds a fresh index of corpus/ in a temporary
folder, and asks every gold question once to warm up and once timed. With ``--xquad`` it also
searches XQuAD's 240 Arabic paragraphs with the English and Arabic questions (the default hybrid
configuration; the XQuAD index is cached under artifacts/eval/indexes/, as ``assistant eval`` does).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import peak_rss_mb, time_each

REPO = Path(__file__).resolve().parent.parent


def measure(backend: str, xquad: bool, xquad_limit: int | None) -> dict:
    """Every figure for one back-end, in this process."""
    from assistant import Assistant, load_settings
    from assistant.chunking import chunk_article, make_splitter
    from assistant.cleaning import clean_article
    from assistant.corpus import read_articles
    from assistant.embedding import get_encoder
    from assistant.evaluation import cached_index_dir, ensure_index, evaluate_xquad, load_gold, load_xquad

    settings = load_settings(backend=backend)
    figures: dict = {"backend": backend}
    started = time.perf_counter()
    encoder = get_encoder(settings)
    figures["model_load_s"] = time.perf_counter() - started

    articles = [clean_article(a) for a in read_articles([REPO / "corpus"]).articles]
    splitter = make_splitter(settings.chunk_size, settings.chunk_overlap)
    chunks = [chunk for article in articles for chunk in chunk_article(article, splitter)]
    titles = {a.id: a.title for a in articles}
    encoder.encode_documents([chunks[0].text], [titles[chunks[0].article_id]])  # warm-up
    started = time.perf_counter()
    encoder.encode_documents([c.text for c in chunks], [titles[c.article_id] for c in chunks])
    seconds = time.perf_counter() - started
    figures["chunks"] = len(chunks)
    figures["mean_chunk_chars"] = statistics.mean(len(c.text) for c in chunks)
    figures["chunks_per_s"] = len(chunks) / seconds

    questions = [q["question"] for q in load_gold()["questions"]]
    figures["questions"] = len(questions)
    figures["question_embed_p50_ms"], figures["question_embed_p95_ms"] = time_each(
        lambda question: encoder.encode_queries([question]), questions)

    with tempfile.TemporaryDirectory() as tmp:
        assistant = Assistant(index_dir=Path(tmp) / "index", settings=settings)
        report = assistant.ingest([REPO / "corpus"])
        units = len(assistant.index.chunks) + len(assistant.index.sentences)
        figures["build_s"] = report.seconds
        figures["build_units"] = units
        figures["ask_p50_ms"], figures["ask_p95_ms"] = time_each(assistant.ask, questions)

    if xquad:
        paragraphs, xquad_questions = load_xquad(limit=xquad_limit)
        index_dir = cached_index_dir(REPO / "artifacts" / "eval", "xquad", len(paragraphs), settings)
        ensure_index(index_dir, paragraphs, settings)
        results = evaluate_xquad(Assistant(index_dir=index_dir, settings=settings), xquad_questions,
                                 modes=("hybrid",))["hybrid"]
        figures["xquad_questions"] = len(xquad_questions)
        figures["xquad_en_ar_r1"] = results["en->ar"]["R@1"]
        figures["xquad_ar_ar_r1"] = results["ar->ar"]["R@1"]
    figures["peak_rss_mb"] = peak_rss_mb()
    return figures


ROWS = [
    ("model load", "model_load_s", "{:.1f} s"),
    ("passage embedding (seed chunks)", "chunks_per_s", "{:.1f} chunks/s"),
    ("question embedding p50", "question_embed_p50_ms", "{:.1f} ms"),
    ("question embedding p95", "question_embed_p95_ms", "{:.1f} ms"),
    ("index build, seed corpus", "build_s", "{:.1f} s"),
    ("ask() p50 (warm)", "ask_p50_ms", "{:.1f} ms"),
    ("ask() p95 (warm)", "ask_p95_ms", "{:.1f} ms"),
    ("XQuAD en->ar R@1 (hybrid)", "xquad_en_ar_r1", "{:.3f}"),
    ("XQuAD ar->ar R@1 (hybrid)", "xquad_ar_ar_r1", "{:.3f}"),
    ("peak memory (RSS)", "peak_rss_mb", "{:,.0f} MB"),
]


def table(results: list[dict]) -> str:
    lines = ["| figure | " + " | ".join(r["backend"] for r in results) + " |",
             "|---|" + "---|" * len(results)]
    for label, key, form in ROWS:
        if any(key in r for r in results):
            lines.append(f"| {label} | " + " | ".join(form.format(r[key]) if key in r else "—" for r in results)
                         + " |")
    first = results[0]
    lines.append(f"\n{first['chunks']} seed chunks of {first['mean_chunk_chars']:.0f} characters on average; "
                 f"the index build embeds {first['build_units']} units (passages and sentences); "
                 f"{first['questions']} gold questions timed.")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", nargs="+", default=["torch", "onnx-int8"])
    parser.add_argument("--xquad", action="store_true", help="add XQuAD R@1 in both directions")
    parser.add_argument("--xquad-limit", type=int, help="only the first N XQuAD paragraphs")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.xquad, args.xquad_limit)))
        return
    results = []
    for backend in args.backends:
        command = [sys.executable, __file__, "--child", backend] + (["--xquad"] if args.xquad else []) + (
            ["--xquad-limit", str(args.xquad_limit)] if args.xquad_limit else [])
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        results.append(json.loads(output.strip().splitlines()[-1]))
        print(f"{backend}: {json.dumps(results[-1])}", file=sys.stderr, flush=True)
    print(table(results))


if __name__ == "__main__":
    main()
