"""Budget: the TUI's first paint within 1.3x a bare Textual app's start.

    python benchmarks/tui_startup.py [--runs 15] [--snapshots 100000]

Each measurement is a fresh Python process that runs an app headless; from its first
`call_after_refresh` after mounting (the first frame composed and painted) it prints the wall
clock and exits. The time is from just before starting the process to that moment, so
interpreter start-up and imports count, as they do for a person typing `perftui`; shutting
down does not. Floor: a bare `textual.app.App` with a Footer, measured the same way. Also shown, not budgeted: the time until the status screen
holds the data (status worker answered) on a store of 100,000 snapshots x 20 metrics
(`benchmarks/trend_speed.py` builds and caches it).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

BUDGET = 1.3
HERE = Path(__file__).resolve().parent

BARE = """
from textual.app import App
from textual.widgets import Footer

class Bare(App):
    def compose(self):
        yield Footer()

    def on_mount(self):
        self.call_after_refresh(self.painted)

    def painted(self):
        import time
        print(time.time(), flush=True)
        self.exit()

Bare().run(headless=True, size=(80, 24))
"""

PERFTUI = """
import sys
from perftui.tui.app import PerftuiApp
from perftui.tui.data import StoreSource

WAIT_FOR_DATA = sys.argv[2] == "data"

class Bench(PerftuiApp):
    def on_mount(self):
        super().on_mount()
        if not WAIT_FOR_DATA:
            self.call_after_refresh(self.painted)

    def status_loaded(self, data):
        super().status_loaded(data)
        if WAIT_FOR_DATA:
            self.call_after_refresh(self.painted)

    def painted(self):
        import time
        print(time.time(), flush=True)
        self.exit()

    def on_store_failed(self, message):
        print(message.error, file=sys.stderr)
        self.exit(return_code=1)

Bench(StoreSource(sys.argv[1], read_only=True), live=False).run(headless=True, size=(80, 24))
"""


def _run(code: str, *args: str) -> float:
    env = dict(os.environ)
    env.pop("NO_COLOR", None)
    started = time.time()
    done = subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True,
                          text=True, timeout=120)
    if done.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{done.stderr[-2000:]}")
    painted = float(done.stdout.strip().splitlines()[-1].split()[-1])
    return (painted - started) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--snapshots", type=int, default=100_000)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from trend_speed import big_store

    store = str(big_store(args.snapshots))
    from _common import compile_package

    compile_package()
    _run(BARE), _run(PERFTUI, store, "paint")  # warm the OS file cache and .pyc files
    bare, paint, data = [], [], []
    for _ in range(args.runs):  # interleaved, so machine load affects all three alike
        bare.append(_run(BARE))
        paint.append(_run(PERFTUI, store, "paint"))
        data.append(_run(PERFTUI, store, "data"))
    b, p, d = (statistics.median(x) for x in (bare, paint, data))
    print(f"store: {store} ({args.snapshots:,} snapshots), {args.runs} runs each, medians")
    print(f"floor: bare Textual app, first paint      {b:7.0f} ms")
    print(f"perftui: first paint (status screen)       {p:7.0f} ms = {p / b:4.2f}x floor "
          f"(budget {BUDGET}x) {'OK' if p / b < BUDGET else 'OVER'}")
    print(f"perftui: status data on screen (not budgeted) {d:4.0f} ms = {d / b:4.2f}x floor")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
