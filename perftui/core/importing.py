"""Bring history into a store: validate the whole file first, then write it in short transactions.

    summary = import_file(conn, Path("results.json"), "auto", replay=False, defaults={...})

Bulk mode inserts snapshots as they are (fast, no evaluation). `replay=True` sends each
snapshot, oldest first, through `record_snapshot`, raising the alerts a live run would have.
Snapshots the store already holds (same time, app, environment and commit, or the same uid)
are skipped, so importing a file twice changes nothing. A perftui export also brings its alerts,
baseline resets and daily aggregates; into a store that has no snapshots yet it is a restore,
and the file's catalog lines and target audit trail are applied too.

A malformed file changes nothing: it is read and checked whole before the store is touched.
perftui JSON and CSV are read a snapshot at a time (importers/jsonstream.py) and kept in memory
only while few; beyond that they wait, validated and sorted, in a temporary directory
(importers/ordered.py): memory does not grow with the file (1M snapshots: see docs/cli.md).
Snapshots the store holds are found a chunk at a time (import_fresh: a query of the chunk's
time range and uids), never by loading the store's keys. The writing is done in transactions
of at most `bulk.TXN_SECONDS` each, oldest snapshots first, with a pause between them, so
recorders of running applications get the write lock within their busy timeout while a large
import runs. What an export brings besides snapshots is merged by import_extras. An import that stops part-way (Ctrl-C, a full
disk, the store deleted) keeps what it wrote, and says how much; running the same import again
adds the rest (what is stored is skipped): resumable, not all-or-nothing.
"""

from __future__ import annotations

import inspect
import statistics
from collections.abc import Callable
from pathlib import Path

from perftui.core.importers import ImportBatch, ImportFileError, read_file
from perftui.core.importers import model as m
from perftui.core.import_extras import import_alerts, import_extras
from perftui.core.import_fresh import FreshSnapshots
from perftui.core.importers.ordered import Snapshots
from perftui.errors import PerftuiError, RecordError
from perftui.recorder.evaluate import (NON_NEGATIVE_UNITS, SnapshotInput, check_value,
                                       judge_unjudged, record_snapshot)
from perftui.store import bulk
from perftui.store.engine import Database
from perftui.store.metrics import Catalog, ensure_metric, load_catalog, register_metric
from perftui.store.targets import restore_definition
from perftui.timefmt import now_iso

CHUNK = 250          # snapshots per insert statement (transactions: bulk.short_transactions)
_INPUT_FIELDS = set(inspect.signature(SnapshotInput).parameters) - {"metrics"}
Progress = Callable[[int, int], None]


def load(path: Path, fmt: str = "auto", defaults: dict | None = None) -> ImportBatch:
    """Read and validate a file without touching any store (ImportFileError on bad input).
    perftui JSON and CSV are streamed: their snapshots are in `batch.source`."""
    batch = read_file(path, fmt, defaults or {}, stream=True)
    if not batch.snapshot_count and not batch.daily_aggregates:
        if batch.source is not None:
            batch.source.close()
        raise ImportFileError(f"{path}: nothing to import (no snapshots)")
    return batch


def import_file(conn: Database, path: Path, fmt: str = "auto", *, replay: bool = False,
                defaults: dict | None = None, progress: Progress | None = None) -> dict:
    """Read, validate and import one file (or asv directory). Returns a summary dict."""
    return import_batch(conn, load(path, fmt, defaults), path, replay=replay, progress=progress)


class Written:
    """How far a bulk write got: `done` of `total` new snapshots committed."""

    __slots__ = ("done", "total")

    def __init__(self) -> None:
        self.done = 0
        self.total = 0

    def note(self) -> str:
        if not self.done:
            return "nothing was imported"
        return (f"{self.done:,} of {self.total:,} new snapshots were stored (the oldest); run "
                "the same import again to add the rest (stored snapshots are skipped)")


class ImportInterrupted(KeyboardInterrupt):
    """Ctrl-C during an import: the message says what was stored and how to finish."""


def import_batch(conn: Database, batch: ImportBatch, path: Path, *,
                 replay: bool = False, progress: Progress | None = None) -> dict:
    """Write a loaded batch (see the module's docstring for the transactions). Returns a
    summary dict. A failure part-way says how much was stored."""
    written = Written()
    try:
        summary = apply_batch(conn, batch, replay=replay, progress=progress, written=written)
    except KeyboardInterrupt:
        raise ImportInterrupted(f"{path}: import interrupted; {written.note()}") from None
    except conn.dialect.integrity as exc:
        raise ImportFileError(f"{path}: conflicts with the store ({exc}); "
                              f"{written.note()}") from None
    except RecordError as exc:
        raise ImportFileError(f"{path}: {exc}; {written.note()}") from None
    except PerftuiError as exc:
        if not written.done:
            raise
        raise type(exc)(f"{exc}; {written.note()}") from None
    summary["file"] = str(path)
    return summary


def harmonise_units(batch: ImportBatch, catalog: Catalog) -> None:
    """Give every rescalable (seconds) metric one time unit: the store's if it knows the
    metric, else the most readable one for its median; values are converted in place."""
    for metric_id, hint in batch.hints.items():
        if not hint.rescale:
            continue
        known = catalog.find(metric_id)
        seconds = [s.metrics[metric_id] for s in batch.snapshots if metric_id in s.metrics]
        if known is not None:
            unit = known.unit if m.is_time_unit(known.unit) else None
        else:
            unit = m.time_unit_for(statistics.median(seconds)) if seconds else "s"
        if unit is None:
            continue
        hint.unit = unit
        hint.rescale = False
        for snap in batch.snapshots:
            if metric_id in snap.metrics:
                snap.metrics[metric_id] = m.convert_seconds(snap.metrics[metric_id], unit)


def register_metrics(conn: Database, batch: ImportBatch, by: str) -> None:
    """Register a batch's hinted metrics and give its seconds their time units (as an import
    of it would), without storing its snapshots: for a writer that records the values itself
    through the recorder (the pytest plugin), so its metrics continue an imported history."""
    with conn.transaction():
        catalog = load_catalog(conn)
        harmonise_units(batch, catalog)
        _apply_catalog(conn, catalog, batch, False, by)


def apply_batch(conn: Database, batch: ImportBatch, *, replay: bool = False,
                progress: Progress | None = None, by: str = "import",
                known_ids: dict[int, int] | None = None, audit: bool = False,
                written: Written | None = None) -> dict:
    """Write a batch: the catalog and what does not refer to snapshots in one transaction,
    the snapshots in short ones (`bulk.short_transactions`), then alerts and verdicts in a last one.
    `known_ids` maps the batch's snapshot ids to stored ones for snapshots written by an
    earlier batch (so alerts keep their links); `audit` copies the batch's target-change rows
    the store does not have yet even when it is not a restore (a push into a team store).
    `written` is kept up to date with how many new snapshots are committed."""
    report = progress or (lambda done, total: None)
    written = written or Written()
    try:
        with conn.transaction():
            restore = bulk.count_snapshots(conn) == 0
            catalog = load_catalog(conn)
            harmonise_units(batch, catalog)
            source = batch.source if batch.source is not None else Snapshots.of(batch.snapshots)
            registered, kept = _apply_catalog(conn, catalog, batch, restore, by)
            for name in sorted(source.ranges):
                if catalog.find(name) is None:
                    register_metric(conn, catalog, name)
                    registered.append(name)
            check_units(catalog, source.ranges)
            summary = {"format": batch.source_format, "in_file": source.count,
                       "imported": 0, "skipped_duplicates": 0, "measurements": 0,
                       "registered_metrics": sorted(set(registered)), "replayed": replay,
                       "restore": restore and batch.catalog is not None,
                       "first": None, "last": None,
                       "kept_store_definitions": kept, "alerts_imported": 0,
                       "alerts_raised": 0, "notes": list(batch.notes)}
            import_extras(conn, catalog, batch, restore, audit)
        written.total = source.count
        fresh = FreshSnapshots(conn, source, batch.alerts, summary, written, CHUNK)
        if replay:
            summary["alerts_raised"] = _replay(conn, fresh, report, written)
        else:
            _bulk_insert(conn, catalog, fresh, report, written)
    finally:
        if batch.source is not None:
            batch.source.close()
    with conn.transaction():
        if not replay:
            id_map = {**(known_ids or {}), **fresh.id_map}
            id_map.update(fresh.stored_ids(id_map))
            summary["alerts_imported"] = import_alerts(conn, catalog, batch, id_map)
        judge_unjudged(conn)  # the newest run of each scope, as `status` shows it
    return summary


def _in_short_transactions(conn: Database, step: Callable[[], int], written: Written,
                           report: Progress) -> None:
    """`step()` writes a few new snapshots and returns how many (-1: none were left)."""
    state = {"done": 0, "more": True}

    def write(done: int) -> int:
        wrote = step()
        if wrote < 0:
            state["more"] = False
            return done
        return done + wrote

    def committed(done: int) -> None:
        written.done = done
        report(done, written.total)

    bulk.short_transactions(conn, write, 0, lambda done: state["more"], committed)


def check_units(catalog: Catalog, ranges: dict[str, list[float]]) -> None:
    """Each value as its metric's unit allows (no negative time, size or count; a ratio in
    [0, 1]), the rule `record_snapshot` applies; RecordError naming the metric otherwise.
    `ranges`: metric id -> [smallest, largest] value in the file."""
    for name, (low, high) in ranges.items():
        row = catalog.find(name)
        if row.unit == "ratio":
            limits = (0.0, 1.0)
        elif row.unit in NON_NEGATIVE_UNITS:
            limits = (0.0, float("inf"))
        else:
            continue
        for value in (low, high):
            if not limits[0] <= value <= limits[1]:
                check_value(row.code, value, row.unit)    # raises with the message


def _apply_catalog(conn: Database, catalog: Catalog, batch: ImportBatch,
                   restore: bool, by: str) -> tuple[list[str], list[str]]:
    """Register unknown metrics (file catalog first, then hints); on a restore the file's
    definitions replace the store's. Returns (registered ids, ids whose store definition was
    kept although the file's differs)."""
    registered, kept = [], []
    for entry in batch.catalog or []:
        found = catalog.find(entry["id"])
        if found is None:
            ensure_metric(conn, catalog, entry, by)
            registered.append(entry["id"])
        elif restore:
            restore_definition(conn, found.id, entry, by, now_iso())
        elif (found.target, found.warning, found.error, found.active) != (
                entry["target"], entry["warning"], entry["error"], entry["active"]):
            kept.append(entry["id"])
    for metric_id, hint in batch.hints.items():
        if catalog.find(metric_id) is None:
            ensure_metric(conn, catalog, hint.entry(), by)
            registered.append(metric_id)
    return registered, kept


def _bulk_insert(conn: Database, catalog: Catalog, fresh: FreshSnapshots, report: Progress,
                 written: Written) -> None:
    """Insert without evaluation, a chunk per step; `fresh.id_map` gets the new ids alerts
    name."""
    ids = {name: row.id for name, row in catalog.by_name.items()}
    id_map, wanted = fresh.id_map, fresh.wanted

    def write() -> int:
        part = fresh.next_chunk()
        if part is None:
            return -1
        if not part:
            return 0
        next_id = bulk.next_snapshot_id(conn)    # per transaction: recorders write between
        rows, measurements = [], []
        for offset, snap in enumerate(part):
            sid = next_id + offset
            if snap.source_id is not None and snap.source_id in wanted:
                id_map[snap.source_id] = sid
            rows.append(bulk.snapshot_row(sid, snap.fields))
            measurements.extend([(ids[name], sid, value) for name, value in snap.metrics.items()])
        bulk.insert_snapshot_rows(conn, rows)
        bulk.insert_measurement_rows(conn, measurements)
        return len(part)

    _in_short_transactions(conn, write, written, report)


def _replay(conn: Database, fresh: FreshSnapshots, report: Progress, written: Written) -> int:
    """Evaluate each snapshot as if recorded live; returns how many new alerts it raised."""
    raised = 0
    pending: list[m.ImportedSnapshot] = []

    def write() -> int:
        nonlocal raised
        while not pending:
            part = fresh.next_chunk()
            if part is None:
                return -1
            pending.extend(reversed(part))
        snap = pending.pop()
        fields = {k: v for k, v in snap.fields.items() if k in _INPUT_FIELDS}
        result = record_snapshot(conn, SnapshotInput(metrics=snap.metrics, **fields))
        raised += sum(1 for a in result.alerts if a.is_new)
        return 1

    _in_short_transactions(conn, write, written, report)
    return raised


def fold_rollups(store: Database, progress=None) -> bool:
    """Fold what an import wrote into the hourly rollups (`perftui.store.rollups.refresh`), so
    the next report or chart does not pay for it. False when the store could not take it now
    (busy, read-only): the next reader folds it instead."""
    from perftui.store import rollups

    return rollups.refresh(store, progress)
