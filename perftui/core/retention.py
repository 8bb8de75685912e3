"""Retention: the original design's section 6.2, applied by `perftui prune` and automatically.

Policy: raw snapshots are kept 30 days, then folded into daily aggregates (count, mean,
median, min, max, p95 per day, scope and metric, over warm successful runs) which are kept 365
days; cold starts are kept 7 days; alerts are kept forever (a pruned snapshot leaves its alerts
in place with the snapshot reference cleared). Raw cutoffs fall on UTC day boundaries, so a
day is folded whole.

`maybe_prune` runs the policy at most once a day when the CLI opens a store for writing;
`perftui prune --auto off` switches that off for a store (e.g. one holding imported history).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Callable

from perftui.errors import InputError, StoreError
from perftui.store import bulk
from perftui.store import retention as store_retention
from perftui.store.engine import Database
from perftui.store.meta import meta_get, meta_set
from perftui.timefmt import parse_iso, to_iso, utcnow

LAST_RUN_KEY = "retention_last_run"
AUTO_KEY = "retention_auto"
AUTO_INTERVAL = timedelta(days=1)


@dataclass(frozen=True)
class Policy:
    raw_days: int = 30
    aggregate_days: int = 365
    cold_start_days: int = 7

    def cutoffs(self, now: datetime) -> tuple[str, str, str]:
        """(raw cutoff, cold-start cutoff, first aggregate day kept) for `now`."""
        raw_day = (now - timedelta(days=self.raw_days)).date()
        raw = f"{raw_day.isoformat()}T00:00:00.000000Z"
        cold = to_iso(now - timedelta(days=self.cold_start_days))
        first_day = (now - timedelta(days=self.aggregate_days)).date().isoformat()
        return raw, cold, first_day


DEFAULT_POLICY = Policy()


def summarise(values: list[float]) -> tuple[int, float, float, float, float, float]:
    """(count, mean, median, min, max, p95) of sorted values (p95 by linear interpolation)."""
    n = len(values)
    mean = math.fsum(values) / n
    mid = n // 2
    median = values[mid] if n % 2 else (values[mid - 1] + values[mid]) / 2
    pos = 0.95 * (n - 1)
    low = int(math.floor(pos))
    high = min(low + 1, n - 1)
    p95 = values[low] + (values[high] - values[low]) * (pos - low)
    return n, mean, median, values[0], values[-1], p95


def merge(old: tuple, new: tuple) -> tuple:
    """Combine a stored aggregate with a new one for the same day (count-weighted; the merged
    median and p95 are approximations, the rest exact)."""
    n = old[0] + new[0]
    weighted = [(old[i] * old[0] + new[i] * new[0]) / n for i in (1, 2, 5)]
    return n, weighted[0], weighted[1], min(old[3], new[3]), max(old[4], new[4]), weighted[2]


def plan(conn: Database, policy: Policy = DEFAULT_POLICY,
         now: datetime | None = None) -> dict:
    """What a prune would do now, without changing anything."""
    now = now or utcnow()
    raw, cold, first_day = policy.cutoffs(now)
    return {"policy": asdict(policy), "raw_cutoff": raw, "cold_start_cutoff": cold,
            "aggregate_cutoff_day": first_day, **store_retention.counts(conn, raw, cold, first_day)}


def prune(conn: Database, *, policy: Policy = DEFAULT_POLICY,
          now: datetime | None = None, dry_run: bool = False,
          progress: Callable[[int, int], None] | None = None) -> dict:
    """Apply the policy; returns the plan plus what was done.

    Old raw runs are folded and deleted one day at a time, a day's aggregates and deletes in
    the same transaction, in transactions of at most `bulk.TXN_SECONDS` (recorders running
    meanwhile get the write lock between them). A prune that stops part-way has folded whole
    days only, and the next prune goes on from there.

    Shape: {policy, raw_cutoff, cold_start_cutoff, aggregate_cutoff_day, raw_snapshots,
    cold_start_snapshots, measurements, daily_groups, expired_aggregates, dry_run,
    deleted: {snapshots, measurements, aggregates}, aggregated}.
    """
    now = now or utcnow()
    result = plan(conn, policy, now)
    deleted = {"snapshots": 0, "measurements": 0, "aggregates": 0}
    result.update(dry_run=dry_run, deleted=deleted, aggregated=0)
    if dry_run:
        return result
    raw, cold, first_day = policy.cutoffs(now)
    total = result["daily_groups"]

    def fold_day(day: str | None) -> str | None:
        """Fold and delete the runs of `day` (a recorded_at); the next day with runs, if any."""
        start = day[:10] + store_retention.DAY_START
        end = min(_next_day(start), raw)
        rows = []
        for group_day, app, env, metric_id, values in store_retention.daily_groups(
                conn, end, since=start):
            summary = summarise(values)
            old = store_retention.existing_aggregate(conn, group_day, app, env, metric_id)
            if old is not None:
                summary = merge(old, summary)
            rows.append((group_day, app, env, metric_id, *summary))
        bulk.upsert_daily_aggregates(conn, rows)
        result["aggregated"] += len(rows)
        for key, count in store_retention.delete_runs(conn, start, end).items():
            deleted[key] += count
        return store_retention.first_run(conn, end, raw)

    def committed(day: str | None) -> None:
        if progress:
            progress(min(result["aggregated"], total), total)

    bulk.short_transactions(conn, fold_day, store_retention.first_run(conn, "", raw),
                            lambda day: day is not None, committed)
    with conn.transaction():
        for key, count in store_retention.delete_runs(conn, raw, cold, cold_only=True).items():
            deleted[key] += count
        deleted["aggregates"] = store_retention.delete_aggregates(conn, first_day)
        meta_set(conn, LAST_RUN_KEY, to_iso(now))
    if progress:
        progress(total, total)
    return result


def _next_day(day_start: str) -> str:
    """The first instant of the day after the one `day_start` begins."""
    day = datetime.fromisoformat(day_start[:10]) + timedelta(days=1)
    return day.date().isoformat() + store_retention.DAY_START


def auto_enabled(conn: Database) -> bool:
    return meta_get(conn, AUTO_KEY) != "off"


def set_auto(conn: Database, enabled: bool) -> None:
    with conn.transaction():
        meta_set(conn, AUTO_KEY, "on" if enabled else "off")


def maybe_prune(conn: Database, now: datetime | None = None) -> dict | None:
    """Run the policy if automatic retention is on and it last ran over a day ago (or never).
    Returns the prune result, or None when nothing ran."""
    now = now or utcnow()
    if not auto_enabled(conn):
        return None
    last = meta_get(conn, LAST_RUN_KEY)
    if last:
        try:
            if now - parse_iso(last) < AUTO_INTERVAL:
                return None
        except ValueError:
            pass
    return prune(conn, now=now)


def parse_auto(text: str) -> bool:
    value = text.strip().lower()
    if value in ("on", "yes", "true", "1"):
        return True
    if value in ("off", "no", "false", "0"):
        return False
    raise InputError(f"--auto must be on or off, got {text!r}")


def auto_prune(conn: Database, now: datetime | None = None) -> dict | None:
    """`maybe_prune` for commands that write: a store that is busy or read-only right now is
    simply left for the next run (retention never makes a recording fail)."""
    try:
        return maybe_prune(conn, now)
    except StoreError:
        return None


def describe(result: dict | None) -> str | None:
    """One line about what an automatic prune did, or None when it changed nothing."""
    if not result or not result["deleted"]["snapshots"] and not result["deleted"]["aggregates"]:
        return None
    d = result["deleted"]
    return (f"retention: folded {result['raw_snapshots']:,} runs older than "
            f"{result['raw_cutoff'][:10]} into {result['aggregated']:,} daily aggregates; "
            f"removed {d['snapshots']:,} snapshots and {d['aggregates']:,} expired aggregates")


def upkeep(conn: Database) -> str | None:
    """What every command that records runs first: the daily automatic prune (when it is due
    and the store is free). Returns one line about what it did, or None."""
    return describe(auto_prune(conn))


def retention_notes(conn: Database, first: str | None) -> list[str]:
    """A note for an import whose oldest run (`first`) the automatic retention will fold."""
    raw_cutoff = DEFAULT_POLICY.cutoffs(utcnow())[0]
    if first and first < raw_cutoff and auto_enabled(conn):
        return [f"some imported runs are older than {DEFAULT_POLICY.raw_days} days: the daily "
                "retention will fold them into daily aggregates; keep them raw with "
                "`perftui prune --auto off`"]
    return []
