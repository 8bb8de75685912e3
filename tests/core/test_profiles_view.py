"""An alert's profile, read (perftui.core.profiles): top functions, the diff against the
baseline and its ranking, speedscope and pstats files, and the read both faces use."""

from __future__ import annotations

import cProfile
import json
import pstats

import pytest

from perftui.core import profiles
from perftui.store.profiles import from_stats
from tests import _profiled


def _doc(fn, *args) -> dict:
    prof = cProfile.Profile()
    prof.enable()
    fn(*args)
    prof.disable()
    prof.create_stats()
    return from_stats(prof.stats)


def _stats(entries: dict) -> dict:
    """A pstats dict from {(file, line, name): (own_s, cum_s, {caller key: cum_s})}."""
    return {key: (1, 1, own, cum, {c: (1, 1, 0.0, ccum) for c, ccum in callers.items()})
            for key, (own, cum, callers) in entries.items()}


@pytest.fixture(scope="module")
def pair() -> tuple[dict, dict]:
    return _profiled.profile_doc(slow=False), _profiled.profile_doc(slow=True)


class TestTop:
    """Top functions by cumulative time, labelled, with shares of the whole call."""

    def test_rows_are_ordered_by_cumulative_time_with_shares(self, pair):
        _, slow = pair
        rows = profiles.top_functions(slow, limit=None)
        assert [r["cum_ms"] for r in rows] == sorted((r["cum_ms"] for r in rows), reverse=True)
        assert rows[0]["name"] == "op" and rows[0]["share"] == pytest.approx(100.0, abs=0.5)
        slow_part = next(r for r in rows if r["name"] == "slow_part")
        assert slow_part["label"].startswith("slow_part (tests/_profiled.py:")
        assert 50.0 < slow_part["share"] < 100.0
        assert slow_part["own_ms"] == pytest.approx(slow_part["cum_ms"], rel=0.01)

    def test_the_profilers_own_call_is_not_shown(self, pair):
        names = {r["name"] for r in profiles.top_functions(pair[1], limit=None)}
        assert not names & set(profiles.PROFILER_NOISE)
        assert "<built-in method builtins.sorted>" in names

    def test_limit_and_builtin_labels(self, pair):
        rows = profiles.top_functions(pair[1], limit=3)
        assert len(rows) == 3
        assert profiles.label("~", 0, "<built-in method builtins.sorted>") == "builtins.sorted"
        assert profiles.label("~", 0, "<method 'lower' of 'str' objects>") == "str.lower"
        assert profiles.label("/home/x/src/app/ops.py", 7, "f") == "f (app/ops.py:7)"


class TestDiff:
    """Matched by file and name; the function where the time went comes first."""

    def test_the_slow_function_tops_the_diff_not_its_callers(self, pair):
        fast, slow = pair
        rows = profiles.diff(fast, slow)
        assert rows[0]["name"] == "slow_part"
        by_name = {r["name"]: r for r in rows}
        # b grew as much as slow_part (it contains it) but is carried by it
        assert by_name["b"]["growth"] > 10.0
        assert by_name["b"]["carried_by"] == rows[0]["label"]
        assert rows[1]["name"] == "b"
        # op is the whole call in both: no growth
        assert abs(by_name["op"]["growth"]) < 1.0
        assert by_name["steady"]["growth"] < 0
        assert rows[0]["growth"] == pytest.approx(rows[0]["share"] - rows[0]["baseline_share"])
        assert rows[0]["delta_ms"] > 0
        assert [r["name"] for r in profiles.grew(rows)][:2] == ["slow_part", "b"]

    def test_lines_that_moved_still_match(self, pair):
        fast, slow = pair
        moved = json.loads(json.dumps(slow))
        for f in moved["functions"]:
            f[1] += 40
        rows = profiles.diff(fast, moved)
        assert rows[0]["name"] == "slow_part" and not rows[0]["new"]
        assert rows[0]["line"] == next(f[1] for f in moved["functions"] if f[2] == "slow_part")

    def test_a_new_function_counts_from_zero(self):
        base = from_stats(_stats({("a.py", 1, "op"): (0.001, 0.010, {}),
                                  ("a.py", 5, "old"): (0.009, 0.009, {("a.py", 1, "op"): 0.009})}))
        reg = from_stats(_stats({("a.py", 1, "op"): (0.001, 0.020, {}),
                                 ("a.py", 5, "old"): (0.009, 0.009, {("a.py", 1, "op"): 0.009}),
                                 ("a.py", 9, "fresh"): (0.010, 0.010,
                                                        {("a.py", 1, "op"): 0.010})}))
        rows = profiles.diff(base, reg)
        assert rows[0]["name"] == "fresh" and rows[0]["new"]
        assert rows[0]["baseline_share"] == 0.0 and rows[0]["share"] == pytest.approx(50.0)
        assert rows[0]["growth"] == pytest.approx(50.0)
        assert {r["name"]: r["growth"] for r in rows}["old"] == pytest.approx(45.0 - 90.0)

    def test_a_caller_whose_growth_is_split_between_callees_follows_the_largest(self):
        op, b, slow, other = (("a.py", 1, "op"), ("a.py", 3, "b"), ("a.py", 5, "slow"),
                              ("a.py", 7, "other"))
        steady = ("a.py", 9, "steady")

        def doc(slow_s, other_s):
            return from_stats(_stats({
                op: (0.0, 0.010 + slow_s + other_s, {}), steady: (0.010, 0.010, {op: 0.010}),
                b: (0.0, slow_s + other_s, {op: slow_s + other_s}),
                slow: (slow_s, slow_s, {b: slow_s}), other: (other_s, other_s, {b: other_s})}))

        rows = profiles.diff(doc(0.002, 0.001), doc(0.016, 0.004))  # 80 % / 20 % of b's
        assert [r["name"] for r in rows[:3]] == ["slow", "b", "other"]
        assert rows[1]["carried_by"] == "slow (a.py:5)" and rows[2]["carried_by"] is None
        assert rows[1]["growth"] > rows[0]["growth"]          # b grew most, yet follows slow

    def test_a_builtin_grown_by_one_caller_ranks_below_it(self):
        op, sort_rows, sorted_ = ("a.py", 1, "op"), ("a.py", 5, "sort_rows"), \
            ("~", 0, "<built-in method builtins.sorted>")
        steady = ("a.py", 9, "steady")

        def doc(sort_s):
            return from_stats(_stats({
                op: (0.0, 0.010 + sort_s, {}),
                steady: (0.010, 0.010, {op: 0.010}),
                sort_rows: (0.0001, sort_s, {op: sort_s}),
                sorted_: (sort_s - 0.0001, sort_s - 0.0001, {sort_rows: sort_s - 0.0001})}))

        rows = profiles.diff(doc(0.002), doc(0.030))
        assert [r["name"] for r in rows[:2]] == ["sort_rows", sorted_[2]]
        assert rows[1]["carried_by"] == rows[0]["label"] == "sort_rows (a.py:5)"

    def test_a_builtin_many_callers_share_leads(self):
        op = ("a.py", 1, "op")
        one, two = ("a.py", 5, "one"), ("a.py", 7, "two")
        sorted_ = ("~", 0, "<built-in method builtins.sorted>")

        def doc(sort_s):
            return from_stats(_stats({
                op: (0.010, 0.010 + 2 * sort_s, {}),
                one: (0.0, sort_s, {op: sort_s}), two: (0.0, sort_s, {op: sort_s}),
                sorted_: (2 * sort_s, 2 * sort_s, {one: sort_s, two: sort_s})}))

        rows = profiles.diff(doc(0.001), doc(0.020))
        assert rows[0]["name"] == sorted_[2]
        assert {r["name"] for r in rows[1:3]} == {"one", "two"}
        assert all(r["carried_by"] == "builtins.sorted" for r in rows[1:3])

    def test_two_functions_of_one_name_in_a_file_stay_apart(self):
        op = ("a.py", 1, "op")

        def doc(first_s, second_s, shift=0):
            one, two = ("a.py", 10 + shift, "<genexpr>"), ("a.py", 20 + shift, "<genexpr>")
            return from_stats(_stats({
                op: (0.001, 0.001 + first_s + second_s, {}),
                one: (first_s, first_s, {op: first_s}), two: (second_s, second_s, {op: second_s})}))

        rows = profiles.diff(doc(0.005, 0.005), doc(0.005, 0.020, shift=3))  # lines moved
        assert rows[0]["label"] == "<genexpr> (a.py:23)" and not rows[0]["new"]
        assert rows[0]["baseline_share"] == pytest.approx(5 / 11 * 100)
        other = next(r for r in rows if r["label"] == "<genexpr> (a.py:13)")
        assert other["growth"] < 0 and not other["new"]

    def test_a_builtin_grown_under_one_caller_follows_it(self):
        op, listcomp = ("a.py", 1, "op"), ("a.py", 5, "<listcomp>")
        lower = ("~", 0, "<method 'lower' of 'str' objects>")
        steady = ("a.py", 9, "steady")

        def doc(own_s, lower_s):
            return from_stats(_stats({
                op: (0.0, 0.010 + own_s + lower_s, {}), steady: (0.010, 0.010, {op: 0.010}),
                listcomp: (own_s, own_s + lower_s, {op: own_s + lower_s}),
                lower: (lower_s, lower_s, {listcomp: lower_s})}))

        rows = profiles.diff(doc(0.002, 0.0005), doc(0.010, 0.002))
        assert [r["label"] for r in rows[:2]] == ["<listcomp> (a.py:5)", "str.lower"]
        assert rows[1]["carried_by"] == "<listcomp> (a.py:5)"

    def test_a_comprehension_follows_the_function_that_makes_it(self):
        # op -> normalise -> <listcomp> -> str.lower: normalise got slower through its list
        # comprehension; the function a person can act on leads, the comprehension and the
        # builtin follow it (Python 3.12 inlines the comprehension anyway)
        op, normalise = ("a.py", 1, "op"), ("a.py", 4, "normalise")
        listcomp = ("a.py", 5, "<listcomp>")
        lower = ("~", 0, "<method 'lower' of 'str' objects>")
        steady = ("a.py", 9, "steady")

        def doc(inner_s):
            return from_stats(_stats({
                op: (0.0, 0.010 + 0.0001 + 2 * inner_s, {}),
                steady: (0.010, 0.010, {op: 0.010}),
                normalise: (0.0001, 0.0001 + 2 * inner_s, {op: 0.0001 + 2 * inner_s}),
                listcomp: (inner_s, 2 * inner_s, {normalise: 2 * inner_s}),
                lower: (inner_s, inner_s, {listcomp: inner_s})}))

        rows = profiles.diff(doc(0.001), doc(0.006))
        assert [r["label"] for r in rows[:3]] == ["normalise (a.py:4)", "<listcomp> (a.py:5)",
                                                 "str.lower"]
        assert rows[0]["carried_by"] is None
        assert rows[1]["carried_by"] == rows[2]["carried_by"] == "normalise (a.py:4)"

    def test_recursion_does_not_loop(self):
        rec = ("a.py", 3, "walk")
        base = from_stats(_stats({rec: (0.001, 0.001, {rec: 0.0005})}))
        reg = from_stats(_stats({rec: (0.004, 0.004, {rec: 0.003})}))
        assert [r["name"] for r in profiles.diff(base, reg)] == ["walk"]


class TestSpeedscope:
    """A valid speedscope file: frames, stacks of frame indexes, weights that add up."""

    def test_document_shape_and_weights(self, pair):
        doc = pair[1]
        out = profiles.speedscope({"data": doc, "operation": "load_rules", "kind": "regression",
                                   "id": 3, "captured_at": "2026-12-01T10:00:00Z"})
        assert out["$schema"] == "https://www.speedscope.app/file-format-schema.json"
        frames = out["shared"]["frames"]
        assert all(isinstance(f["name"], str) and f["name"] for f in frames)
        (prof,) = out["profiles"]
        assert prof["type"] == "sampled" and prof["unit"] == "milliseconds"
        assert len(prof["samples"]) == len(prof["weights"]) > 0
        assert all(0 <= i < len(frames) for stack in prof["samples"] for i in stack)
        assert all(w > 0 for w in prof["weights"])
        assert sum(prof["weights"]) == pytest.approx(doc["total_ms"], rel=0.05)
        assert prof["endValue"] == pytest.approx(sum(prof["weights"]))
        names = [[frames[i]["name"] for i in stack] for stack in prof["samples"]]
        heaviest = names[prof["weights"].index(max(prof["weights"]))]
        assert heaviest == ["op", "b", "slow_part"]
        json.dumps(out, allow_nan=False)

    def test_cycles_and_depth_are_bounded(self):
        a, b = ("a.py", 1, "a"), ("a.py", 2, "b")
        doc = from_stats(_stats({a: (0.001, 0.003, {b: 0.003}), b: (0.002, 0.003, {a: 0.002})}))
        out = profiles.speedscope({"data": doc})
        stacks = out["profiles"][0]["samples"]
        assert stacks and all(len(s) == len(set(s)) for s in stacks)
        chain = {("c.py", i, f"f{i}"): (0.0001, 0.0001 * (200 - i),
                                        {("c.py", i - 1, f"f{i - 1}"): 0.0001 * (200 - i)}
                                        if i else {}) for i in range(200)}
        deep = profiles.speedscope({"data": from_stats(_stats(chain))})
        assert max(len(s) for s in deep["profiles"][0]["samples"]) <= profiles.MAX_DEPTH


class TestPstats:
    """The pstats file round-trips through pstats.Stats."""

    def test_round_trip(self, pair, tmp_path):
        path = tmp_path / "x.pstats"
        path.write_bytes(profiles.pstats_bytes({"data": pair[1]}))
        loaded = pstats.Stats(str(path))
        slow = next(v for k, v in loaded.stats.items() if k[2] == "slow_part")
        top = next(r for r in profiles.top_functions(pair[1], None) if r["name"] == "slow_part")
        assert slow[3] * 1000 == pytest.approx(top["cum_ms"], rel=1e-3)
        assert any(k[2] == "b" for k in slow[4])  # the caller table survived


class TestRead:
    """The read the faces use: an alert's records, its view, and the errors a person sees."""

    def test_view_of_an_alert_with_a_baseline(self, store_path):
        from perftui.core.session import open_session

        alert_id = _profiled.build_store(str(store_path))
        with open_session(str(store_path), readonly=True) as store:
            view = profiles.alert_profile(store, alert_id, limit=5)
        assert view["alert"]["id"] == alert_id
        assert "data" not in view["regression"] and view["regression"]["kind"] == "regression"
        assert view["baseline"]["kind"] == "baseline"
        assert view["diff"][0]["name"] == "slow_part"
        assert len(view["top"]) == 5 and view["top"][0]["name"] == "op"

    def test_no_profile_unknown_alert_and_damage(self, store_path):
        from perftui.core.session import open_session
        from perftui.errors import InputError
        from tests.cli._helpers import execute

        alert_id = _profiled.build_store(str(store_path), baseline=False, profile=False)
        with open_session(str(store_path), readonly=True) as store:
            with pytest.raises(profiles.NoProfile, match=f"no profile for alert {alert_id} yet"):
                profiles.alert_profile(store, alert_id)
            with pytest.raises(InputError, match="no alert with id 999"):
                profiles.alert_profile(store, 999)
        execute(str(store_path), "INSERT INTO profiles (metric_id, app, environment, operation,"
                " kind, alert_id, captured_at, duration_ms, functions, raw_bytes, data)"
                " VALUES (1, 'shop', 'prod', 'x', 'regression', ?, '2026-12-01', 1, 1, 1, ?)",
                (alert_id, b"junk"))
        with open_session(str(store_path), readonly=True) as store:
            with pytest.raises(profiles.ProfileUnreadable, match="cannot be read"):
                profiles.alert_profile(store, alert_id)
