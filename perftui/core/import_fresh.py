"""Which of an import's snapshots are new: found a chunk at a time, never by loading the store.

Part of `perftui.core.importing` (see its docstring): a chunk's keys (time, app, environment,
commit) and uids are looked up in the store when the chunk is reached, inside the writing
transaction, so what earlier chunks wrote counts too.
"""

from __future__ import annotations

from itertools import islice

from perftui.core.importers import model as m
from perftui.core.importers.ordered import Snapshots
from perftui.store import bulk
from perftui.store.engine import Database


def snapshot_key(snap: m.ImportedSnapshot) -> tuple[str, str, str, str]:
    """What makes two runs the same run when neither has a uid."""
    f = snap.fields
    return f["recorded_at"], f["app"], f["environment"], f.get("git_commit") or ""


class FreshSnapshots:
    """The snapshots of `source` the store does not hold yet, oldest first, `chunk` at a
    time: each chunk's keys (time, app, environment, commit) and uids are looked up in
    the store when the chunk is reached (inside the writing transaction, so what earlier
    chunks wrote counts too). Keeps the summary's counts and the ids alerts need."""

    def __init__(self, conn: Database, source: Snapshots, alerts: list[dict],
                 summary: dict, written, chunk: int) -> None:
        self.conn, self.summary, self.written, self.chunk = conn, summary, written, chunk
        self.snapshots = iter(source)
        self.wanted = {a.get(k) for a in alerts for k in ("snapshot_id", "baseline_snapshot_id")
                       if a.get(k) is not None}
        self.id_map: dict[int, int] = {}    # source id -> new id, of the ids alerts name
        self.skipped_uids: dict[str, int] = {}    # uid -> source id, of the ids alerts name

    def next_chunk(self) -> list[m.ImportedSnapshot] | None:
        """The next chunk's new snapshots ([] if all are stored); None at the end."""
        part = list(islice(self.snapshots, self.chunk))
        if not part:
            return None
        conn = self.conn
        existing = bulk.existing_snapshot_keys(conn, part[0].fields["recorded_at"],
                                               part[-1].fields["recorded_at"])
        known_uids = bulk.existing_uids(conn, [s.fields["uid"] for s in part
                                               if s.fields.get("uid")])
        fresh = []
        for snap in part:
            key, uid = snapshot_key(snap), snap.fields.get("uid")
            if key not in existing and not (uid and uid in known_uids):
                existing.add(key)
                if uid:
                    known_uids.add(uid)
                fresh.append(snap)
            elif uid and snap.source_id in self.wanted:
                self.skipped_uids[uid] = snap.source_id
        skipped = len(part) - len(fresh)
        summary = self.summary
        summary["skipped_duplicates"] += skipped
        self.written.total -= skipped
        if fresh:
            summary["imported"] += len(fresh)
            summary["measurements"] += sum(len(s.metrics) for s in fresh)
            summary["first"] = summary["first"] or fresh[0].fields["recorded_at"]
            summary["last"] = fresh[-1].fields["recorded_at"]
        return fresh

    def stored_ids(self, id_map: dict[int, int]) -> dict[int, int]:
        """Source id -> stored id for the alerts' snapshots stored by an earlier import of
        this file (run again after it stopped part-way), found by their uid."""
        wanted = {uid: sid for uid, sid in self.skipped_uids.items() if sid not in id_map}
        if not wanted:
            return {}
        from perftui.store.snapshots import ids_by_uid

        return {wanted[uid]: sid for uid, sid in ids_by_uid(self.conn, list(wanted)).items()}
