"""Timer start/stop pair cost against its floor: two perf_counter() calls.

Budget (DESIGN.md): a start/stop pair within 1 µs.
    python benchmarks/recorder_timers.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from _common import reexec_installed, report  # noqa: E402

if __name__ == "__main__":  # measure the installed package, from outside the tree
    reexec_installed()

from perftui import PerformanceTracker  # noqa: E402

N = 200_000


def floor_pair() -> float:
    pc = time.perf_counter
    best = float("inf")
    for _ in range(5):
        start = pc()
        for _ in range(N):
            pc()
            pc()
        best = min(best, (pc() - start) / N)
    return best * 1e6


def tracker_pair(tracker: PerformanceTracker) -> float:
    start_op, stop_op = tracker.start_operation, tracker.stop_operation
    best = float("inf")
    pc = time.perf_counter
    for _ in range(5):
        start = pc()
        for _ in range(N):
            start_op("validation")
            stop_op("validation")
        best = min(best, (pc() - start) / N)
    return best * 1e6


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tracker = PerformanceTracker(db=os.path.join(tmp, "b.db"), summary=False)
        floor = floor_pair()
        pair = tracker_pair(tracker)
        report("timer start/stop pair", pair, "µs", "two perf_counter() calls", floor,
               "< 1 µs", pair < 1.0)
        disabled = PerformanceTracker(disabled=True)
        off = tracker_pair(disabled)
        report("disabled tracker pair", off, "µs", "two perf_counter() calls", floor,
               "< 1 µs", off < 1.0)


if __name__ == "__main__":
    main()
