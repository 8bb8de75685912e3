"""Reads whose cost must not grow with the store (issue 11): the scope list behind status and a
metric's history. Each cheap path must give exactly what the straightforward query gives, on
both engines; on SQLite the plans must seek the indexes, never scan the snapshots."""

from __future__ import annotations

import pytest

from perftui.core.scope import known_scopes, scope_counts
from perftui.core.status import status
from perftui.store import snapshots
from perftui.store.db import open_store

SCOPES = [("api", "prod"), ("api", "ci"), ("api2", "prod"), ("web", "dev"), ("b", "x"),
          ("web", "a")]


def _stamp(i: int) -> str:
    return f"2026-01-{1 + i // 1440:02d}T{(i // 60) % 24:02d}:{i % 60:02d}:00.000000Z"


@pytest.fixture
def filled(store_url):
    """Six scopes; DENSE in every run, SPARSE in every 7th run of api/prod only, ELSEWHERE in
    every run of web/dev and every 9th of api/prod; cold starts and failed runs among them."""
    rows = []   # (snapshot id, app, environment, recorded_at, warm, {metric code: value})
    with open_store(store_url, create=True) as db:
        with db.transaction():
            ids = {code: db.execute("INSERT INTO metrics (code, name, updated_at)"
                                    " VALUES (?, ?, ?) RETURNING id",
                                    (code, code, _stamp(0))).scalar()
                   for code in ("DENSE", "SPARSE", "ELSEWHERE", "NEVER")}
            for i in range(600):
                app, env = SCOPES[(i * 7 + i // 50) % len(SCOPES)]
                cold, failed = i % 11 == 0, i % 13 == 0
                values = {"DENSE": float(i)}
                if (app, env) == ("api", "prod") and i % 7 == 0:
                    values["SPARSE"] = i + 0.5
                if (app, env) == ("web", "dev") or ((app, env) == ("api", "prod") and i % 9 == 0):
                    values["ELSEWHERE"] = i + 0.25
                at = _stamp(600 - i if i % 5 == 0 else i)   # ids and times not in step
                sid = snapshots.insert_snapshot(db, {
                    "recorded_at": at, "app": app, "environment": env, "is_cold_start": cold,
                    "status": "failed" if failed else "ok"})
                snapshots.insert_measurements(db, [(ids[c], sid, v, None, None, None, None, None)
                                                   for c, v in values.items()])
                rows.append((sid, app, env, at, not cold and not failed, values))
    return store_url, ids, rows


def _expected(rows, code, app, env, *, before=None, until=None, since=None, limit=60,
              warm_only=True):
    found = [(sid, at, v[code]) for sid, a, e, at, warm, v in rows
             if a == app and e == env and code in v and (warm or not warm_only)
             and (before is None or at < before) and (until is None or at <= until)
             and (since is None or at >= since)]
    found.sort(key=lambda r: (r[1], r[0]))
    return found[-limit:] if limit else []


CASES = [dict(), dict(limit=5), dict(warm_only=False), dict(before=_stamp(300)),
         dict(until=_stamp(300), limit=10), dict(since=_stamp(200), warm_only=False),
         dict(since=_stamp(100), before=_stamp(500), limit=1000)]


@pytest.mark.parametrize("few", [0, 3, 10**9], ids=["scope-walk", "mixed", "metric-key"])
def test_history_is_the_same_through_either_path(filled, monkeypatch, few):
    url, ids, rows = filled
    monkeypatch.setattr(snapshots, "FEW_VALUES", few)
    with open_store(url) as db:
        for code in ("DENSE", "SPARSE", "ELSEWHERE", "NEVER"):
            for app, env in SCOPES:
                for case in CASES:
                    got = [tuple(r) for r in snapshots.history_rows(db, ids[code], app, env,
                                                                    **case)]
                    assert got == _expected(rows, code, app, env, **case), (code, app, env, case)


def test_few_values_counts_at_most_its_bound(filled, monkeypatch):
    url, ids, _ = filled
    monkeypatch.setattr(snapshots, "FEW_VALUES", 50)
    with open_store(url) as db:
        assert snapshots.few_values(db, ids["NEVER"]) and snapshots.few_values(db, ids["SPARSE"])
        assert not snapshots.few_values(db, ids["DENSE"])


def test_scope_list_is_scopes_without_counts(filled):
    url, _, rows = filled
    with open_store(url) as db:
        counted = snapshots.scopes(db)
        cheap = snapshots.scope_list(db)
        assert cheap == [{k: s[k] for k in ("app", "environment", "latest")} for s in counted]
        assert known_scopes(db) == cheap and scope_counts(db) == counted
        latest = {}
        for _sid, app, env, at, _warm, _ in rows:
            latest[(app, env)] = max(latest.get((app, env), ""), at)
        assert {(s["app"], s["environment"]): s["latest"] for s in cheap} == latest
        assert len(cheap) == len(SCOPES)
        assert [s["latest"] for s in cheap] == sorted(latest.values(), reverse=True)
        assert status(db)["scopes"] == cheap


def test_scope_list_of_an_empty_store(store_url):
    with open_store(store_url, create=True) as db:
        assert snapshots.scope_list(db) == [] and status(db)["scopes"] == []


# ---------------------------------------------------------------- SQLite's plans

def _plan(db, sql, args=()) -> list[str]:
    return [row[-1] for row in db.execute("EXPLAIN QUERY PLAN " + sql, args)]


def test_scope_list_seeks_the_scope_index(store_path):
    with open_store(str(store_path), create=True) as db:
        plan = _plan(db, snapshots.SCOPE_LIST)
    scans = [line for line in plan if line.startswith("SCAN")]
    # the first scope: the index's first entry (LIMIT 1); then only the CTE's own rows
    assert scans.count("SCAN snapshots USING COVERING INDEX snapshots_scope_time") == 1
    assert set(scans) <= {"SCAN snapshots USING COVERING INDEX snapshots_scope_time",
                          "SCAN s", "SCAN f"}, plan
    searches = [line for line in plan if line.startswith("SEARCH")]
    assert len(searches) >= 5 and all(
        "USING COVERING INDEX snapshots_scope_time (app=?" in line or
        "USING COVERING INDEX snapshots_scope_time (app>?)" in line for line in searches), plan


@pytest.mark.parametrize("few", [0, 10**9], ids=["scope-walk", "metric-key"])
@pytest.mark.parametrize("case", CASES)
def test_history_seeks_an_index(store_path, monkeypatch, few, case):
    monkeypatch.setattr(snapshots, "FEW_VALUES", few)
    with open_store(str(store_path), create=True) as db:
        metric = db.scalar("SELECT min(id) FROM metrics")   # the catalog of a new store
        sql, args = snapshots.history_query(db, metric, "a", "e", **case)
        plan = _plan(db, sql, args)
    assert not any(line.startswith("SCAN") for line in plan), plan
    if few:   # a metric with few values: its own key, then each snapshot by its id
        assert any(line.startswith("SEARCH m USING PRIMARY KEY (metric_id=?)")
                   for line in plan), plan
        assert any(line.startswith("SEARCH s USING INTEGER PRIMARY KEY") for line in plan), plan
    else:
        assert any(line.startswith(("SEARCH s USING INDEX snapshots_",
                                    "SEARCH s USING COVERING INDEX snapshots_")) for line in plan), plan
        assert not any("TEMP B-TREE" in line for line in plan), plan
