"""A/B comparison (issue 13): the Mann–Whitney U test on known distributions, and `perftui compare`
over every run of two branches or app versions."""

from __future__ import annotations

import math
import random

import pytest

from perftui.core.compare import compare, render_markdown
from perftui.core.compare_stats import holm, mann_whitney_u
from perftui.recorder.evaluate import SnapshotInput, record_snapshot
from perftui.store.db import open_store
from tests._users import run_in_process


# ---------------------------------------------------------------- the test itself

def test_exact_p_values_match_the_counted_distribution():
    # 3 v 3, B all above A: 1 ordering of C(6,3) = 20 at each extreme
    assert mann_whitney_u([1, 2, 3], [4, 5, 6]) == (9.0, pytest.approx(2 / 20))
    assert mann_whitney_u([4, 5, 6], [1, 2, 3]) == (0.0, pytest.approx(2 / 20))
    # 5 v 5 fully separated: 2 / C(10,5) = 2/252
    assert mann_whitney_u(list(range(5)), list(range(5, 10)))[1] == pytest.approx(2 / 252)
    # interleaved: U at its mean, p = 1
    assert mann_whitney_u([1, 3, 5, 7], [2, 4, 6, 8])[1] > 0.6


def test_normal_approximation_agrees_with_the_exact_p():
    rng = random.Random(7)
    for shift in (0.0, 0.5, 1.0):
        a = [rng.gauss(0, 1) for _ in range(20)]
        b = [rng.gauss(shift, 1) for _ in range(20)]
        exact = mann_whitney_u(a, b)[1]
        approx = mann_whitney_u(a, b, exact=False)[1]
        assert abs(exact - approx) < 0.02, (shift, exact, approx)


def test_ties_are_corrected_and_all_equal_means_no_evidence():
    assert mann_whitney_u([5.0] * 6, [5.0] * 6) == (18.0, 1.0)
    u, p = mann_whitney_u([1, 2, 2, 3, 3, 3], [3, 3, 4, 4, 5, 6])
    assert u > 18 and 0 < p < 0.05


@pytest.mark.parametrize("seed", range(20))
def test_a_real_shift_is_found_every_time(seed):
    rng = random.Random(seed)
    a = [rng.lognormvariate(4.6, 0.05) for _ in range(40)]
    b = [rng.lognormvariate(4.6, 0.05) * 1.15 for _ in range(40)]
    u, p = mann_whitney_u(a, b)
    assert p < 1e-4 and u > 0.9 * 40 * 40


def test_false_alarm_rate_is_near_alpha():
    rng = random.Random(11)
    calls = sum(mann_whitney_u([rng.gauss(0, 1) for _ in range(15)],
                               [rng.gauss(0, 1) for _ in range(15)], exact=False)[1] < 0.05
                for _ in range(400))
    assert 8 <= calls <= 32          # 5 % of 400 = 20, binomial spread


def test_holm_adjusts_in_order_and_keeps_missing():
    assert holm([0.01, 0.04, None, 0.03]) == [pytest.approx(0.03), pytest.approx(0.06), None,
                                                pytest.approx(0.06)]
    assert holm([]) == []


# ---------------------------------------------------------------- compare over branches

def _record(where, runs):
    """runs: (branch, commit, version, {metric: value}) recorded in order."""
    with open_store(str(where), create=True) as db:
        for i, (branch, commit, version, metrics) in enumerate(runs):
            record_snapshot(db, SnapshotInput(
                metrics=metrics, app="shop", environment="ci", host="box", git_branch=branch,
                git_commit=commit, app_version=version,
                recorded_at=f"2026-03-{1 + i // 24:02d}T{i % 24:02d}:00:00Z"))


def _side(rng, branch, commits, version, per_commit, scale):
    out = []
    for c in range(commits):
        commit = f"{branch[:1]}{c:039x}"
        for _ in range(per_commit):
            out.append((branch, commit, version, {
                "VAL-001": rng.lognormvariate(math.log(400 * scale), 0.05),
                "API-001": rng.lognormvariate(math.log(120), 0.05),
                "VAL-003": min(1.0, rng.gauss(0.93 if scale == 1 else 0.85, 0.01))}))
    return out


@pytest.fixture
def ab_store(store_url):
    rng = random.Random(3)
    main = _side(rng, "main", 3, "1.4.0", 6, 1.0)
    feature = _side(rng, "feature/slow", 2, "1.5.0", 6, 1.2)
    _record(store_url, [*main, *feature])
    return store_url


def test_branches_compared_over_all_their_runs(ab_store):
    with open_store(str(ab_store)) as db:
        data = compare(db, "main", "feature/slow", by="branch")
    assert (data["a"]["snapshots"], data["a"]["commits"]) == (18, 3)
    assert (data["b"]["snapshots"], data["b"]["commits"]) == (12, 2)
    by_metric = {m["metric_id"]: m for m in data["metrics"]}
    assert by_metric["VAL-001"]["verdict"] == "slower"
    assert by_metric["VAL-001"]["p_adjusted"] < 0.001
    assert (by_metric["VAL-001"]["runs_a"], by_metric["VAL-001"]["runs_b"]) == (18, 12)
    assert by_metric["API-001"]["verdict"] == "no significant difference"
    assert by_metric["VAL-003"]["verdict"] == "worse"      # a hit rate that fell
    assert data["verdict"] == "B is slower (2 metrics significantly)"
    reverse = None
    with open_store(str(ab_store)) as db:
        reverse = compare(db, "feature/slow", "main", by="branch")
    assert {m["metric_id"]: m["verdict"] for m in reverse["metrics"]}["VAL-001"] == "faster"
    assert "B is faster" in reverse["verdict"]


def test_versions_compared_and_rendered(ab_store):
    with open_store(str(ab_store)) as db:
        data = compare(db, "1.4.0", "1.5.0", by="version")
    assert data["a"]["label"] == "1.4.0" and data["b"]["snapshots"] == 12
    text = render_markdown(data)
    assert "version `1.5.0` — 12 runs on 2 commits" in text
    assert "| slower p&lt;0.001 |" in text and "**B is slower" in text


def test_commits_with_too_few_runs_say_so(ab_store):
    with open_store(str(ab_store)) as db:
        data = compare(db, "m" + "0" * 39, "f" + "0" * 39)
    assert all(m["runs_a"] == 6 and m["verdict"] != "too few runs" for m in data["metrics"])
    _record(ab_store, [("x", "a" * 40, None, {"VAL-001": 400.0}),
                       ("y", "b" * 40, None, {"VAL-001": 500.0})])
    with open_store(str(ab_store)) as db:
        data = compare(db, "a" * 40, "b" * 40)
    assert data["metrics"][0]["verdict"] == "too few runs"
    assert data["verdict"].startswith("too few runs")


def test_cli_compare_by_branch(ab_store):
    code, out, err = run_in_process(["--db", ab_store, "compare", "--by", "branch", "main",
                                     "feature/slow"])
    assert code == 0, err
    assert "A main, 18 runs -> B feature/slow, 12 runs" in out
    assert "B is slower" in out and "Mann-Whitney U" in out


@pytest.mark.parametrize("argv, words", [
    (["--by", "tag", "main", "feature/slow"], ["--by", "tag"]),
    (["--by", "branch", "main", "nowhere"], ["unknown branch", "nowhere"]),
    (["--by", "version", "1.4.0", "9.9"], ["unknown version", "9.9"]),
    (["--by", "branch", "main", "feature/slow", "--alpha", "1.5"], ["alpha"]),
])
def test_cli_compare_bad_input_is_one_line(ab_store, argv, words):
    from tests.cli._helpers import assert_one_line_error

    code, _, err = run_in_process(["--db", ab_store, "compare", *argv])
    assert_one_line_error(code, err, *words)
