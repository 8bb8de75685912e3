"""Metric catalog edits with their audit trail (`target_changes`)."""

from __future__ import annotations

from perftui.store.engine import Database
from perftui.store.metrics import find_metric, metric_rows

EDITABLE = ("name", "unit", "direction", "target", "warning", "error", "description", "source",
            "active", "operation", "key")


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _audit(db: Database, rows: list[tuple]) -> None:
    """(metric row id, field, old text, new text, by, at, reason) rows."""
    db.executemany("INSERT INTO target_changes (metric_id, field, old_value, new_value,"
                   " changed_by, changed_at, reason) VALUES (?,?,?,?,?,?,?)", rows)


def update_metric(db: Database, code: str, changes: dict, by: str | None, at: str,
                  reason: str | None = None) -> dict:
    """Apply `changes` to one metric and audit each changed field; returns the new row."""
    metric = find_metric(db, code)
    if metric is None or metric["metric_id"] != code:
        raise KeyError(code)
    changed, audit = {}, []
    for field, new in changes.items():
        if field not in EDITABLE:
            raise KeyError(field)
        old = metric[field]
        if old == new:
            continue
        audit.append((metric["_pk"], field, _text(old), _text(new), by, at, reason))
        changed[field] = int(new) if field == "active" else new
    assignments = "".join(f"{field} = ?, " for field in changed)
    db.execute(f"UPDATE metrics SET {assignments}updated_at = ?, updated_by = ? WHERE id = ?",
               (*changed.values(), at, by, metric["_pk"]))
    _audit(db, audit)
    return find_metric(db, code)


def add_metric(db: Database, entry: dict, by: str | None, at: str) -> dict:
    """Add a metric from a catalog entry, audited as 'created'."""
    pk = db.execute(
        "INSERT INTO metrics (code, key, name, unit, direction, target, warning, error,"
        " description, source, active, operation, updated_at, updated_by)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
        (entry["id"], entry.get("key"), entry["name"], entry.get("unit", ""),
         entry.get("direction", "lower"), entry.get("target"), entry.get("warning"),
         entry.get("error"), entry.get("description", ""), entry.get("source", ""),
         int(bool(entry.get("active", True))), entry.get("operation"), at, by)).scalar()
    _audit(db, [(pk, "created", None, entry["id"], by, at, None)])
    return find_metric(db, entry["id"])


def restore_definition(db: Database, metric_pk: int, entry: dict, by: str, at: str) -> None:
    """Overwrite a metric's definition with a catalog entry (a restore, not an edit: the
    audit rows come from the file being restored)."""
    fields = ("name", "unit", "direction", "target", "warning", "error", "description",
              "source", "active", "operation")
    values = [int(bool(entry[f])) if f == "active" else entry.get(f) for f in fields]
    db.execute(f"UPDATE metrics SET {', '.join(f + ' = ?' for f in fields)},"
               " updated_at = ?, updated_by = ? WHERE id = ?", (*values, at, by, metric_pk))


def existing_change_keys(db: Database) -> set[tuple]:
    """(metric row id, field, new value, changed_at) of every audit row: what a push or an
    import of another store's trail must not add twice."""
    return {tuple(r) for r in db.execute(
        "SELECT metric_id, field, new_value, changed_at FROM target_changes")}


def audit_trail(db: Database, code: str | None = None, limit: int = 200) -> list[dict]:
    sql = ("SELECT t.id, m.code, t.field, t.old_value, t.new_value, t.changed_by, t.changed_at,"
           " t.reason FROM target_changes t JOIN metrics m ON m.id = t.metric_id")
    args: list = []
    if code:
        sql += " WHERE m.code = ?"
        args.append(code)
    sql += " ORDER BY t.changed_at DESC, t.id DESC LIMIT ?"
    args.append(limit)
    keys = ("id", "metric_id", "field", "old_value", "new_value", "changed_by", "changed_at",
            "reason")
    return [dict(zip(keys, r)) for r in db.execute(sql, args)]


__all__ = ["EDITABLE", "update_metric", "add_metric", "restore_definition", "audit_trail",
           "metric_rows", "find_metric"]
