"""What the benchmarks share: timing a callable over items, warm, as p50/p95 in milliseconds."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterable


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
