"""Copy a local store into a team store: `perftui push --to postgresql://…`.

Snapshots go over in batches, each batch one transaction in the team store, oldest first; every
snapshot carries its stable identity (`uid`), so pushing twice adds nothing, and a push that was
interrupted half-way is finished by running it again. Then the alerts (linked to their
snapshots in the team store), accepted baselines, target changes and daily aggregates follow,
each skipped where the team store has it already. The team's own target lines are left as they
are unless the team store was empty (then the push is a restore, as an import is).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from perftui.core.export import FORMAT as EXPORT_FORMAT_NAME
from perftui.core.export import alert_document, snapshot_document
from perftui.core.importers import perftui_json
from perftui.core.importing import apply_batch
from perftui.store import bulk
from perftui.store.catalog import catalog_document
from perftui.store.engine import Database
from perftui.store.meta import flag_rules
from perftui.store.metrics import metric_entries
from perftui.store.snapshots import ids_by_uid, uids_by_id

BATCH = 2000
Progress = Callable[[int, int], None]


def push(source: Database, target: Database, *, batch: int = BATCH,
         progress: Progress | None = None) -> dict:
    """Shape: {from, to, snapshots_in_source, pushed, already_there, alerts, baseline_resets,
    target_changes, daily_aggregates, batches}."""
    report = progress or (lambda done, total: None)
    header = {"format": EXPORT_FORMAT_NAME, "version": 1,
              "catalog": catalog_document(metric_entries(source), flag_rules(source))}
    where = Path(source.path)
    total = bulk.count_snapshots(source)
    result = {"from": source.path, "to": target.path, "snapshots_in_source": total,
              "pushed": 0, "already_there": 0, "alerts": 0, "baseline_resets": 0,
              "target_changes": 0, "daily_aggregates": 0, "batches": 0}
    done, chunk = 0, []
    for snap in bulk.iter_snapshots(source):
        chunk.append(snapshot_document(snap))
        if len(chunk) == batch:
            done = _send(target, where, header, chunk, result, done, total, report)
            chunk = []
    if chunk or result["batches"] == 0:
        done = _send(target, where, header, chunk, result, done, total, report)
    # what refers to snapshots: linked through their identities, in the team store's ids
    uids = uids_by_id(source)
    there = ids_by_uid(target, list(uids.values()))
    known_ids = {sid: there[uid] for sid, uid in uids.items() if uid in there}
    extras = {**header, "snapshots": [],
              "alerts": [alert_document(a) for a in bulk.alert_rows(source)],
              "baseline_resets": bulk.baseline_reset_rows(source),
              "target_changes": bulk.target_change_rows(source),
              "daily_aggregates": bulk.daily_aggregate_rows(source)}
    loaded = perftui_json.read(where, {}, document=extras)
    before = {t: bulk.store_counts(target)[t] for t in
              ("alerts", "baseline_resets", "target_changes", "daily_aggregates")}
    apply_batch(target, loaded, by="push", known_ids=known_ids, audit=True)
    after = bulk.store_counts(target)
    for table, count in before.items():
        result[table] = after[table] - count
    report(total, total)
    return result


def _send(target: Database, where: Path, header: dict, chunk: list[dict], result: dict,
          done: int, total: int, report: Progress) -> int:
    loaded = perftui_json.read(where, {}, document={**header, "snapshots": chunk})
    summary = apply_batch(target, loaded, by="push")
    result["pushed"] += summary["imported"]
    result["already_there"] += summary["skipped_duplicates"]
    result["batches"] += 1
    done += len(chunk)
    report(done, total)
    return done

