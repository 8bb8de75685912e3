"""`perftui run -- CMD ARGS...`: time any program and record each run as a snapshot.

Each run records three metrics: `PREFIX.wall_ms` (elapsed time), `PREFIX.cpu_ms` (user + system
time of the program and the children it waited for) and `PREFIX.peak_rss_mb` (its peak resident
memory), read from the exact child's resource usage (`os.wait4`), so runs never blur into each
other (on Linux peak memory is the program's own high-water mark, see `_PeakWatcher`).
Warm-up runs are recorded as cold starts (kept out of baselines). A run that exits with a
non-zero status is recorded as failed and stops the series.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Callable, Sequence

from perftui.core.record_cli import build_snapshot, result_dict, with_default_scope
from perftui.errors import InputError
from perftui.recorder.evaluate import record_snapshot
from perftui.store.engine import Database
from perftui.store.metrics import ensure_metric, load_catalog

MAX_PREFIX = 60
_BAD = re.compile(r"[^A-Za-z0-9_.:/-]+")
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Measurement:
    wall_ms: float
    cpu_ms: float | None
    peak_rss_mb: float | None
    returncode: int


def metric_prefix(argv: Sequence[str], metric: str | None) -> str:
    """--metric as given (validated), else a slug of the program's name."""
    if metric is not None:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.:/-]*", metric) or len(metric) > MAX_PREFIX:
            raise InputError(f"--metric {metric!r} must be a short slug (letters, digits and "
                             f"_ . : / -, at most {MAX_PREFIX} characters)")
        return metric
    stem = _BAD.sub("_", Path(argv[0]).name).strip("_.-") or "command"
    return stem[:MAX_PREFIX] if stem[0].isalnum() else f"cmd_{stem}"[:MAX_PREFIX]


def measure(argv: Sequence[str], stdout: IO | int | None = None) -> Measurement:
    """Run the program once and measure it."""
    start = time.perf_counter()
    try:
        proc = subprocess.Popen(list(argv), stdout=stdout)
    except FileNotFoundError:
        raise InputError(f"command not found: {argv[0]}") from None
    except PermissionError:
        raise InputError(f"cannot execute {argv[0]}: permission denied") from None
    except OSError as exc:
        raise InputError(f"cannot run {argv[0]}: {exc.strerror or exc}") from None
    if hasattr(os, "wait4"):
        watcher = _PeakWatcher(proc.pid)
        _, status, usage = _wait4(proc.pid)
        wall = (time.perf_counter() - start) * 1000.0
        watcher.stop()
        code = os.waitstatus_to_exitcode(status)
        proc.returncode = code
        cpu = (usage.ru_utime + usage.ru_stime) * 1000.0
        rss = usage.ru_maxrss / (1024 * 1024) if sys.platform == "darwin" else usage.ru_maxrss / 1024
        return Measurement(wall, cpu, _peak(watcher, rss), code)
    code = proc.wait()   # no per-child resource usage on this platform
    return Measurement((time.perf_counter() - start) * 1000.0, None, None, code)


class _PeakWatcher:
    """Linux: follow the child's own high-water mark (VmHWM in /proc/PID/status).

    On Linux the rusage figure (ru_maxrss) also counts the memory the child shared with
    perftui between fork and exec, so for a small program it reports perftui's own size. VmHWM
    belongs to the program's address space; it is read every few milliseconds on a thread
    while the main thread blocks in wait4 (so wall time is not disturbed).
    """

    INTERVAL = 0.003

    def __init__(self, pid: int):
        self.path = f"/proc/{pid}/status"
        self.peak_mb: float | None = None
        self.samples = 0
        self.watching = os.path.exists(self.path)
        self._done = threading.Event()
        self._thread = None
        if self.watching:
            self._read()
            self._thread = threading.Thread(target=self._loop, daemon=True)
            self._thread.start()

    def _loop(self) -> None:
        while not self._done.wait(self.INTERVAL):
            if not self._read():
                return

    def _read(self) -> bool:
        try:
            with open(self.path, "rb") as f:
                for line in f:
                    if line.startswith(b"VmHWM:"):
                        kb = int(line.split()[1])
                        self.peak_mb = max(self.peak_mb or 0.0, kb / 1024)
                        self.samples += 1
                        return True
        except (OSError, ValueError, IndexError):
            pass
        return False

    def stop(self) -> None:
        self._done.set()
        if self._thread is not None:
            self._thread.join()


def _peak(watcher: _PeakWatcher, ru_maxrss_mb: float) -> float | None:
    """The run's peak memory in MB, or None when it cannot be told honestly: a program that
    exited before a second /proc sample, and whose ru_maxrss is not above perftui's own peak
    (so it may be perftui's memory, not the program's)."""
    if not watcher.watching:
        return ru_maxrss_mb
    if watcher.samples >= 2:
        return watcher.peak_mb
    own = _own_peak_mb()
    return ru_maxrss_mb if own is not None and ru_maxrss_mb > own * 1.05 else None


def _own_peak_mb() -> float | None:
    try:
        import resource
    except ImportError:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _wait4(pid: int):
    while True:
        try:
            return os.wait4(pid, 0)
        except InterruptedError:
            continue


def metric_ids(prefix: str) -> dict[str, str]:
    """{kind: metric id} of the three metrics a `perftui run` records."""
    return {"wall": f"{prefix}.wall_ms", "cpu": f"{prefix}.cpu_ms",
            "memory": f"{prefix}.peak_rss_mb"}


def ensure_metrics(conn: Database, prefix: str, command: str) -> dict[str, str]:
    """Register the three metrics with proper names and units; returns {kind: metric id}."""
    ids = metric_ids(prefix)
    names = {"wall": ("wall time", "ms"), "cpu": ("CPU time", "ms"),
             "memory": ("peak memory", "MB")}
    with conn.transaction():
        catalog = load_catalog(conn)
        for kind, metric_id in ids.items():
            label, unit = names[kind]
            ensure_metric(conn, catalog, {
                "id": metric_id, "name": f"{prefix} {label}", "unit": unit,
                "direction": "lower", "description": f"`perftui run` of {command[:150]}",
                "source": "perftui run"}, by="perftui run")
    return ids


def run_series(conn: Database, argv: Sequence[str], *, metric: str | None = None,
               repeat: int = 1, warmup: int = 0, app: str | None = None,
               environment: str | None = None, commit: str | None = None,
               branch: str | None = None, version: str | None = None,
               stdout: IO | int | None = None, progress: Progress | None = None) -> dict:
    """Run, measure and record `warmup` + `repeat` times. Shape: {command, metrics{wall, cpu,
    memory}, runs[{index, warmup, wall_ms, cpu_ms, peak_rss_mb, returncode, snapshot_id,
    alerts}], summary{wall_ms, cpu_ms, peak_rss_mb: {median, min, max}}, failed, returncode}."""
    if not argv:
        raise InputError("give the command to run after --, e.g. perftui run -- make test")
    prefix = metric_prefix(argv, metric)
    command = " ".join(argv)
    ids = metric_ids(prefix)
    report = progress or (lambda done, total: None)
    total = warmup + repeat
    runs: list[dict] = []
    for index in range(total):
        is_warmup = index < warmup
        m = measure(argv, stdout)
        values = {ids["wall"]: round(m.wall_ms, 3)}
        if m.cpu_ms is not None:
            values[ids["cpu"]] = round(m.cpu_ms, 3)
        if m.peak_rss_mb is not None:
            values[ids["memory"]] = round(m.peak_rss_mb, 3)
        snapshot = build_snapshot(values, app=app, environment=environment, commit=commit,
                                  branch=branch, version=version, cold=is_warmup,
                                  failed=m.returncode != 0)
        with conn.transaction():  # the metrics are registered with the first run, not before
            ensure_metrics(conn, prefix, command)
            result = result_dict(record_snapshot(conn, with_default_scope(conn, snapshot)), [])
        runs.append({"index": index + 1, "warmup": is_warmup, **asdict(m),
                     "snapshot_id": result["snapshot_id"], "alerts": result["alerts"]})
        report(index + 1, total)
        if m.returncode != 0:
            break
    return {"command": command, "metrics": ids, "runs": runs, "summary": _summary(runs),
            "failed": runs[-1]["returncode"] != 0, "returncode": runs[-1]["returncode"]}


def _summary(runs: list[dict]) -> dict:
    measured = [r for r in runs if not r["warmup"] and r["returncode"] == 0]
    out = {}
    for key in ("wall_ms", "cpu_ms", "peak_rss_mb"):
        values = [r[key] for r in measured if r[key] is not None]
        out[key] = ({"median": statistics.median(values), "min": min(values), "max": max(values)}
                    if values else None)
    return out
