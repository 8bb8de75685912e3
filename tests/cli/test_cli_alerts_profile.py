"""`perftui alerts profile`: an alert's profile as a table (what grew since the baseline first),
as JSON, as speedscope and pstats files; every bad input one line and exit 2."""

from __future__ import annotations

import json
import pstats

import pytest

from ._helpers import assert_one_line_error, execute, fingerprint, query, scalar

ENVS = {"prod": dict(baseline=True, profile=True),        # the slow function, and a baseline
        "canary": dict(baseline=False, profile=True),     # no baseline profile yet
        "staging": dict(baseline=False, profile=False)}   # no profile at all


def build(where: str) -> None:
    from tests._profiled import build_store

    for env, kinds in ENVS.items():
        build_store(where, environment=env, **kinds)


@pytest.fixture
def db(engine, templates, tmp_path) -> str:
    return templates.copy("profiled", engine, tmp_path, build)


def alert(db: str, env: str) -> int:
    from tests._profiled import FIND_ALERT

    return scalar(db, FIND_ALERT, ("shop", env))


def state(db: str) -> tuple:
    """Everything a command could change, profiles included."""
    return fingerprint(db), query(db, "SELECT id, kind, alert_id, data FROM profiles ORDER BY id")


def run(cli, db, *args):
    return cli("--db", db, "alerts", "profile", *[str(a) for a in args])


class TestTable:
    """The default output: a header, what grew most (slow_part first), the top functions."""

    def test_the_slow_function_tops_what_grew(self, cli, db, monkeypatch):
        monkeypatch.setenv("COLUMNS", "80")
        code, out, err = run(cli, db, "--id", alert(db, "prod"))
        assert code == 0, err
        lines = out.splitlines()
        assert "profile of operation load_rules" in lines[0]
        assert "functions kept" in out and "stored" in out
        grew = lines.index(next(line for line in lines if line.startswith("grew most")))
        top = lines.index("top functions by cumulative time:")
        assert grew < top                                 # the diff comes first
        assert lines[grew + 1].split() == ["function", "before", "now", "growth", "+ms"]
        assert lines[grew + 2].startswith("slow_part (tests/_profiled.py:")
        assert lines[grew + 2].split()[-2].endswith("pp") and "+" in lines[grew + 2]
        assert lines[grew + 3].startswith("· b (")      # carried by slow_part
        assert sum(line.startswith("· its growth is part of") for line in lines[grew:top]) == 1
        assert lines[top + 2].startswith("op (")
        assert all(len(line) <= 80 for line in lines), out

    @pytest.mark.parametrize("width", [60, 80])
    def test_narrow_terminals_cut_names_never_numbers(self, cli, db, monkeypatch, width):
        monkeypatch.setenv("COLUMNS", str(width))
        code, out, _ = run(cli, db, "--id", alert(db, "prod"))
        assert code == 0
        lines = out.splitlines()
        assert all(len(line) <= width for line in lines), out
        _, js, _ = run(cli, db, "--id", alert(db, "prod"), "--format", "json")
        first = json.loads(js)["diff"][0]
        row = next(line for line in lines if line.startswith("slow_part") or "slow" in line
                   and "pp" in line)
        assert f"{first['share']:.1f}%" in row and f"{first['growth']:+.1f}pp" in row
        if width == 60:
            assert "…" in out

    def test_without_a_baseline_says_so_in_one_line(self, cli, db):
        code, out, _ = run(cli, db, "--id", alert(db, "canary"), "--limit", "3")
        assert code == 0
        assert sum("no baseline profile" in line for line in out.splitlines()) == 1
        assert "grew most" not in out
        top = out.splitlines().index("top functions by cumulative time:")
        assert len(out.splitlines()[top + 2:]) == 3

    def test_a_damaged_baseline_still_shows_the_alerts_profile(self, cli, db):
        alert_id = alert(db, "prod")
        execute(db, "UPDATE profiles SET data = ? WHERE kind = 'baseline'", (b"junk",))
        code, out, err = run(cli, db, "--id", alert_id)
        assert code == 0, err
        assert "the baseline profile" in out and "is damaged" in out
        assert "grew most" not in out and "slow_part" in out

    def test_read_only_works_and_writes_nothing(self, cli, db):
        before = state(db)
        code, out, err = cli("--db", db, "--read-only", "alerts", "profile", "--id",
                             alert(db, "prod"))
        assert code == 0, err
        assert "slow_part" in out
        assert state(db) == before


class TestFormats:
    """json, speedscope (stdout or a file) and pstats (a file)."""

    def test_json(self, cli, db):
        code, out, _ = run(cli, db, "--id", alert(db, "prod"), "--format", "json", "--limit", 4)
        assert code == 0
        doc = json.loads(out)
        assert doc["alert"]["id"] == alert(db, "prod")
        assert "data" not in doc["regression"] and doc["regression"]["kind"] == "regression"
        assert doc["baseline"]["kind"] == "baseline"
        assert doc["diff"][0]["name"] == "slow_part" and len(doc["diff"]) == 4
        assert doc["top"][0]["name"] == "op" and len(doc["top"]) == 4
        code, out, _ = run(cli, db, "--id", alert(db, "canary"), "--format", "json")
        assert json.loads(out)["diff"] is None and json.loads(out)["baseline"] is None

    def test_speedscope_to_stdout_and_to_a_file(self, cli, db, tmp_path):
        code, out, _ = run(cli, db, "--id", alert(db, "prod"), "--format", "speedscope")
        assert code == 0
        doc = json.loads(out)
        assert doc["$schema"] == "https://www.speedscope.app/file-format-schema.json"
        frames = [f["name"] for f in doc["shared"]["frames"]]
        assert {"op", "b", "slow_part"} <= set(frames)
        assert doc["profiles"][0]["type"] == "sampled"
        target = tmp_path / "p.speedscope.json"
        code, out, err = run(cli, db, "--id", alert(db, "prod"), "--format", "speedscope",
                             "--output", target)
        assert code == 0 and out == "" and str(target) in err
        assert json.loads(target.read_text()) == doc

    def test_pstats_file_loads(self, cli, db, tmp_path):
        target = tmp_path / "p.pstats"
        code, _, err = run(cli, db, "--id", alert(db, "prod"), "--format", "pstats", "-o", target)
        assert code == 0, err
        stats = pstats.Stats(str(target))
        assert any(key[2] == "slow_part" for key in stats.stats)


class TestBadInput:
    """Each refusal: exit 2, one line naming the problem, no traceback, the store unchanged."""

    def _refused(self, cli, db, args, *words):
        before = state(db)
        code, out, err = run(cli, db, *args)
        assert_one_line_error(code, err, *words)
        assert out == ""
        assert state(db) == before

    def test_unknown_alert(self, cli, db):
        self._refused(cli, db, ["--id", 99999], "no alert with id 99999")

    def test_alert_without_a_profile(self, cli, db):
        alert_id = alert(db, "staging")
        self._refused(cli, db, ["--id", alert_id], f"no profile for alert {alert_id} yet",
                      "next time")

    def test_damaged_profile(self, cli, db):
        alert_id = alert(db, "prod")
        execute(db, "UPDATE profiles SET data = ? WHERE alert_id = ?", (b"junk", alert_id))
        self._refused(cli, db, ["--id", alert_id], "cannot be read", "damaged")

    def test_unwritable_output(self, cli, db, tmp_path):
        missing = tmp_path / "no" / "such" / "dir" / "p.pstats"
        self._refused(cli, db, ["--id", alert(db, "prod"), "--format", "pstats", "-o", missing],
                      "no such directory")
        assert not missing.parent.exists()

    def test_existing_output_needs_force(self, cli, db, tmp_path):
        target = tmp_path / "p.json"
        target.write_text("mine")
        self._refused(cli, db, ["--id", alert(db, "prod"), "--format", "speedscope",
                                "-o", target], "exists", "--force")
        assert target.read_text() == "mine"
        code, _, _ = run(cli, db, "--id", alert(db, "prod"), "--format", "speedscope",
                         "-o", target, "--force")
        assert code == 0 and json.loads(target.read_text())["$schema"]

    def test_pstats_needs_output(self, cli, db):
        self._refused(cli, db, ["--id", alert(db, "prod"), "--format", "pstats"], "--output")

    @pytest.mark.parametrize("args", [["--format", "flamegraph"], ["--limit", "0"],
                                      ["--id", "x"]])
    def test_bad_options(self, cli, db, args):
        self._refused(cli, db, ["--id", alert(db, "prod"), *args] if args[0] != "--id" else args,
                      args[0])

    def test_help_teaches(self, cli):
        code, out, _ = cli("alerts", "profile", "--help")
        assert code == 0
        for words in ("grew most", "speedscope", "pstats", "examples:",
                      "perftui alerts profile --id 17"):
            assert words in out
