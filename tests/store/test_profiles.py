"""The stored profile format and its table, on both engines."""

from __future__ import annotations

import cProfile
import pstats
import zlib

import pytest

from perftui.store import profiles
from perftui.store.db import open_store


def _slow(n):
    return sum(i * i for i in range(n))


def _work():
    _slow(20000)
    return sorted(str(i) for i in range(2000))


def _stats() -> dict:
    prof = cProfile.Profile()
    prof.enable()
    _work()
    prof.disable()
    prof.create_stats()
    return prof.stats


class TestFormat:
    """cProfile's stats in, a bounded document out, pstats' stats back."""

    def test_a_cprofile_run_round_trips_through_the_stored_bytes(self):
        doc = profiles.from_stats(_stats())
        data, raw = profiles.encode(doc)
        assert raw > len(data) > 0
        back = profiles.decode(data)
        names = [f[2] for f in back["functions"]]
        assert "_work" in names and "_slow" in names
        cums = [f[6] for f in back["functions"]]
        assert cums == sorted(cums, reverse=True)
        slow = back["functions"][names.index("_slow")]
        work = back["functions"][names.index("_work")]
        assert work[6] >= slow[6] > 0
        # the caller table survives: _work calls _slow
        assert any(back["functions"][i][2] == "_work" and back["functions"][j][2] == "_slow"
                   for i, j, *_ in back["edges"])

    def test_pstats_reads_what_to_stats_gives(self, tmp_path):
        import marshal

        stats = profiles.to_stats(profiles.from_stats(_stats()))
        path = tmp_path / "p.pstats"
        path.write_bytes(marshal.dumps(stats))
        loaded = pstats.Stats(str(path))
        assert any(key[2] == "_slow" for key in loaded.stats)

    def test_the_size_bound_keeps_the_heaviest_functions(self):
        stats = {(f"f{i}.py", 1, f"fn{i}"): (1, 1, i / 1000, i / 1000, {}) for i in range(1000)}
        doc = profiles.from_stats(stats, max_functions=10)
        assert [f[2] for f in doc["functions"]] == [f"fn{i}" for i in range(999, 989, -1)]
        assert doc["dropped"][0] == 990
        assert doc["dropped"][1] == pytest.approx(sum(range(990)), rel=1e-6)

    def test_home_paths_are_shortened(self):
        stats = {("/home/ann/app/x.py", 3, "f"): (1, 1, 0.001, 0.001, {})}
        doc = profiles.from_stats(stats, home="/home/ann")
        assert doc["functions"][0][0] == "~/app/x.py"

    @pytest.mark.parametrize("blob", [b"", b"not zlib", zlib.compress(b"[1,2]"),
                                      zlib.compress(b'{"format": "perftui-profile/1"}'),
                                      zlib.compress(b'{"format":"perftui-profile/1","total_ms":1,'
                                                    b'"functions":[],"edges":[[0,1,1,1,1,1]]}')])
    def test_damaged_bytes_are_refused_with_a_reason(self, blob):
        with pytest.raises(profiles.ProfileDamaged):
            profiles.decode(blob)

    def test_a_zip_bomb_is_refused_without_inflating_it(self):
        bomb = zlib.compress(b"[" + b" " * (profiles.MAX_RAW_BYTES + 10) + b"]")
        with pytest.raises(profiles.ProfileDamaged, match="larger than"):
            profiles.decode(bomb)


class TestTable:
    """Saving, finding an alert's profile and its baseline, keeping baselines few."""

    def _alert(self, db) -> tuple[int, int]:
        metric = db.scalar("SELECT id FROM metrics WHERE code = 'VAL-001'")
        alert = db.execute(
            "INSERT INTO alerts (metric_id, app, environment, alert_type, severity,"
            " current_value, message, triggered_at, last_seen_at)"
            " VALUES (?,?,?,?,?,?,?,?,?) RETURNING id",
            (metric, "app", "dev", "regression", "error", 12.0, "slower",
             "2026-12-01T10:00:00Z", "2026-12-01T10:00:00Z")).scalar()
        return metric, alert

    def test_an_alert_gets_its_profile_and_the_baseline_before_it(self, store_url):
        doc = profiles.from_stats(_stats())
        with open_store(store_url, create=True) as db:
            metric, alert = self._alert(db)
            common = dict(metric_id=metric, app="app", environment="dev", operation="validate",
                          doc=doc, duration_ms=3.5)
            for day in ("01", "02", "03", "04", "05"):
                profiles.save_profile(db, kind="baseline", captured_at=f"2026-11-{day}T00:00:00Z",
                                      **common)
            profiles.save_profile(db, kind="baseline", captured_at="2026-12-09T00:00:00Z",
                                  **common)
            pid = profiles.save_profile(db, kind="regression", alert_id=alert, snapshot_id=7,
                                        captured_at="2026-12-01T10:05:00Z", **common)
            assert db.scalar("SELECT count(*) FROM profiles WHERE kind = 'baseline'") == \
                profiles.KEEP_BASELINES
            found = profiles.profiles_for_alert(db, alert)
            assert found["regression"]["id"] == pid
            assert found["regression"]["data"]["functions"] == profiles.decode(
                profiles.encode(doc)[0])["functions"]
            assert found["baseline"]["captured_at"] == "2026-11-05T00:00:00Z"
            assert found["regression"]["stored_bytes"] < found["regression"]["raw_bytes"]
            assert profiles.alerts_with_profiles(db, [alert, alert + 1]) == {alert}
            assert profiles.latest_baselines(db, "app", "dev") == {metric: "2026-12-09T00:00:00Z"}

    def test_an_alert_without_a_profile_has_neither(self, store_url):
        with open_store(store_url, create=True) as db:
            _, alert = self._alert(db)
            assert profiles.profiles_for_alert(db, alert) == {"regression": None,
                                                               "baseline": None}

    def test_a_damaged_row_names_its_id(self, store_path):
        with open_store(str(store_path), create=True) as db:
            metric, alert = self._alert(db)
            pid = profiles.save_profile(db, metric_id=metric, app="app", environment="dev",
                                        operation="v", kind="regression", alert_id=alert,
                                        doc=profiles.from_stats(_stats()), duration_ms=1,
                                        captured_at="2026-12-01T10:05:00Z")
            db.execute("UPDATE profiles SET data = ? WHERE id = ?", (b"junk", pid))
            with pytest.raises(profiles.ProfileDamaged, match=f"profile {pid} is damaged"):
                profiles.profiles_for_alert(db, alert)

    def test_an_unknown_kind_is_refused(self, store_path):
        with open_store(str(store_path), create=True) as db:
            with pytest.raises(ValueError, match="profile kind"):
                profiles.save_profile(db, metric_id=1, app="a", environment="e", operation="o",
                                      kind="other", doc=profiles.from_stats({}), duration_ms=0,
                                      captured_at="2026-12-01T00:00:00Z")

    def test_a_damaged_baseline_leaves_the_alerts_profile_readable(self, store_path):
        with open_store(str(store_path), create=True) as db:
            metric, alert = self._alert(db)
            common = dict(metric_id=metric, app="app", environment="dev", operation="v",
                          doc=profiles.from_stats(_stats()), duration_ms=1)
            base = profiles.save_profile(db, kind="baseline",
                                         captured_at="2026-12-01T09:00:00Z", **common)
            profiles.save_profile(db, kind="regression", alert_id=alert,
                                  captured_at="2026-12-01T10:05:00Z", **common)
            db.execute("UPDATE profiles SET data = ? WHERE id = ?", (b"junk", base))
            found = profiles.profiles_for_alert(db, alert)
            assert found["regression"]["data"]["functions"]
            assert found["baseline"] is None
            assert f"profile {base} is damaged" in found["baseline_error"]
