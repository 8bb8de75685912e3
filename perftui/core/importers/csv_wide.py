"""Wide CSV, as `perftui export --format csv` writes it: a row per snapshot, a column per metric.

Columns named like snapshot fields (recorded_at, app, environment, git_commit, git_branch,
app_version, is_cold_start, status, host, ...) describe the run; `recorded_at` is required.
Every other column is a metric id; an empty cell means the metric was not recorded in that run.
"""

from __future__ import annotations

import csv
from pathlib import Path

from perftui.core.importers import model as m
from perftui.core.importers import ordered
from perftui.store.snapshots import SNAPSHOT_FIELDS

_RUN_COLUMNS = set(SNAPSHOT_FIELDS) | {"id", "flags", "operations", "cache_stats", "errors"}
_TRUE = {"1", "true", "yes", "y", "t"}
_FALSE = {"", "0", "false", "no", "n", "f"}


def looks_like(text: str) -> bool:
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    return "recorded_at" in [c.strip() for c in first.split(",")]


def read(path: Path, defaults: dict, *, stream: bool = False) -> m.ImportBatch:
    """Read and validate a wide CSV file, a row at a time. With `stream`, the snapshots go to
    `batch.source` (importers/ordered.py) instead of the `batch.snapshots` list."""
    batch = m.ImportBatch("csv")
    privacy = m.Privacy()
    try:
        with ordered.Collect(batch, stream) as add, _open(path) as handle:
            _read_rows(path, csv.reader(handle), defaults,
                       lambda snap: add(privacy.snapshot(snap)))
    except UnicodeDecodeError:
        raise m.ImportFileError(f"{path} is not a UTF-8 text file") from None
    return privacy.rest(batch)


def _open(path: Path):
    try:
        return open(path, encoding="utf-8-sig")
    except FileNotFoundError:
        raise m.ImportFileError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise m.ImportFileError(f"{path} is a directory") from None
    except OSError as exc:
        raise m.ImportFileError(f"cannot read {path}: {exc.strerror or exc}") from None


def _read_rows(path: Path, reader, defaults: dict, add) -> None:
    try:
        header = next(reader)
    except StopIteration:
        raise m.ImportFileError(f"{path} is empty") from None
    except csv.Error as exc:
        raise m.ImportFileError(f"{path}: not a readable CSV file ({exc})") from None
    header = [h.strip() for h in header]
    if "recorded_at" not in header:
        raise m.ImportFileError(f"{path}: the header has no recorded_at column")
    if len(set(header)) != len(header):
        raise m.ImportFileError(f"{path}: the header repeats a column name")
    metric_columns = [(i, name) for i, name in enumerate(header) if name not in _RUN_COLUMNS]
    for _, name in metric_columns:
        if not m.valid_metric_name(name):
            raise m.ImportFileError(f"{path}: column {name!r} is not a valid metric id")
    try:
        for line, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise m.ImportFileError(f"{path}: line {line} has {len(row)} cells, the header "
                                        f"has {len(header)} (truncated or malformed file?)")
            add(_row(dict(zip(header, row)), metric_columns, row, f"{path}: line {line}",
                     defaults))
    except csv.Error as exc:
        raise m.ImportFileError(f"{path}: not a readable CSV file ({exc})") from None


def _row(cells: dict[str, str], metric_columns, row, where: str,
         defaults: dict) -> m.ImportedSnapshot:
    fields = {"recorded_at": m.timestamp(cells["recorded_at"].strip(), f"{where}, recorded_at")}
    for name in m.SNAPSHOT_TEXT_FIELDS:
        fields[name] = m.text(cells.get(name) or None, f"{where}, {name}")
    fields["app"] = fields["app"] or defaults.get("app") or "default"
    fields["environment"] = fields["environment"] or defaults.get("environment") or "local"
    fields["git_commit"] = fields["git_commit"] or defaults.get("git_commit")
    fields["git_branch"] = fields["git_branch"] or defaults.get("git_branch")
    for name in m.SNAPSHOT_NUMBER_FIELDS:
        cell = (cells.get(name) or "").strip()
        fields[name] = _number(cell, f"{where}, {name}") if cell else None
    for name in ("cpu_count", "total_memory_mb"):
        fields[name] = m.optional_count(fields[name], f"{where}, {name}")
    cold = (cells.get("is_cold_start") or "").strip().lower()
    if cold not in _TRUE | _FALSE:
        raise m.ImportFileError(f"{where}, is_cold_start: expected true or false, got {cold!r}")
    fields["is_cold_start"] = cold in _TRUE
    fields["status"] = m.check_status((cells.get("status") or "").strip() or None,
                                      f"{where}, status")
    values = {}
    for index, name in metric_columns:
        cell = row[index].strip()
        if cell:
            values[name] = _number(cell, f"{where}, column {name}")
    return m.ImportedSnapshot(fields, values)


def _number(cell: str, where: str) -> float:
    try:
        value = float(cell)
    except ValueError:
        raise m.ImportFileError(f"{where}: expected a number, got {cell!r}") from None
    return m.number(value, where)
