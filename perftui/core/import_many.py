"""Import several files as one: every file read and checked before any is written, then
written oldest run first.

    loaded = load_many([Path("b.json"), Path("a.xml")], "auto", defaults)
    check_against_store(conn, loaded)        # ImportFileError: nothing is written
    for path, batch in loaded:
        import_batch(conn, batch, path)

A file is checked twice before the first write: alone when it is read (`importing.load`, the
same checks as a single import), then against the store's units and those the files before
it will register (`check_against_store`), so a value the writer would refuse (a negative
time, a ratio above 1) stops everything instead of leaving the files before it written.
Writing each file is `importing.import_batch`, unchanged: short transactions, duplicates
skipped, resumable.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from perftui.core.importers import ImportBatch, ImportFileError
from perftui.core.importers.ordered import Snapshots
from perftui.core.importing import check_units, load
from perftui.errors import RecordError
from perftui.store.engine import Database
from perftui.store.metrics import Catalog, load_catalog


def load_many(paths: list[Path], fmt: str = "auto",
              defaults: dict | None = None) -> list[tuple[Path, ImportBatch]]:
    """Read and validate every file before any is written (the first bad one raises its
    ImportFileError and nothing is kept), then order them by run time: each file's oldest
    snapshot, ties in the order given. The same file named twice is read once."""
    seen: set[Path] = set()
    loaded: list[tuple[Path, ImportBatch]] = []
    try:
        for path in paths:
            key = path.resolve()
            if key not in seen:
                seen.add(key)
                loaded.append((path, load(path, fmt, defaults)))
    except BaseException:
        for _, batch in loaded:
            if batch.source is not None:
                batch.source.close()
        raise
    return sorted(loaded, key=lambda item: run_time(item[1]))


def run_time(batch: ImportBatch) -> str:
    """When a loaded batch's oldest snapshot ran ("" for one without snapshots)."""
    if batch.source is not None:
        return batch.source.first or ""
    return min((s.fields["recorded_at"] for s in batch.snapshots), default="")


def check_against_store(conn: Database, loaded: list[tuple[Path, ImportBatch]]) -> None:
    """Before the first of several files is written: every file's values as the units their
    metrics will have allow (the rule `check_units` applies while writing): the store's unit,
    else the one an earlier file registers (its catalog, its hints, or the unit guessed from
    the name). A file the store would refuse for that stops the import with nothing written."""
    planned = _PlannedUnits(load_catalog(conn))
    for path, batch in loaded:
        source = batch.source if batch.source is not None else Snapshots.of(batch.snapshots)
        planned.register(batch, source.ranges)
        try:
            check_units(planned, source.ranges)
        except RecordError as exc:
            raise ImportFileError(f"{path}: {exc}; nothing was imported") from None


class _PlannedUnits:
    """A catalog's `find` for check_units: the store's metrics plus those files will add."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.new: dict[str, SimpleNamespace] = {}

    def find(self, name: str):
        return self.catalog.find(name) or self.new.get(name)

    def register(self, batch: ImportBatch, ranges: dict) -> None:
        from perftui.store.catalog import guess_metric

        entries = [(e["id"], e["unit"]) for e in batch.catalog or []]
        entries += [(name, hint.unit) for name, hint in batch.hints.items()]
        entries += [(name, guess_metric(name)["unit"]) for name in sorted(ranges)]
        for name, unit in entries:
            if self.find(name) is None:
                self.new[name] = SimpleNamespace(code=name, unit=unit)
