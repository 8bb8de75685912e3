"""Export a store: full-fidelity JSON (re-importable) or a wide CSV (a row per snapshot).

Both stream: snapshots are read in batches and written as they come, so exporting 100,000
snapshots never holds them all in memory. JSON shape (`"format": "perftui-export"`):

    {"format", "version", "exported_at", "filters": {days, since, app, environment},
     "catalog": {catalog file document},
     "snapshots": [{id, recorded_at, app, environment, host, session_id, git_commit,
                    git_branch, app_version, python_version, platform, cpu_count,
                    total_memory_mb, is_cold_start, status, performance_index,
                    regression_score, flags, operations, cache_stats, errors, notes,
                    metrics: {metric id: value}}],
     "alerts": [...every alerts column, metric_code...], "baseline_resets": [...],
     "target_changes": [...], "daily_aggregates": [...]}
"""

from __future__ import annotations

import csv
import json
import os
from typing import IO, Callable

from perftui.store import bulk
from perftui.store.catalog import catalog_document
from perftui.store.engine import Database
from perftui.store.meta import flag_rules
from perftui.store.metrics import measured_metric_codes, metric_entries
from perftui.store.snapshots import SNAPSHOT_FIELDS
from perftui.timefmt import days_ago_iso, now_iso

FORMAT = "perftui-export"
VERSION = 1
CSV_RUN_COLUMNS = ("id", "recorded_at", "app", "environment", "host", "git_commit", "git_branch",
                   "app_version", "is_cold_start", "status", "performance_index")
Progress = Callable[[int, int], None]


def _since(days: float | None) -> str | None:
    return days_ago_iso(days) if days is not None else None


def export_json(conn: Database, out: IO[str], *, days: float | None = None,
                app: str | None = None, environment: str | None = None,
                progress: Progress | None = None) -> dict:
    """Write the export document to `out`; returns {snapshots, alerts, ...} counts."""
    since = _since(days)
    report = progress or (lambda done, total: None)
    total = bulk.count_snapshots(conn, since=since, app=app, environment=environment)
    header = {"format": FORMAT, "version": VERSION, "exported_at": now_iso(),
              "filters": {"days": days, "since": since, "app": app, "environment": environment},
              "catalog": catalog_document(metric_entries(conn), flag_rules(conn))}
    text = json.dumps(header, indent=1, allow_nan=False)
    out.write(text[:-2] + ',\n "snapshots": [')
    count = 0
    for snap in bulk.iter_snapshots(conn, since=since, app=app, environment=environment):
        out.write(("\n  " if count == 0 else ",\n  ") + json.dumps(snapshot_document(snap), allow_nan=False))
        count += 1
        if count % 1000 == 0:
            report(count, total)
    report(count, total)
    out.write("\n ]")
    extras = {
        "alerts": [alert_document(a) for a in bulk.alert_rows(conn, since=since, app=app,
                                                      environment=environment)],
        "baseline_resets": bulk.baseline_reset_rows(conn),
        "target_changes": bulk.target_change_rows(conn),
        "daily_aggregates": bulk.daily_aggregate_rows(
            conn, since_day=since[:10] if since else None, app=app, environment=environment),
    }
    for key, rows in extras.items():
        out.write(f',\n "{key}": ' + json.dumps(rows, allow_nan=False, indent=None))
    out.write("\n}\n")
    return {"format": "json", "snapshots": count,
            **{key: len(rows) for key, rows in extras.items()}}


def snapshot_document(snap: dict) -> dict:
    """A stored snapshot as the export (and push) writes it."""
    return {"id": snap["id"], **{k: snap[k] for k in SNAPSHOT_FIELDS}, "metrics": snap["metrics"]}


def alert_document(row: dict) -> dict:
    """A stored alert as the export (and push) writes it: its metric by code."""
    row = dict(row)
    row.pop("metric_id", None)
    return row


def export_csv(conn: Database, out: IO[str], *, days: float | None = None,
               app: str | None = None, environment: str | None = None,
               progress: Progress | None = None, escape_controls: bool = False) -> dict:
    """Write a wide CSV: run columns, then one column per measured metric (empty = not
    recorded in that run). Values are written exactly (shortest round-tripping form).
    `escape_controls` (CSV to a terminal, i.e. stdout): control characters in text cells are
    written as visible escapes ("\\x1b") so stored text cannot drive the terminal."""
    since = _since(days)
    report = progress or (lambda done, total: None)
    total = bulk.count_snapshots(conn, since=since, app=app, environment=environment)
    codes = measured_metric_codes(conn)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*CSV_RUN_COLUMNS, *codes])
    count = 0
    for snap in bulk.iter_snapshots(conn, since=since, app=app, environment=environment):
        run = [_cell(snap[c]) for c in CSV_RUN_COLUMNS]
        if escape_controls:
            run = [cell.translate(_CONTROL_ESCAPES) for cell in run]
        values = snap["metrics"]
        writer.writerow([*run, *(repr(values[c]) if c in values else "" for c in codes)])
        count += 1
        if count % 1000 == 0:
            report(count, total)
    report(count, total)
    return {"format": "csv", "snapshots": count, "metrics": len(codes)}


_CONTROL_ESCAPES = {c: f"\\x{c:02x}" for c in [*range(0x00, 0x20), *range(0x7F, 0xA0)]}


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def export_to(store: Database, path: str | None, fmt: str, out: IO[str] | None = None, *,
              days: float | None = None, app: str | None = None,
              environment: str | None = None, progress: Progress | None = None,
              force: bool = False) -> dict:
    """Export as `fmt` ("json" or "csv") to the file `path` (written whole or not at all, owner
    only: exports hold a team's data), or to the stream `out` when no path is given. An
    existing file is replaced only with `force`; the store itself never is."""
    export = export_json if fmt == "json" else export_csv
    options = {"days": days, "app": app, "environment": environment, "progress": progress}
    if path is None:
        if export is export_csv:
            options["escape_controls"] = True   # to a stream (stdout): JSON escapes by itself
        return export(store, out, **options)
    from perftui.core.files import write_file

    protect = [] if store.dialect.name != "sqlite" else [store.path]
    summary = write_file(path, lambda stream: export(store, stream, **options), force=force,
                         protect=protect, mode=0o600)
    return {**summary, "path": os.path.expanduser(path)}
