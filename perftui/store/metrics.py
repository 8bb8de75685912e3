"""The metrics table: the catalog rows every recording and every reader looks metrics up in.

Registration is idempotent under concurrency: a metric first seen by several processes at once
is inserted by one of them (`ON CONFLICT DO NOTHING`) and read back by the others.
"""

from __future__ import annotations

TYPE_CHECKING = False  # collections.abc imports collections: ~1.5 ms of a host app's start-up
if TYPE_CHECKING:
    from collections.abc import Iterable

from perftui.store.engine import Database
from perftui.timefmt import now_iso


class MetricRow:
    """One row of the metrics table. (A plain slotted class: dataclasses cost milliseconds to
    import and create, and this module runs inside host applications' start-up.)"""

    __slots__ = ("id", "code", "key", "name", "unit", "direction", "target", "warning", "error",
                 "active", "operation")

    def __init__(self, id: int, code: str, key: str | None, name: str, unit: str, direction: str,
                 target: float | None, warning: float | None, error: float | None, active: bool,
                 operation: str | None):
        self.id, self.code, self.key, self.name, self.unit = id, code, key, name, unit
        self.direction, self.target, self.warning, self.error = direction, target, warning, error
        self.active, self.operation = active, operation

    def __repr__(self) -> str:
        return f"MetricRow({self.code!r}, id={self.id})"


_COLUMNS = "id, code, key, name, unit, direction, target, warning, error, active, operation"
_ALL_COLUMNS = (_COLUMNS + ", description, source, updated_at, updated_by")


def _row(r: tuple) -> MetricRow:
    return MetricRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], bool(r[9]), r[10])


class Catalog:
    """The store's metrics, looked up by code ("APP-001"), key ("startup_time_ms") or operation."""

    def __init__(self, rows: Iterable[MetricRow]):
        self.by_code: dict[str, MetricRow] = {}
        self.by_name: dict[str, MetricRow] = {}
        self.by_operation: dict[str, MetricRow] = {}
        for row in rows:
            self.add(row)

    def add(self, row: MetricRow) -> None:
        self.by_code[row.code] = row
        self.by_name[row.code] = row
        if row.key:
            self.by_name[row.key] = row
        if row.operation:
            self.by_operation[row.operation] = row

    def find(self, name: str) -> MetricRow | None:
        return self.by_name.get(name)


def load_catalog(db: Database) -> Catalog:
    return Catalog(_row(r) for r in db.execute(f"SELECT {_COLUMNS} FROM metrics"))


def ensure_metric(db: Database, catalog: Catalog, entry: dict, by: str) -> MetricRow:
    """The catalog row for entry["id"] (or its key), registering it from the catalog entry
    when the store does not know it yet. Safe when other processes register it at the same
    time: whoever inserts first wins and the rest read that row back."""
    found = catalog.find(entry["id"]) or (catalog.find(entry["key"]) if entry.get("key") else None)
    if found is not None:
        return found
    db.execute(
        "INSERT INTO metrics (code, key, name, unit, direction, target, warning, error,"
        " description, source, active, operation, updated_at, updated_by)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
        (entry["id"], entry.get("key"), entry.get("name") or entry["id"], entry.get("unit", ""),
         entry.get("direction", "lower"), entry.get("target"), entry.get("warning"),
         entry.get("error"), entry.get("description", ""), entry.get("source", ""),
         int(bool(entry.get("active", True))), entry.get("operation"), now_iso(), by))
    row = db.execute(f"SELECT {_COLUMNS} FROM metrics WHERE code = ? OR key = ?"
                     " ORDER BY code = ? DESC LIMIT 1",
                     (entry["id"], entry["id"], entry["id"])).fetchone()
    metric = _row(row)
    catalog.add(metric)
    return metric


def register_metric(db: Database, catalog: Catalog, name: str) -> MetricRow:
    """Register a metric first seen in a recording (unit guessed from its name, no target)."""
    from perftui.store.catalog import guess_metric

    return ensure_metric(db, catalog, guess_metric(name), "recorder")


def insert_catalog_rows(db: Database, metrics: list[dict], by: str) -> None:
    """Insert whole catalog entries (a new store's default catalog)."""
    now = now_iso()
    db.executemany(
        "INSERT INTO metrics (code, key, name, unit, direction, target, warning, error, description,"
        " source, active, operation, updated_at, updated_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [(m["id"], m["key"], m["name"], m["unit"], m["direction"], m["target"], m["warning"],
          m["error"], m["description"], m["source"], int(m["active"]), m.get("operation"), now, by)
         for m in metrics])


# ---------------------------------------------------------------- reads for the faces

def _dict(r: tuple) -> dict:
    return {"metric_id": r[1], "key": r[2], "name": r[3], "unit": r[4], "direction": r[5],
            "target": r[6], "warning": r[7], "error": r[8], "description": r[11],
            "source": r[12], "active": bool(r[9]), "operation": r[10], "updated_at": r[13],
            "updated_by": r[14], "_pk": r[0]}


def metric_rows(db: Database, active_only: bool = False) -> list[dict]:
    """Every metric as a dict (metric_id = its code), in code order."""
    where = " WHERE active = ?" if active_only else ""
    params = (1,) if active_only else ()
    return [_dict(r) for r in db.execute(
        f"SELECT {_ALL_COLUMNS} FROM metrics{where} ORDER BY code", params)]


def find_metric(db: Database, name: str) -> dict | None:
    """By code ("APP-001") or key ("startup_time_ms"); the code wins over another's key."""
    row = db.execute(f"SELECT {_ALL_COLUMNS} FROM metrics WHERE code = ? OR key = ?"
                     " ORDER BY code = ? DESC LIMIT 1", (name, name, name)).fetchone()
    return _dict(row) if row else None


def metric_entries(db: Database) -> list[dict]:
    """The catalog as entries of the catalog file format, by code."""
    out = []
    for m in metric_rows(db):
        entry = {"id": m["metric_id"], "key": m["key"], "name": m["name"], "unit": m["unit"],
                 "direction": m["direction"], "target": m["target"], "warning": m["warning"],
                 "error": m["error"], "description": m["description"], "source": m["source"],
                 "active": m["active"]}
        if m["operation"]:
            entry["operation"] = m["operation"]
        out.append(entry)
    return out


def measured_metric_codes(db: Database) -> list[str]:
    """Codes of metrics with at least one measurement, in code order."""
    return [r[0] for r in db.execute(
        "SELECT code FROM metrics WHERE EXISTS (SELECT 1 FROM measurements"
        " WHERE measurements.metric_id = metrics.id) ORDER BY code")]


def metric_codes(db: Database) -> dict[int, str]:
    """Row id -> code of every metric."""
    return dict(db.execute("SELECT id, code FROM metrics").fetchall())
