"""Every command that writes, through every way a store can fail: exit 2, one line, no change.

Each cell runs one command against a private copy of a small store (built once per module) that
has been made to fail in one way, and asserts: exit code 2; stderr is exactly one line,
`perftui: error: ...`, naming the failure (no "internal error", no traceback on either stream);
and the store afterwards holds exactly what it held before (row counts and a digest of every row
of every table; for the damaged store, the file's bytes). A first test proves that each command
does change a healthy copy, so "unchanged" is never vacuous.

Failures, and how each is made:

- locked: another process holds `BEGIN IMMEDIATE` on the store; perftui runs in-process with
  PERFTUI_BUSY_TIMEOUT_MS=200 (which `perftui.store.sqlite.connect` honours).
- read-only: the store file is 0444 (owned by root) in a directory anyone may write. Root ignores
  file modes, so as root the command runs as `nobody` (runuser) from a virtualenv built once per
  session from /usr/bin/python3 with a non-editable install of this checkout (nobody cannot read
  the developer's virtualenv under /root). As any other user it runs in-process.
- full: RLIMIT_FSIZE of 4096 bytes in a child process. A store in WAL mode writes a transaction
  into the -wal file, which restarts at offset 0, so a limit "just above the store's size"
  would let most commands succeed; 4096 bytes cannot hold one WAL frame (4120 bytes), so every
  commit fails. Two variants:
  - full: a reader (say the TUI) has the store open, so the shared-memory file already exists
    and the failure is the commit itself (SQLITE_FULL / SQLITE_IOERR_WRITE);
  - full-at-open: nobody else has it open, so the first thing that fails is growing the WAL's
    shared-memory file (SQLITE_IOERR_SHMSIZE), before anything is read.
- corrupt: every page of the `metrics` table is overwritten with 0xFF. Page 1 and the schema's
  pages are intact, so the store still opens (the schema check passes); every command reads the
  catalog, so every command meets the damage.

Cells that are not failures, by design (asserted as successes):

- export while another process holds the write lock: in WAL mode readers are never blocked by a
  writer, and export only reads the store.
- export of a read-only store: it only reads the store, and its output goes to a directory that
  can be written.

Export's own output failures: with the size limit, `export --output` fails as an OutputError
(cannot write FILE) and leaves neither the file nor a temporary file behind; the same into a
directory that cannot be written (as nobody, 0555).
"""

from __future__ import annotations

import hashlib
import json
import resource
import shutil
import sqlite3
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

import pytest

from perftui.timefmt import to_iso, utcnow

from tests._users import PERFTUI_VARS, child_env, run_in_process

from ._helpers import TABLES

REPO = Path(__file__).resolve().parents[2]
IMPORT_FIXTURE = (REPO / "tests" / "fixtures" / "importers" / "pytest-benchmark"
                  / "gab_pytest_several_units.json")
SCOPE = ("--app", "matrix", "--env", "ci")
ALL_TABLES = (*TABLES, "schema_migrations")
FSIZE_LIMIT = 4096          # below one WAL frame (24-byte header + a 4096-byte page)


# ---------------------------------------------------------------------------------- the store


@dataclass(frozen=True)
class Case:
    """One staged copy: the store and the files the commands read or write."""

    store: Path
    catalog: Path        # a catalog file that changes APP-001's target and adds a metric
    history: Path        # a pytest-benchmark file with runs the store does not hold
    output: Path         # where export writes
    ack_id: int          # an open threshold alert
    accept_id: int       # an open statistical alert (threshold alerts cannot be accepted)
    python: str          # the interpreter `perftui run` runs


COMMANDS = {
    "record": lambda c: ["record", "APP-001=410", "VAL-001=810", "fresh_metric_ms=12",
                         "--commit", "matrix", "--branch", "main"],
    "run": lambda c: ["run", "--", c.python, "-c", "pass"],
    "import": lambda c: ["import", str(c.history)],
    "alerts ack": lambda c: ["alerts", "ack", "--id", str(c.ack_id), "--notes", "seen"],
    "alerts accept": lambda c: ["alerts", "accept", "--id", str(c.accept_id)],
    "targets set": lambda c: ["targets", "set", "APP-001", "--target", "450"],
    "targets add": lambda c: ["targets", "add", "NEW-001", "--name", "New metric", "--unit", "ms",
                              "--target", "5"],
    "targets import": lambda c: ["targets", "import", str(c.catalog)],
    "prune": lambda c: ["prune"],
    "export": lambda c: ["export", "--format", "json", "--output", str(c.output)],
}


def argv_for(command: str, case: Case) -> list[str]:
    return ["--db", str(case.store), *SCOPE, *COMMANDS[command](case)]


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Case:
    """A store with old runs (for prune), recent runs, open threshold and statistical alerts,
    plus a catalog file with changes and an import file with new runs."""
    folder = tmp_path_factory.mktemp("matrix-template")
    store = folder / "store.db"
    with pytest.MonkeyPatch.context() as mp:
        for name in PERFTUI_VARS:
            mp.delenv(name, raising=False)
        mp.setenv("HOME", str(folder / "home"))
        mp.setenv("XDG_DATA_HOME", str(folder / "home" / "data"))

        def ok(*args: str) -> str:
            code, out, err = run_in_process(["--db", str(store), *SCOPE, *args])
            assert code == 0, (args, err)
            return out

        def record(days_ago: float, app: int, val: int, custom: int, commit: str) -> None:
            ok("record", f"APP-001={app}", f"VAL-001={val}", f"custom_ms={custom}",
               "--at", to_iso(utcnow() - timedelta(days=days_ago)), "--commit", commit,
               "--branch", "main")

        record(60, 400, 800, 100, "old0")
        ok("prune", "--auto", "off")           # keep the old runs raw: `prune` has work to do
        for i in range(1, 8):
            record(60 - i, 400 + i, 800 + i, 100 + i % 3, f"old{i}")
        for i in range(8):
            record(8 - i, 400 + i, 800 + i, 100 + i % 3, f"new{i}")
        ok("record", "APP-001=900", "VAL-001=2000", "custom_ms=300", "--commit", "slow",
           "--branch", "main")
        alerts = json.loads(ok("alerts", "--format", "json", "--severity", "info"))["alerts"]
        catalog = json.loads(ok("targets", "export"))

    ack_id = next(a["id"] for a in alerts if a["alert_type"] == "threshold")
    accept_id = next(a["id"] for a in alerts if a["alert_type"] != "threshold")
    for metric in catalog["metrics"]:
        if metric["id"] == "APP-001":
            metric["target"] = 450.0
    catalog["metrics"].append({
        "id": "CAT-001", "key": "catalog_added_ms", "name": "Added by a catalog file",
        "unit": "ms", "direction": "lower", "target": 10.0, "warning": 12.0, "error": 15.0,
        "description": "", "source": "test", "active": True, "operation": None})
    (folder / "catalog.json").write_text(json.dumps(catalog, indent=1))
    shutil.copyfile(IMPORT_FIXTURE, folder / "history.json")

    conn = sqlite3.connect(store)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    page_count = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    assert not Path(f"{store}-wal").exists()
    assert page_count > 20, page_count                      # several pages, one per table
    assert page_size + 24 > FSIZE_LIMIT, page_size          # one WAL frame exceeds the limit
    return Case(store=store, catalog=folder / "catalog.json", history=folder / "history.json",
                output=folder / "export.json", ack_id=ack_id, accept_id=accept_id,
                python=sys.executable)


def stage(template: Case, folder: Path, *, python: str | None = None) -> Case:
    """A private copy of the template store and its files in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    copies = {}
    for name in ("store", "catalog", "history"):
        source = getattr(template, name)
        copies[name] = folder / source.name
        shutil.copyfile(source, copies[name])
        copies[name].chmod(0o644)
    return replace(template, **copies, output=folder / "export.json",
                   python=python or template.python)


def content(path: Path, tables=ALL_TABLES) -> dict[str, tuple[int, str]]:
    """(row count, digest of every row) of each table, read without writing."""
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        found = {}
        for table in tables:
            rows = conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            found[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()[:16])
        return found
    finally:
        conn.close()


def corrupt(store: Path, table: str = "metrics") -> None:
    """0xFF over every page of `table`'s b-tree (page 1 and the schema's pages stay intact)."""
    conn = sqlite3.connect(store)
    try:
        pages = [p for (p,) in conn.execute("SELECT pageno FROM dbstat WHERE name = ?", (table,))]
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        schema = {p for (p,) in conn.execute(
            "SELECT pageno FROM dbstat WHERE name IN ('sqlite_schema', 'schema_migrations')")}
    finally:
        conn.close()
    assert pages and not schema & set(pages), (table, pages, schema)
    with open(store, "r+b") as f:
        for page in pages:
            f.seek((page - 1) * page_size)
            f.write(b"\xff" * page_size)


# ---------------------------------------------------------------------------------- outcomes


def assert_failed(result: tuple[int, str, str], *words: str) -> None:
    """Exit 2, exactly one stderr line `perftui: error: ...` naming the failure, no traceback."""
    code, out, err = result
    assert code == 2, (code, err)
    assert "Traceback" not in out and "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("perftui: error: "), err
    assert "internal error" not in err
    for word in words:
        assert word.lower() in err.lower(), (word, err)


def assert_exported(result: tuple[int, str, str], case: Case) -> None:
    code, out, err = result
    assert code == 0, err
    assert "Traceback" not in out + err
    assert json.loads(case.output.read_text())["format"] == "perftui-export"


def assert_no_output(case: Case) -> None:
    """Neither the export nor a temporary file beside it."""
    assert not case.output.exists()
    leftovers = [p.name for p in case.output.parent.iterdir() if p.name.startswith(".export.json")]
    assert not leftovers, leftovers


@contextmanager
def held(store: Path, mode: str):
    """Another process with the store open: 'write-lock' holds BEGIN IMMEDIATE, 'reader' just
    keeps a connection open (as the TUI does). Released when the block ends."""
    script = ("import sqlite3, sys\n"
              "conn = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
              "if sys.argv[2] == 'write-lock':\n"
              "    conn.execute('BEGIN IMMEDIATE')\n"
              "else:\n"
              "    conn.execute('SELECT count(*) FROM sqlite_master').fetchone()\n"
              "print('ready', flush=True)\n"
              "sys.stdin.read()\n"
              "conn.close()\n")
    proc = subprocess.Popen([sys.executable, "-c", script, str(store), mode],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        if line.strip() != "ready":
            proc.kill()
            pytest.fail(f"the process holding the store did not start: {proc.stderr.read()}")
        yield
    finally:
        if proc.stdin and not proc.stdin.closed:
            proc.stdin.close()
        proc.wait(timeout=30)


def run_size_limited(argv: list[str], home: Path) -> tuple[int, str, str]:
    """`perftui ARGV` in a child whose files cannot grow past FSIZE_LIMIT bytes (Python ignores
    SIGXFSZ, so such a write fails with EFBIG, as on a full disk)."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (FSIZE_LIMIT, FSIZE_LIMIT))

    proc = subprocess.run([sys.executable, "-m", "perftui", *argv], capture_output=True,
                          text=True, env=child_env(home), preexec_fn=limit, timeout=120)
    return proc.returncode, proc.stdout, proc.stderr


# ---------------------------------------------------------------------------------- the matrix


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_writes_on_a_healthy_store(command, template, tmp_path):
    """The control: on a healthy copy every command succeeds and changes the store (export
    writes its file), so an unchanged store below means the failure stopped it."""
    case = stage(template, tmp_path)
    before = content(case.store)
    code, _, err = run_in_process(argv_for(command, case))
    assert code == 0, err
    if command == "export":
        assert json.loads(case.output.read_text())["format"] == "perftui-export"
        assert case.output.stat().st_size > FSIZE_LIMIT     # so the size limit stops it
    else:
        assert content(case.store) != before


@pytest.mark.parametrize("command", COMMANDS)
def test_store_locked_by_another_process(command, template, tmp_path, monkeypatch):
    monkeypatch.setenv("PERFTUI_BUSY_TIMEOUT_MS", "200")
    case = stage(template, tmp_path)
    before = content(case.store)
    with held(case.store, "write-lock"):
        result = run_in_process(argv_for(command, case))
    if command == "export":
        assert_exported(result, case)        # WAL readers are not blocked by a writer
    else:
        assert_failed(result, "locked")
    assert content(case.store) == before


@pytest.mark.parametrize("command", COMMANDS)
def test_read_only_store_file(command, template, shared_dir, other_user):
    case = stage(template, shared_dir, python=other_user.python)
    case.store.chmod(0o444)
    assert not other_user.can_write(case.store)
    before = content(case.store)
    result = other_user(argv_for(command, case), shared_dir)
    if command == "export":
        assert_exported(result, case)        # export only reads the store
    else:
        assert_failed(result, "read-only")
    assert content(case.store) == before


@pytest.mark.parametrize("command", COMMANDS)
def test_disk_full(command, template, tmp_path):
    case = stage(template, tmp_path)
    before = content(case.store)
    with held(case.store, "reader"):
        result = run_size_limited(argv_for(command, case), tmp_path)
    if command == "export":
        assert_failed(result, "cannot write", str(case.output))
        assert_no_output(case)
    else:
        assert_failed(result, "disk is full")
    assert content(case.store) == before


@pytest.mark.parametrize("command", COMMANDS)
def test_disk_full_when_opening(command, template, tmp_path):
    case = stage(template, tmp_path)
    before = content(case.store)
    result = run_size_limited(argv_for(command, case), tmp_path)
    assert_failed(result, "disk is full")
    if command == "export":
        assert_no_output(case)
    assert content(case.store) == before


@pytest.mark.parametrize("command", COMMANDS)
def test_corrupt_page(command, template, tmp_path):
    case = stage(template, tmp_path)
    corrupt(case.store)
    before = case.store.read_bytes()
    result = run_in_process(argv_for(command, case))
    assert_failed(result, "damaged")
    assert case.store.read_bytes() == before
    wal = Path(f"{case.store}-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    if command == "export":
        assert_no_output(case)


def test_corrupt_store_still_opens(template, tmp_path):
    """The corruption is in the data, not the schema: opening succeeds, so the failures above
    come from the commands' own reads."""
    from perftui.store.sqlite import connect

    case = stage(template, tmp_path)
    corrupt(case.store)
    connect(str(case.store), create=False).close()


def test_run_that_fails_to_record_leaves_the_catalog_unchanged(template, tmp_path):
    """Outside the matrix: damage only the snapshots table, so `run` gets past registering its
    metrics and fails when it records the run."""
    case = stage(template, tmp_path)
    corrupt(case.store, "snapshots")
    before = content(case.store, ["metrics", "target_changes"])
    result = run_in_process(argv_for("run", case))
    assert_failed(result, "damaged")
    assert content(case.store, ["metrics", "target_changes"]) == before


def test_export_into_a_directory_that_cannot_be_written(template, shared_dir, other_user):
    case = stage(template, shared_dir, python=other_user.python)
    closed = shared_dir / "closed"
    closed.mkdir()
    closed.chmod(0o555)
    case = replace(case, output=closed / "export.json")
    assert not other_user.can_write(closed)
    before = content(case.store)
    result = other_user(argv_for("export", case), shared_dir)
    assert_failed(result, "cannot write", str(case.output))
    assert_no_output(case)
    assert content(case.store) == before


# ---------------------------------------------------------------------------------- the knob


@pytest.mark.parametrize(("value", "expected"), [("200", 200), (" 50 ", 50), ("abc", None),
                                                 ("1.5", None), ("-1", None), ("", None)])
def test_busy_timeout_from_the_environment(value, expected, tmp_path, monkeypatch):
    """PERFTUI_BUSY_TIMEOUT_MS sets how long every command waits for a lock; anything but a
    whole number of milliseconds is ignored (the default applies)."""
    from perftui.store import sqlite as sq

    monkeypatch.setenv("PERFTUI_BUSY_TIMEOUT_MS", value)
    db = sq.connect(str(tmp_path / "store.db"))
    try:
        assert db.scalar("PRAGMA busy_timeout") == (expected if expected is not None
                                                    else sq.BUSY_TIMEOUT_MS)
    finally:
        db.close()
    db = sq.connect(str(tmp_path / "store.db"), busy_timeout_ms=70)
    try:
        assert db.scalar("PRAGMA busy_timeout") == 70       # an explicit value wins
    finally:
        db.close()

