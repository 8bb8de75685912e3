"""Targets: the metric catalog with its lines, edited with validation and an audit trail."""

from __future__ import annotations

from typing import Any

from perftui.core.errors import InputError
from perftui.core.scope import current_user
from perftui.store import queries
from perftui.store import targets as store_targets
from perftui.store.catalog import (CatalogError, catalog_document, check_number, normalise_entry,
                                   parse_catalog, read_catalog_file, validate_lines)
from perftui.store.db import Store
from perftui.timefmt import now_iso

UNSET: Any = object()


def list_targets(store: Store) -> list[dict]:
    return [_public(m) for m in queries.metric_rows()]


def _public(row: dict) -> dict:
    return {k: v for k, v in row.items() if not k.startswith("_")}


def get_metric(store: Store, name: str) -> dict:
    metric = queries.find_metric(name)
    if metric is None:
        raise InputError(f"unknown metric {name!r} (see `perftui targets` for the catalog)")
    return _public(queries.metric_dict(metric))


def set_target(store: Store, name: str, *, target: Any = UNSET, warning: Any = UNSET,
               error: Any = UNSET, active: bool | None = None, by: str | None = None,
               reason: str | None = None) -> dict:
    """Change a metric's lines and/or active flag. Values may be numbers, numeric text, or None
    (clears the line). Validated as a whole before anything is written; audited per field."""
    current = get_metric(store, name)
    changes: dict[str, Any] = {}
    try:
        for field, value in (("target", target), ("warning", warning), ("error", error)):
            if value is not UNSET:
                if isinstance(value, str) and value.strip().lower() in ("", "none", "null", "-"):
                    value = None
                changes[field] = check_number(value, field)
        merged = {f: changes.get(f, current[f]) for f in ("target", "warning", "error")}
        validate_lines(current["direction"], merged["target"], merged["warning"], merged["error"],
                       current["metric_id"])
    except CatalogError as exc:
        raise InputError(str(exc)) from None
    if active is not None:
        changes["active"] = bool(active)
    if not changes:
        raise InputError("nothing to change: give --target, --warning, --error, --active or --inactive")
    with store.atomic():
        row = store_targets.update_metric(current["metric_id"], changes, by or current_user(),
                                          now_iso(), reason)
    return _public(row)


def add_metric(store: Store, entry: dict, by: str | None = None) -> dict:
    try:
        clean = normalise_entry(entry)
    except CatalogError as exc:
        raise InputError(str(exc)) from None
    for name in (clean["id"], clean["key"]):
        if name and queries.find_metric(name) is not None:
            raise InputError(f"metric {name!r} already exists")
    with store.atomic():
        row = store_targets.add_metric(clean, by or current_user(), now_iso())
    return _public(row)


def audit_trail(store: Store, name: str | None = None, limit: int = 200) -> list[dict]:
    code = get_metric(store, name)["metric_id"] if name else None
    return store_targets.audit_trail(code, limit)


def export_catalog(store: Store) -> dict:
    """The store's catalog as a catalog document (the format `targets import` reads)."""
    from perftui.store.writer import flag_rules

    metrics = []
    for m in list_targets(store):
        entry = {"id": m["metric_id"], "key": m["key"], "name": m["name"], "unit": m["unit"],
                 "direction": m["direction"], "target": m["target"], "warning": m["warning"],
                 "error": m["error"], "description": m["description"], "source": m["source"],
                 "active": m["active"]}
        if m["operation"]:
            entry["operation"] = m["operation"]
        metrics.append(entry)
    return catalog_document(metrics, flag_rules(store.raw()))


def import_catalog(store: Store, path: str, by: str | None = None) -> dict:
    """Apply a catalog file: new metrics are added, existing ones updated (audited).
    The whole file is validated first; on any error nothing changes."""
    try:
        metrics, _flags = read_catalog_file(path)
    except CatalogError as exc:
        raise InputError(str(exc)) from None
    who, at = by or current_user(), now_iso()
    added, updated, unchanged = [], [], []
    with store.atomic():
        for entry in metrics:
            existing = queries.find_metric(entry["id"])
            if existing is None:
                if entry["key"] and queries.find_metric(entry["key"]) is not None:
                    raise InputError(f"metric {entry['id']}: key {entry['key']!r} belongs to "
                                     "another metric")
                store_targets.add_metric(entry, who, at)
                added.append(entry["id"])
                continue
            current = queries.metric_dict(existing)
            changes = {f: entry[f] for f in store_targets.EDITABLE
                       if f in entry and entry[f] != current.get(f)}
            if changes:
                store_targets.update_metric(entry["id"], changes, who, at, f"targets import {path}")
                updated.append(entry["id"])
            else:
                unchanged.append(entry["id"])
    return {"added": added, "updated": updated, "unchanged": unchanged}


__all__ = ["UNSET", "list_targets", "get_metric", "set_target", "add_metric", "audit_trail",
           "export_catalog", "import_catalog", "parse_catalog"]
