"""Stored text never reaches the terminal raw: a control sequence in a name, unit, note, branch,
host or scope is printed as its visible escape by every text command (one place:
`perftui.cli.tables` — the console's `render_str`, table cells, `styled` and `echo`), CSV to
stdout escapes it too, JSON stays exact; names and notes with control characters are refused at
input, naming the field."""

from __future__ import annotations

import json
import sqlite3

import pytest

OSC = "\x1b]2;pwned\x07"          # renames the terminal window / tmux pane
CSI = "\x1b[2J"                    # clears the screen
C1 = "\x9b31m"                     # an 8-bit CSI


def _raw_controls(text: str) -> list[str]:
    return [c for c in text if (ord(c) < 0x20 and c not in "\n\t") or 0x7F <= ord(c) < 0xA0]


@pytest.fixture
def hostile_db(tmp_path, cli) -> str:
    """A small store whose stored text is full of control sequences (written behind perftui's
    back: its input checks refuse them)."""
    db = str(tmp_path / "hostile.db")
    for i in range(1, 9):
        code, _, err = cli("--db", db, "record", f"startup_time_ms={400 + i}", "--app", "shop",
                           "--env", "prod", "--commit", f"abc{i}000", "--branch", "main",
                           "--at", f"2026-01-1{i}T10:00:00Z")
        assert code == 0, err
    code, _, err = cli("--db", db, "record", "startup_time_ms=900", "--app", "shop", "--env",
                       "prod", "--commit", "abcf000", "--branch", "main",
                       "--at", "2026-01-19T10:00:00Z")
    assert code == 0, err
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE metrics SET name = ?, unit = ?, description = ?",
                     (f"Startup{OSC}\nline2", f"ms{CSI}", f"desc{C1}"))
        conn.execute("UPDATE snapshots SET app = ?, environment = ?, git_branch = ?, host = ?, "
                     "app_version = ?", (f"shop{OSC}", f"prod{CSI}", f"main{OSC}",
                                         f"host{CSI}", f"1.0{C1}"))
        conn.execute("UPDATE snapshots SET git_commit = ? WHERE git_commit = 'abcf000'",
                     (f"abcf000{OSC}",))
        conn.execute("UPDATE alerts SET app = ?, environment = ?, acknowledged_by = ?, "
                     "resolution_notes = ?, message = ?",
                     (f"shop{OSC}", f"prod{CSI}", f"eve{OSC}", f"note{CSI}", f"msg{OSC}"))
        for table in ("baseline_resets", "daily_aggregates"):
            try:
                conn.execute(f"UPDATE {table} SET app = ?, environment = ?",
                             (f"shop{OSC}", f"prod{CSI}"))
            except sqlite3.OperationalError:
                pass
    conn.close()
    return db


SCOPE = ("--app", f"shop{OSC}", "--env", f"prod{CSI}")
TEXT_COMMANDS = [
    ("status",),
    ("alerts", "--status", "all", "--severity", "info"),
    ("alerts", "show", "--id", "1"),
    ("report", "--days", "400", *SCOPE),
    ("compare", "abc1000", "abc2000", *SCOPE),
    ("baseline", "--metric", "APP-001", *SCOPE),
    ("regression", *SCOPE),
    ("targets",),
]


@pytest.mark.parametrize("args", TEXT_COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_text_commands_escape_stored_control_sequences(cli, hostile_db, args):
    code, out, err = cli("--db", hostile_db, *args)
    assert code in (0, 1), err
    assert out.strip(), err
    assert _raw_controls(out) == [], repr(out)
    assert "\\x1b" in out or "\\x9b" in out, out


def test_table_cells_are_one_line(cli, hostile_db):
    code, out, err = cli("--db", hostile_db, "targets")
    assert code == 0, err
    assert "Startup\\x1b]2;pwned\\x07\\x0aline2" in out
    assert not any(line.startswith("line2") for line in out.splitlines())


def test_json_output_stays_exact(cli, hostile_db):
    code, out, err = cli("--db", hostile_db, "status", "--format", "json")
    assert code == 0, err
    assert "\x1b" not in out and "\\u001b" in out   # json.dumps escapes it...
    assert json.loads(out)["scope"]["app"] == f"shop{OSC}"   # ...and the value is exact


def test_csv_to_stdout_escapes_text_cells(cli, hostile_db, tmp_path):
    code, out, err = cli("--db", hostile_db, "export", "--format", "csv")
    assert code == 0, err
    assert _raw_controls(out) == [] and "shop\\x1b]2;pwned\\x07" in out
    # a file keeps the data exact
    path = tmp_path / "out.csv"
    code, _, err = cli("--db", hostile_db, "export", "--format", "csv", "--output", path)
    assert code == 0, err
    assert OSC in path.read_text()


# -- refused at input -----------------------------------------------------------------------


@pytest.mark.parametrize("option", ["--app", "--env", "--branch", "--commit", "--version"])
def test_record_refuses_control_characters_in_scope_and_git_fields(cli, tmp_path, option):
    db = tmp_path / "s.db"
    base = {"--app": "shop", "--env": "prod", "--branch": "main", "--commit": "abc1234",
            "--version": "1.0"}
    base[option] = f"x{OSC}"
    args = [a for pair in base.items() for a in pair]
    code, out, err = cli("--db", db, "record", "startup_time_ms=400", *args)
    assert code == 2, (out, err)
    field = {"--app": "app", "--env": "environment", "--branch": "git_branch",
             "--commit": "git_commit", "--version": "app_version"}[option]
    assert field in err and "control character" in err


def test_validate_refuses_controls_in_host_but_keeps_notes_lines():
    from perftui.errors import PerftuiError
    from perftui.recorder.evaluate import SnapshotInput, validate

    ok = SnapshotInput(metrics={"x_ms": 1.0}, app="a", environment="e", notes="one\ntwo\tthree")
    validate(ok)
    for field, value in (("host", f"h{CSI}"), ("notes", f"n{OSC}"), ("git_branch", "b\n")):
        bad = SnapshotInput(metrics={"x_ms": 1.0}, app="a", environment="e",
                            **{field: value})
        with pytest.raises(PerftuiError, match=field):
            validate(bad)


@pytest.mark.parametrize("field", ["name", "unit", "description"])
def test_catalog_refuses_control_characters(field):
    from perftui.errors import CatalogError
    from perftui.store.catalog import normalise_entry

    with pytest.raises(CatalogError, match=field):
        normalise_entry({"id": "APP-001", field: f"x{OSC}"})
    if field == "description":
        assert normalise_entry({"id": "APP-001", field: "a\nb\tc"})[field] == "a\nb\tc"


def test_alert_notes_and_acknowledged_by_refuse_control_characters(cli, tmp_path):
    db = tmp_path / "a.db"
    for i in range(1, 9):
        cli("--db", db, "record", f"startup_time_ms={400 + i}", "--app", "shop", "--env",
            "prod", "--at", f"2026-01-1{i}T10:00:00Z")
    assert cli("--db", db, "record", "startup_time_ms=900", "--app", "shop", "--env", "prod",
               "--at", "2026-01-19T10:00:00Z")[0] == 0
    from perftui.core.alerts import acknowledge, acknowledge_many, accept_as_baseline
    from perftui.core.session import open_session
    from perftui.errors import InputError

    with open_session(str(db)) as store:
        with pytest.raises(InputError, match="notes"):
            acknowledge(store, 1, "eve", f"looked{OSC}")
        with pytest.raises(InputError, match="acknowledged-by"):
            acknowledge(store, 1, f"eve{CSI}", "fine")
        with pytest.raises(InputError, match="acknowledged-by"):
            acknowledge_many(store, [1], f"eve{C1}", None)
        with pytest.raises(InputError, match="notes"):
            accept_as_baseline(store, 2, "eve", f"x{CSI}")
        assert acknowledge(store, 1, "eve", "line one\nline two")["acknowledged_by"] == "eve"


@pytest.mark.parametrize("args", [
    ["targets", "set", "APP-001", "--target", "300", "--reason", f"why{OSC}"],
    ["targets", "set", "APP-001", "--target", "300", "--by", f"eve{CSI}"],
    ["targets", "add", "NEW-001", "--name", "New", "--unit", "ms", "--target", "5",
     "--by", f"eve{C1}"],
])
def test_target_edits_refuse_control_characters_in_who_and_why(cli, tmp_path, args):
    """Who changed a target and why are printed by `targets audit` and the TUI later."""
    db = tmp_path / "t.db"
    assert cli("--db", db, "record", "APP-001=400")[0] == 0
    before = _digest(db)
    code, out, err = cli("--db", db, *args)
    assert code == 2, (out, err)
    assert "control character" in err and len(err.strip().splitlines()) == 1
    assert _digest(db) == before


def test_a_reason_may_have_lines(cli, tmp_path):
    db = tmp_path / "t.db"
    assert cli("--db", db, "record", "APP-001=400")[0] == 0
    code, _, err = cli("--db", db, "targets", "set", "APP-001", "--target", "300", "--reason",
                       "one\ntwo")
    assert code == 0, err


def _digest(db):
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        return [conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
                for t in ("metrics", "target_changes")]
    finally:
        conn.close()


def test_an_alerts_profile_escapes_stored_function_names(cli, hostile_db):
    """Function names and paths in a profile come from whoever wrote the store: escaped, and
    rich markup in them is printed, not applied."""
    from perftui.store import profiles
    from perftui.store.db import open_store

    stats = {(f"app{CSI}.py", 3, f"slow{OSC}[red]x[/red]"): (1, 1, 0.004, 0.004, {}),
             ("app.py", 1, "op"): (1, 1, 0.001, 0.005, {})}
    with open_store(hostile_db) as db:
        alert, metric = db.execute("SELECT id, metric_id FROM alerts LIMIT 1").fetchone()
        profiles.save_profile(db, metric_id=metric, app="shop", environment="prod",
                              operation=f"op{OSC}", kind="regression", alert_id=alert,
                              doc=profiles.from_stats(stats), duration_ms=5,
                              captured_at="2026-01-19T10:00:01Z")
    code, out, err = cli("--db", hostile_db, "alerts", "profile", "--id", str(alert))
    assert code == 0, err
    assert _raw_controls(out) == [], repr(out)
    assert "\\x1b]2;pwned\\x07[red]x[/red]" in out
