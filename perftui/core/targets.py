"""Targets: the metric catalog with its lines, edited with validation and an audit trail."""

from __future__ import annotations

from typing import Any

from perftui.core.scope import current_user
from perftui.store import targets as store_targets
from perftui.errors import CatalogError, InputError
from perftui.store.catalog import (catalog_document, check_number, normalise_entry,
                                   parse_catalog, read_catalog_file, validate_lines)
from perftui.store.engine import Database
from perftui.store.meta import flag_rules
from perftui.store.metrics import find_metric, metric_entries, metric_rows
from perftui.textrules import control_message, first_control
from perftui.timefmt import now_iso

UNSET: Any = object()


def list_targets(store: Database) -> list[dict]:
    return [_public(m) for m in metric_rows(store)]


def _public(row: dict) -> dict:
    return {k: v for k, v in row.items() if not k.startswith("_")}


def get_metric(store: Database, name: str) -> dict:
    metric = find_metric(store, name)
    if metric is None:
        raise InputError(f"unknown metric {name!r} (see `perftui targets` for the catalog)")
    return _public(metric)


def set_target(store: Database, name: str, *, target: Any = UNSET, warning: Any = UNSET,
               error: Any = UNSET, active: bool | None = None, by: str | None = None,
               reason: str | None = None) -> dict:
    """Change a metric's lines and/or active flag. Values may be numbers, numeric text, or None
    (clears the line). Validated as a whole before anything is written; audited per field."""
    current = get_metric(store, name)
    _check_text("--by", by)
    _check_text("--reason", reason, "\t\n")
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
    with store.transaction():
        row = store_targets.update_metric(store, current["metric_id"], changes, by or current_user(),
                                          now_iso(), reason)
    return _public(row)


def add_metric(store: Database, entry: dict, by: str | None = None) -> dict:
    _check_text("--by", by)
    try:
        clean = normalise_entry(entry)
    except CatalogError as exc:
        raise InputError(str(exc)) from None
    for name in (clean["id"], clean["key"]):
        if name and find_metric(store, name) is not None:
            raise InputError(f"metric {name!r} already exists")
    with store.transaction():
        row = store_targets.add_metric(store, clean, by or current_user(), now_iso())
    return _public(row)


def audit_trail(store: Database, name: str | None = None, limit: int = 200) -> list[dict]:
    code = get_metric(store, name)["metric_id"] if name else None
    return store_targets.audit_trail(store, code, limit)


def _check_text(field: str, text: str | None, allowed: str = "") -> None:
    """Who changed a line and why are shown in terminals later: no control characters."""
    char = first_control(text, allowed) if text is not None else None
    if char is not None:
        raise InputError(control_message(field, char))


def export_catalog(store: Database) -> dict:
    """The store's catalog as a catalog document (the format `targets import` reads)."""
    return catalog_document(metric_entries(store), flag_rules(store))


def import_catalog(store: Database, path: str, by: str | None = None) -> dict:
    """Apply a catalog file: new metrics are added, existing ones updated (audited).
    The whole file is validated first; on any error nothing changes."""
    _check_text("--by", by)
    try:
        metrics, _flags = read_catalog_file(path)
    except CatalogError as exc:
        raise InputError(str(exc)) from None
    who, at = by or current_user(), now_iso()
    added, updated, unchanged = [], [], []
    with store.transaction():
        for entry in metrics:
            existing = find_metric(store, entry["id"])
            if existing is not None and existing["metric_id"] != entry["id"]:
                existing = None  # that name is another metric's key
            if existing is None:
                if entry["key"] and find_metric(store, entry["key"]) is not None:
                    raise InputError(f"metric {entry['id']}: key {entry['key']!r} belongs to "
                                     "another metric")
                store_targets.add_metric(store, entry, who, at)
                added.append(entry["id"])
                continue
            current = existing
            changes = {f: entry[f] for f in store_targets.EDITABLE
                       if f in entry and entry[f] != current.get(f)}
            if changes:
                store_targets.update_metric(store, entry["id"], changes, who, at, f"targets import {path}")
                updated.append(entry["id"])
            else:
                unchanged.append(entry["id"])
    return {"added": added, "updated": updated, "unchanged": unchanged}


__all__ = ["UNSET", "list_targets", "get_metric", "set_target", "add_metric", "audit_trail",
           "export_catalog", "import_catalog", "parse_catalog"]
