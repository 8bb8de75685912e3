"""Metric catalog edits with their audit trail (peewee)."""

from __future__ import annotations

from perftui.store.models import Metric, TargetChange
from perftui.store.queries import metric_dict

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


def update_metric(code: str, changes: dict, by: str | None, at: str,
                  reason: str | None = None) -> dict:
    """Apply `changes` to one metric and audit each changed field; returns the new row."""
    metric = Metric.get(Metric.code == code)
    for field, new in changes.items():
        if field not in EDITABLE:
            raise KeyError(field)
        old = getattr(metric, field)
        if field == "active":
            old = bool(old)
        if old == new:
            continue
        TargetChange.create(metric=metric.id, field=field, old_value=_text(old),
                            new_value=_text(new), changed_by=by, changed_at=at, reason=reason)
        setattr(metric, field, new)
    metric.updated_at = at
    metric.updated_by = by
    metric.save()
    return metric_dict(metric)


def add_metric(entry: dict, by: str | None, at: str) -> dict:
    metric = Metric.create(code=entry["id"], key=entry.get("key"), name=entry["name"],
                           unit=entry.get("unit", ""), direction=entry.get("direction", "lower"),
                           target=entry.get("target"), warning=entry.get("warning"),
                           error=entry.get("error"), description=entry.get("description", ""),
                           source=entry.get("source", ""), active=entry.get("active", True),
                           operation=entry.get("operation"), updated_at=at, updated_by=by)
    TargetChange.create(metric=metric.id, field="created", old_value=None,
                        new_value=entry["id"], changed_by=by, changed_at=at, reason=None)
    return metric_dict(metric)


def audit_trail(code: str | None = None, limit: int = 200) -> list[dict]:
    query = (TargetChange.select(TargetChange, Metric).join(Metric)
             .order_by(TargetChange.changed_at.desc(), TargetChange.id.desc()).limit(limit))
    if code:
        query = query.where(Metric.code == code)
    return [{"id": c.id, "metric_id": c.metric.code, "field": c.field, "old_value": c.old_value,
             "new_value": c.new_value, "changed_by": c.changed_by, "changed_at": c.changed_at,
             "reason": c.reason} for c in query]
