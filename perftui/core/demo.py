"""The demo store: realistic history for the original catalog, made in seconds.

    summary = generate_demo(path, snapshots=2000, seed=0)

Older history is bulk-inserted without evaluation (two executemany calls per 5,000
snapshots); the most recent `EVALUATED` snapshots go through `record_snapshot` like any live
run, so their alerts are exactly the ones the recorder would have raised. Then a couple of
alerts are acknowledged, one intended change is accepted as the new baseline, a target is
edited (audit trail), half a year of daily aggregates is added before the raw window, and the
retention policy is applied. A store is only ever overwritten if it is itself a demo store.
"""

from __future__ import annotations

import itertools
import json
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable

import numpy as np

from perftui.analysis.index import evaluate_flags, performance_index
from perftui.analysis.types import MetricSpec
from perftui.core import demo_model as dm
from perftui.errors import InputError, StoreError, StoreMissing
from perftui.recorder.evaluate import SnapshotInput, record_snapshot
from perftui.store import bulk
from perftui.store.db import is_url, open_store
from perftui.store.migrate import drop_tables
from perftui.store.alerts import alert_status_counts
from perftui.store.engine import Database
from perftui.store.location import default_demo_path  # noqa: F401  (the CLI's default)
from perftui.store.meta import flag_rules, meta_get, meta_set
from perftui.store.metrics import load_catalog
from perftui.timefmt import to_iso, utcnow

DEFAULT_SNAPSHOTS = 2000
MAX_SNAPSHOTS = 1_000_000
EVALUATED = 400
CHUNK = 5000
MAX_SPAN = timedelta(days=28)     # inside the 30-day raw retention window
SPACING = timedelta(hours=1)
AGGREGATE_DAYS = 180
COLD_KEPT = timedelta(days=7)
DEMO_KEY = "demo"

Progress = Callable[[str, int, int], None]


def generate_demo(path: str, snapshots: int = DEFAULT_SNAPSHOTS, seed: int = 0,
                  progress: Progress | None = None, now: datetime | None = None) -> dict:
    """Create (or recreate) a demo store at `path`; returns a summary of what is in it.

    `progress(phase, done, total)` is called as work proceeds. Raises InputError when `path`
    holds something other than a demo store, or for a size out of range.
    """
    if isinstance(snapshots, bool) or not isinstance(snapshots, int) \
            or not 1 <= snapshots <= MAX_SNAPSHOTS:
        raise InputError(f"--snapshots must be between 1 and {MAX_SNAPSHOTS:,}, got {snapshots!r}")
    started = time.perf_counter()
    now = now or utcnow()
    if is_url(path):
        _clear_previous_demo_database(path)
    else:
        _clear_previous_demo(Path(path))
    conn = open_store(path, create=True)
    try:
        report = progress or (lambda phase, done, total: None)
        plan = _Plan(snapshots, seed, now)
        with conn.transaction():
            _write_history(conn, plan, report)
            _write_daily_aggregates(conn, plan)
        _triage(conn)
        from perftui.core.demo_profiles import add_demo_profiles

        add_demo_profiles(conn)
        from perftui.core.retention import prune

        prune(conn, now=now)
        from perftui.store import rollups

        rollups.refresh(conn, lambda done, total: report("rollups", done, total))
        marker = {"seed": seed, "snapshots": snapshots, "created_at": to_iso(now)}
        with conn.transaction():
            meta_set(conn, DEMO_KEY, json.dumps(marker))
        summary = _summary(conn, path, plan)
    finally:
        conn.close()
    summary["seconds"] = round(time.perf_counter() - started, 2)
    return summary


def is_demo_store(path: str) -> bool:
    """True when `path` (a file or a URL) is a perftui store created by the demo generator."""
    try:
        conn = open_store(path, readonly=True)
    except StoreError:
        return False
    try:
        return meta_get(conn, DEMO_KEY) is not None
    except StoreError:
        return False
    finally:
        conn.close()


def _clear_previous_demo_database(url: str) -> None:
    """A database server: an empty database is used as it is, an earlier demo is dropped,
    anything else is refused."""
    try:
        db = open_store(url)
    except StoreMissing:
        return
    try:
        if meta_get(db, DEMO_KEY) is None:
            raise InputError(f"{db.path} holds a perftui store that is not a demo; refusing to "
                             "overwrite it (give the demo a database of its own)")
        drop_tables(db)
    finally:
        db.close()


def _clear_previous_demo(path: Path) -> None:
    if path.is_dir():
        raise InputError(f"{path} is a directory; give a file name for the demo store")
    if not path.exists():
        return
    if not is_demo_store(str(path)):
        raise InputError(f"{path} exists and is not a demo store; refusing to overwrite it "
                         "(choose another --output)")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


class _Plan:
    """Everything random about one demo, drawn up front from the seed."""

    def __init__(self, n: int, seed: int, now: datetime):
        self.n = n
        rng = np.random.default_rng(seed)
        self.story = dm.Story.for_size(n)
        self.commits = dm.make_commits(self.story, rng)
        self.commit_of = dm.commit_index(self.commits, n)
        span = min(MAX_SPAN, SPACING * n)
        self.end = now - timedelta(minutes=2)
        self.start = self.end - span
        step = span.total_seconds() / n
        offsets = (np.arange(n) + rng.uniform(-0.4, 0.4, n)) * step
        self.times = [to_iso(self.start + timedelta(seconds=float(s)))
                      for s in np.clip(offsets, 0, None)]
        weights = np.array([w for _, _, w in dm.SCOPES])
        self.scope = rng.choice(len(dm.SCOPES), size=n, p=weights / weights.sum())
        first_on_commit = np.zeros(n, dtype=bool)
        first_on_commit[[c.start for c in self.commits]] = True
        cold = (rng.random(n) < dm.COLD_P) | (first_on_commit & (self.scope == 0))
        # retention keeps cold starts 7 days: older ones would already be gone
        cutoff = to_iso(now - COLD_KEPT)
        recent = np.array([t >= cutoff for t in self.times])
        self.cold = cold & recent
        self.failed = (rng.random(n) < dm.FAILED_P) & ~self.cold
        ci = self.scope == 1
        self.matrix = np.column_stack([dm.values(m, self.story, self.cold, ci, rng)
                                       for m in dm.MODELS])
        self.codes = [m.code for m in dm.MODELS]
        self.rng = rng

    def fields(self, i: int) -> dict:
        environment, host, _ = dm.SCOPES[int(self.scope[i])]
        commit = self.commits[int(self.commit_of[i])]
        is_ci = environment == "ci"
        return {"recorded_at": self.times[i], "app": dm.APP, "environment": environment,
                "host": f"{host}-{1 + i % 3}" if is_ci else host, "git_commit": commit.sha,
                "git_branch": commit.branch, "app_version": commit.version,
                "python_version": "3.11.9", "platform": "linux",
                "cpu_count": 4 if is_ci else 8, "total_memory_mb": 7168 if is_ci else 16384,
                "is_cold_start": bool(self.cold[i]),
                "status": "failed" if self.failed[i] else "ok"}


def _write_history(conn: Database, plan: _Plan, report: Progress) -> None:
    catalog = load_catalog(conn)
    rows = [catalog.find(code) for code in plan.codes]
    metric_ids = [r.id for r in rows]
    specs = {r.code: MetricSpec(r.code, r.direction, r.target, r.warning, r.error, r.name, r.unit) for r in rows}
    rules = flag_rules(conn)
    bulk_count = max(0, plan.n - EVALUATED)
    next_id = bulk.next_snapshot_id(conn)
    for start in range(0, bulk_count, CHUNK):
        stop = min(bulk_count, start + CHUNK)
        snaps, measurements = [], []
        for offset, row in enumerate(plan.matrix[start:stop].tolist()):
            i = start + offset
            sid = next_id + i
            values = dict(zip(plan.codes, row))
            fields = plan.fields(i)
            fields["performance_index"] = performance_index(values, specs)
            fields["flags"] = evaluate_flags(values, rules)
            snaps.append(bulk.snapshot_row(sid, fields))
            measurements.extend(zip(metric_ids, itertools.repeat(sid, len(row)), row))
        bulk.insert_snapshot_rows(conn, snaps)
        bulk.insert_measurement_rows(conn, measurements)
        report("history", stop, plan.n)
    for i in range(bulk_count, plan.n):
        snapshot = SnapshotInput(metrics=dict(zip(plan.codes, plan.matrix[i].tolist())),
                                 **plan.fields(i))
        record_snapshot(conn, snapshot)
        if (i + 1) % 25 == 0 or i + 1 == plan.n:
            report("history", i + 1, plan.n)


def _write_daily_aggregates(conn: Database, plan: _Plan) -> None:
    """Half a year of daily aggregates before the raw window (what retention would leave)."""
    catalog = load_catalog(conn)
    first_raw_day = plan.start.date()
    rows = []
    for back in range(1, AGGREGATE_DAYS + 1):
        day = (first_raw_day - timedelta(days=back)).isoformat()
        for environment, _host, weight in dm.SCOPES:
            count = max(1, int(24 * weight))
            for model in dm.MODELS:
                lvl = model.base * (1.0 + 0.0005 * back) if model.kind == "time" else model.base
                summary = dm.daily_summary(model, lvl, count, plan.rng)
                rows.append((day, dm.APP, environment, catalog.find(model.code).id, *summary))
    bulk.upsert_daily_aggregates(conn, rows)


def _triage(store: Database) -> None:
    """What people did with the alerts: two acknowledged, one accepted; a target edited."""
    from perftui.core import alerts, targets

    switch = next((a for a in alerts.list_alerts(store, metric="API-001", status="open")
                   if a["alert_type"] != "threshold" and a["severity"] != "info"), None)
    if switch is not None:
        alerts.accept_as_baseline(store, switch["id"], by="bob",
                                  notes="intended: the larger model is slower per call")
    known = [a["id"] for a in alerts.list_alerts(store, metric="API-002", status="open")
             if a["alert_type"] == "threshold"]
    if known:
        alerts.acknowledge_many(store, known, by="alice",
                                notes="known issue: duplicated prompt context, fix planned")
    leak = next((a for a in alerts.list_alerts(store, metric="MEM-001", status="open")
                 if a["severity"] != "info"), None)
    if leak is not None:
        alerts.acknowledge(store, leak["id"], by="alice", notes="investigating: cache growth")
    targets.set_target(store, "UI-001", target=150, by="bob",
                       reason="tab switches should feel instant")


def _summary(conn: Database, path: str, plan: _Plan) -> dict:
    counts = bulk.store_counts(conn)
    return {
        "path": conn.path, "snapshots": counts["snapshots"], "measurements": counts["measurements"],
        "metrics": len(plan.codes), "app": dm.APP,
        "environments": [environment for environment, _, _ in dm.SCOPES],
        "commits": len(plan.commits), "branches": sorted({c.branch for c in plan.commits}),
        "first": plan.times[0], "last": plan.times[-1],
        "evaluated": min(plan.n, EVALUATED), "alerts": alert_status_counts(conn),
        "daily_aggregates": counts["daily_aggregates"],
    }
