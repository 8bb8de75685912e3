"""Budget: the TUI shows data within 1.3x a bare Textual app's start, flat from 10k to 1M.

    python benchmarks/tui_startup.py [--runs 15] [--sizes 10k,100k,1M]

What a person sees: each measurement launches a command in a fresh tmux session
(`tmux new-session -d -x 80 -y 24`) and polls `tmux capture-pane -p` every few milliseconds
until a metric id (such as APP-001) is on the pane; the time is from just before the launch to
that capture. Measured: `perftui --db STORE --read-only tui` of the installed package
(benchmarks/_common.py), cwd outside the source tree, on cached `perftui demo` stores. Floor: a
bare Textual app showing a Static with a metric id, launched and detected the same way with the
same interpreter. Runs are interleaved (floor, then each size, round after round); medians.
perftui keeps Textual's parsed CSS (perftui.tui.css) and, once the UI has been quit with q, the
compiled code of what it loads (perftui._codecache) in the user's cache directory between
starts; a warm-up start per store that quits with q fills both for a new install, so the runs
measure every start after the first one. One more case, interleaved with the others, is the
smallest store with the code cache off (PERFTUI_CODE_CACHE=0): what the cache is worth, and what
a start costs before the UI was ever quit.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import (  # noqa: E402
    add_sizes_argument, child_env, demo_store, installed_bin, installed_python, interleaved,
    median_of, outside_dir, report, size_label)

BUDGET = 1.3
FLAT = 1.15
METRIC_ID = re.compile(r"\b[A-Z]{2,5}-\d{3}\b")
POLL_S = 0.005
NO_CACHE = "code cache off"

BARE = """
from textual.app import App
from textual.widgets import Static

class Bare(App):
    def compose(self):
        yield Static("APP-001  startup_time_ms  387 ms")

Bare().run()
"""


class Tmux:
    """A private tmux server (its own socket), so nothing else's sessions are touched."""

    def __init__(self, env: dict):
        self.socket = f"perftui-bench-{os.getpid()}"
        self.env = env
        self.count = 0
        # an idle session keeps the server up: otherwise it exits with each measured session
        # and the next launch can race its shutdown ("server exited unexpectedly")
        self._tmux("new-session", "-d", "-s", "keep", "-c", outside_dir(), "sleep 86400",
                   check=True)

    def _tmux(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(["tmux", "-L", self.socket, "-f", "/dev/null", *args],
                              env=self.env, cwd=outside_dir(), **kwargs)

    def time_to_metric(self, command: list[str], timeout: float = 120.0) -> float:
        """ms from launching `command` in a fresh 80x24 session until a metric id is shown."""
        name, line, started = self._launch(command, "b")
        try:
            return self._until_metric(name, line, started, timeout, POLL_S)
        finally:
            self._tmux("kill-session", "-t", name, stderr=subprocess.DEVNULL)

    def start_and_quit(self, command: list[str], timeout: float = 120.0) -> None:
        """Launch `command`, wait for a metric id, press q and wait until it has ended (the
        caches perftui writes when it quits are then in place)."""
        name, line, started = self._launch(command, "w")
        try:
            self._until_metric(name, line, started, timeout, 0.05)
            self._tmux("send-keys", "-t", name, "q", stderr=subprocess.DEVNULL)
            while time.perf_counter() - started < timeout:
                if self._tmux("has-session", "-t", name, stderr=subprocess.DEVNULL).returncode:
                    return
                time.sleep(0.05)
        finally:
            self._tmux("kill-session", "-t", name, stderr=subprocess.DEVNULL)

    def _launch(self, command: list[str], prefix: str) -> tuple[str, str, float]:
        """A new 80x24 session running `command`: (its name, the command line, when)."""
        self.count += 1
        name = f"{prefix}{self.count}"
        line = " ".join(_quote(c) for c in command)  # Textual draws on stderr: no redirect
        started = time.perf_counter()
        self._tmux("new-session", "-d", "-x", "80", "-y", "24", "-s", name, "-c", outside_dir(),
                   line, check=True)
        return name, line, started

    def _until_metric(self, name: str, line: str, started: float, timeout: float,
                      poll: float) -> float:
        """ms from `started` until a metric id is on the pane of session `name`; SystemExit
        when the command died or shows something else for `timeout` seconds."""
        while True:
            pane = self._tmux("capture-pane", "-p", "-t", name, capture_output=True, text=True)
            if pane.returncode == 0 and METRIC_ID.search(pane.stdout):
                return (time.perf_counter() - started) * 1000
            if pane.returncode != 0 or time.perf_counter() - started > timeout:
                raise SystemExit(f"no metric id on the pane of {line!r} (the command died or "
                                 f"shows something else; run it by hand):\n"
                                 f"{pane.stdout}{pane.stderr}")
            time.sleep(poll)

    def close(self) -> None:
        self._tmux("kill-server", stderr=subprocess.DEVNULL)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    add_sizes_argument(parser)
    args = parser.parse_args()
    python, perftui = installed_python(), installed_bin("perftui")
    stores = {size: str(demo_store(size)) for size in args.sizes}
    env = child_env(NO_COLOR=None, PERFTUI_APP=None, PERFTUI_ENV=None, PERFTUI_DB=None,
                    TERM=os.environ.get("TERM") or "xterm-256color")
    env["PATH"] = os.path.dirname(python) + os.pathsep + env.get("PATH", "")
    tmux = Tmux(env)
    try:
        for store in stores.values():
            tmux.start_and_quit([perftui, "--db", store, "--read-only", "tui"])
        cases = {"floor": lambda: tmux.time_to_metric([python, "-c", BARE])}
        for size, store in stores.items():
            cases[size] = (lambda s=store: tmux.time_to_metric(
                [perftui, "--db", s, "--read-only", "tui"]))
        first = args.sizes[0]
        cases[NO_CACHE] = (lambda s=stores[first]: tmux.time_to_metric(
            ["env", "PERFTUI_CODE_CACHE=0", perftui, "--db", s, "--read-only", "tui"]))
        samples = interleaved(cases, args.runs)
    finally:
        tmux.close()
    floor = median_of(samples["floor"])
    print(f"{args.runs} interleaved runs each, medians; tmux 80x24, poll {POLL_S * 1000:.0f} ms")
    print(f"floor: bare Textual app showing a Static, until its metric id is on the pane "
          f"{floor:.0f} ms")
    failed = False
    for size in stores:
        value = median_of(samples[size])
        ok = value / floor <= BUDGET
        failed |= not ok
        report(f"TUI time to data, {size_label(size)} store", value, "ms",
               "bare Textual app with a Static", floor, f"<= {BUDGET}x", ok)
    value = median_of(samples[NO_CACHE])
    print(f"  {size_label(args.sizes[0])} store with the code cache off (PERFTUI_CODE_CACHE=0): "
          f"{value:.0f} ms, {value / floor:.2f}x the floor; the cache saves "
          f"{value - median_of(samples[args.sizes[0]]):.0f} ms")
    if len(stores) > 1:
        sizes = sorted(stores)
        small, big = (median_of(samples[s]) for s in (sizes[0], sizes[-1]))
        flat = big / small <= FLAT
        failed |= not flat
        print(f"flatness: {size_label(sizes[-1])} / {size_label(sizes[0])} = {big / small:.2f}x "
              f"(budget <= {FLAT}x) [{'PASS' if flat else 'OVER BUDGET'}]")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
