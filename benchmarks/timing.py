"""What the benchmarks share: timing a callable over items, warm, as p50/p95 in milliseconds; peak memory."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterable
from pathlib import Path


def time_each(call: Callable[[str], object], items: Iterable[str], warm_up: bool = True) -> tuple[float, float]:
    """p50 and p95 milliseconds of ``call(item)`` over ``items`` (each called once untimed first)."""
    items = list(items)
    if warm_up:
        for item in items:
            call(item)
    timings = []
    for item in items:
        started = time.perf_counter()
        call(item)
        timings.append(1000 * (time.perf_counter() - started))
    timings.sort()
    return statistics.median(timings), timings[int(0.95 * (len(timings) - 1))]


def peak_rss_mb() -> float:
    """This process's peak resident memory, in MB.

    Read from ``VmHWM``, not ``getrusage``: a child started by ``subprocess`` inherits its parent's
    ``ru_maxrss`` across exec, so a lean server forked from a bulky benchmark would report the
    benchmark's peak (4,870 MB measured that way against 2,917 MB for the server itself).
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")
