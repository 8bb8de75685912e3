"""What an export brings besides snapshots: alerts, baseline resets, the target audit trail,
flag rules and daily aggregates, each merged by its natural key (importing twice adds nothing).

Part of `perftui.core.importing`; runs inside its transactions.
"""

from __future__ import annotations

import json

from perftui.core.importers import ImportBatch
from perftui.store import bulk
from perftui.store.engine import Database
from perftui.store.meta import meta_set
from perftui.store.metrics import Catalog, register_metric
from perftui.store.targets import existing_change_keys


def _metric_pk(conn: Database, catalog: Catalog, code: str) -> int:
    row = catalog.find(code) or register_metric(conn, catalog, code)
    return row.id


def import_alerts(conn: Database, catalog: Catalog, batch: ImportBatch,
                   id_map: dict[int, int]) -> int:
    existing = bulk.existing_alert_keys(conn)
    rows = []
    for alert in batch.alerts:
        metric = _metric_pk(conn, catalog, alert["metric_code"])
        key = (metric, alert["app"], alert["environment"], alert["alert_type"],
               alert["triggered_at"])
        if key in existing:
            continue
        existing.add(key)
        rows.append({**alert, "metric_id": metric,
                     "snapshot_id": id_map.get(alert.get("snapshot_id")),
                     "baseline_snapshot_id": id_map.get(alert.get("baseline_snapshot_id")),
                     "normal_streak": alert.get("normal_streak") or 0,
                     "occurrences": alert.get("occurrences") or 1,
                     "message": alert.get("message") or ""})
    return bulk.insert_alert_rows(conn, rows)


def import_extras(conn: Database, catalog: Catalog, batch: ImportBatch,
                   restore: bool, audit: bool = False) -> None:
    resets = bulk.existing_reset_keys(conn)
    rows = []
    for r in batch.baseline_resets:
        key = (_metric_pk(conn, catalog, r["metric_code"]), r["app"], r["environment"], r["since"])
        if key not in resets:
            resets.add(key)
            rows.append((*key, r.get("created_by"), r.get("created_at") or r["since"],
                         r.get("notes")))
    bulk.insert_baseline_resets(conn, rows)
    if (restore and batch.catalog is not None) or audit:
        known = existing_change_keys(conn)
        changes = []
        for t in batch.target_changes:
            row = (_metric_pk(conn, catalog, t["metric_code"]), t["field"], t.get("old_value"),
                   t.get("new_value"), t.get("changed_by"), t["changed_at"], t.get("reason"))
            if (row[0], row[1], row[3], row[5]) not in known:
                known.add((row[0], row[1], row[3], row[5]))
                changes.append(row)
        bulk.insert_target_changes(conn, changes)
    if batch.flag_rules and restore:
        meta_set(conn, "flag_rules", json.dumps(batch.flag_rules))
    bulk.upsert_daily_aggregates(conn, [
        (a["day"], a["app"], a["environment"], _metric_pk(conn, catalog, a["metric_code"]),
         a["count"], a["mean"], a["median"], a["min"], a["max"], a["p95"])
        for a in batch.daily_aggregates], replace=False)
