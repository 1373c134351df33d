"""Seed-corpus benchmark: build time, chunks per second, warm question latency, peak memory.

    .venv/bin/python benchmarks/bench_pipeline.py [--backend torch|int8]

Builds a fresh index of corpus/ in a temporary folder (the model load is timed apart),
then asks every gold question once to warm up and once timed.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from pathlib import Path

from assistant import Assistant, load_settings
from assistant.evaluation import load_gold

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="torch")
    args = parser.parse_args()
    settings = load_settings(backend=args.backend)
    with tempfile.TemporaryDirectory() as tmp:
        assistant = Assistant(index_dir=Path(tmp) / "index", settings=settings)
        started = time.perf_counter()
        assistant.encoder  # noqa: B018 - load the model outside the build timing
        load_s = time.perf_counter() - started
        report = assistant.ingest([REPO / "corpus"])
        units = len(assistant.index.chunks) + len(assistant.index.sentences)
        questions = [q["question"] for q in load_gold()["questions"]]
        for question in questions:
            assistant.ask(question)
        timings = []
        for question in questions:
            started = time.perf_counter()
            assistant.ask(question)
            timings.append(1000 * (time.perf_counter() - started))
    timings.sort()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"backend                {args.backend}")
    print(f"model load             {load_s:.1f} s")
    print(f"build (seed corpus)    {report.seconds:.1f} s: {report.chunks_total} chunks + "
          f"{units - report.chunks_total} sentence units embedded")
    print(f"embedding throughput   {units / report.seconds:.1f} units/s ({report.chunks_total / report.seconds:.1f} "
          "chunks/s counting chunks only)")
    print(f"ask() latency (warm)   p50 {statistics.median(timings):.0f} ms, "
          f"p95 {timings[int(0.95 * (len(timings) - 1))]:.0f} ms over {len(timings)} questions")
    print(f"peak memory (RSS)      {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
