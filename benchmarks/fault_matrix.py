"""The fault matrix (issue 10), with counts: what concurrency, a busy store, hostile input and
other users do to the installed perftui, and what it writes.

    python benchmarks/fault_matrix.py [--quick]

Parts, each a table and one PASS/FAIL summary line (exit 0 when all pass, 1 otherwise):

1. concurrency: 8 recorder processes (200 runs each, a fresh PerformanceTracker per run, as
   an app start) and a 60,000-snapshot `perftui import`, at once, on one SQLite store. Runs
   recorded vs runs stored (equal), spooled and delivered; the import's time against the same
   import alone (floor).
2. spool: the store's write lock held past the recorders' busy timeout (200 ms): 20 runs
   spooled (none lost, none waits long), all delivered by the next write; spool file modes.
3. hostile inputs: control sequences, impossible values and dates, malformed and hostile
   import files, markdown injection, private names: each refused (exit 2, one
   `perftui: error:` line, no traceback, store unchanged) or accepted safely (a stated check).
4. files written and their modes under umask 022 (0600 files, 0700 directories), and output
   paths that must be refused (the store itself, an existing file without --force).
5. other users (as root, with runuser): nobody reads root's store in a 0755 directory, root
   reads nobody's store in a 1777 directory, both read-only; the directory stays as it was.

--quick: 6,000 imported snapshots and 50 runs per recorder; --parts 1,3 runs only those. Everything runs the installed,
compiled package (benchmarks/_common.py) from outside the source tree.
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import (  # noqa: E402
    REPO, child_env, installed_bin, installed_python, outside_dir, report, run_installed,
    source_hash)

RECORDERS = 8
SPOOL_RUNS = 20
RECORDER_APP = "recorder-app"
PWNED = "\x1b]0;pwned\x07"

# one host application start per loop turn: a fresh tracker, two metrics, one snapshot
# (each run is tagged by its app_version, `<tag>-<run>`, so a lost run can be named; the
# recorder's warnings are captured per run)
HOST = textwrap.dedent("""
    import json, logging, sys, time
    from perftui import PerformanceTracker
    db, app, runs, tag = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    heard = []
    class Catch(logging.Handler):
        def emit(self, record):
            heard.append(record.getMessage())
    logging.getLogger("perftui").addHandler(Catch())
    logging.getLogger("perftui").propagate = False
    waits, ok, failed = [], 0, []
    started = time.time()
    for i in range(runs):
        del heard[:]
        t = PerformanceTracker(db=db, app=app, environment="prod", summary=False,
                               cold_start=False, app_version=f"{tag}-{i}")
        t.record_metric("APP-001", 400.0 + i % 7)
        t.record_metric("VAL-001", 800.0 + i % 5)
        s = time.perf_counter()
        result = t.record_baseline_snapshot()
        waits.append((time.perf_counter() - s) * 1000)
        ok += result is not None
        if result is None or heard:
            failed.append({"run": f"{tag}-{i}", "result": result is not None,
                           "wait_ms": round(waits[-1], 1), "warnings": list(heard)})
        t.close()
    print(json.dumps({"runs": runs, "ok": ok, "waits": waits, "failed": failed,
                      "started": started, "ended": time.time()}))
""")

LOCK_HOLDER = textwrap.dedent("""
    import sqlite3, sys
    conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
    conn.execute("BEGIN IMMEDIATE")
    print("locked", flush=True)
    sys.stdin.readline()
    conn.execute("ROLLBACK")
    conn.close()
""")

RESULTS: list[tuple[str, bool | None, str]] = []
TMP: list[str] = []  # the run's scratch directory, left out of the paths shown


def rel(path) -> str:
    text = str(path)
    return text.replace(TMP[0] + os.sep, "") if TMP else text  # part, verdict (None: skipped), summary


# -- small helpers -------------------------------------------------------------------------------

def perftui(*argv: str, env: dict | None = None, timeout: float = 600, **kw):
    return run_installed([installed_bin("perftui"), *argv], capture_output=True, text=True,
                         env=env, timeout=timeout, **kw)


def host(tmp: Path) -> Path:
    path = tmp / "host_app.py"
    if not path.exists():
        path.write_text(HOST)
    return path


def start_host(tmp: Path, db: Path, runs: int, env: dict | None = None,
               app: str = RECORDER_APP, tag: str = "r") -> subprocess.Popen:
    env = dict(env or child_env())
    env["PATH"] = str(Path(installed_python()).parent) + os.pathsep + env.get("PATH", "")
    return subprocess.Popen([installed_python(), str(host(tmp)), str(db), app, str(runs), tag],
                            env=env, cwd=outside_dir(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def finish_host(proc: subprocess.Popen) -> tuple[dict, str]:
    out, err = proc.communicate(timeout=3600)
    if proc.returncode != 0:
        raise SystemExit(f"host app failed ({proc.returncode}):\n{err[-2000:]}")
    return json.loads(out.strip().splitlines()[-1]), err


def count(db: Path, sql: str, *params) -> int:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    try:
        return conn.execute(sql, params).fetchone()[0]
    finally:
        conn.close()


def table_counts(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    try:
        names = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        conn.close()


def spooled(db: Path) -> list[Path]:
    folder = Path(f"{db}.spool")
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix == ".json" and not p.name.startswith("."))


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def table(headers: list[str], rows: list[list]) -> None:
    cells = [[str(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h)
              for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths))
    print(line)
    print("  ".join("-" * w for w in widths))
    for row in cells:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)))


def verdict(part: str, ok: bool | None, summary: str) -> None:
    RESULTS.append((part, ok, summary))
    word = "SKIP" if ok is None else "PASS" if ok else "FAIL"
    print(f"== {part}: {summary}  [{word}]\n")
    sys.stdout.flush()


def seed_store(db: Path, runs: int = 3, app: str = "seed") -> None:
    for i in range(runs):
        done = perftui("--db", str(db), "record", f"APP-001={400 + i}", f"VAL-001={800 + i}",
                       "--app", app, "--env", "prod", "--commit", f"seed{i}")
        if done.returncode != 0:
            raise SystemExit(f"cannot create the store {db}: {done.stderr}")


def checkpoint(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def mode_of(path: Path) -> str:
    return f"{stat.S_IMODE(path.lstat().st_mode):04o}"


def kind_of(path: Path) -> str:
    st = path.lstat()
    return "link" if stat.S_ISLNK(st.st_mode) else "dir" if stat.S_ISDIR(st.st_mode) else "file"


# -- part 1: concurrency -------------------------------------------------------------------------

def import_file(path: Path, n: int) -> None:
    start = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=20)
    with open(path, "w") as f:
        f.write('{"snapshots": [')
        for i in range(n):
            when = (start + timedelta(seconds=10 * i)).strftime("%Y-%m-%dT%H:%M:%SZ")
            f.write(("," if i else "") + json.dumps(
                {"recorded_at": when, "app": "bulk", "environment": "prod",
                 "git_commit": f"{i // 100:08x}", "metrics": {"APP-001": 400.0 + i % 13,
                                                              "VAL-001": 800.0 + i % 17}}))
        f.write("]}")


def part_concurrency(tmp: Path, n_import: int, runs: int) -> None:
    print(f"-- 1. concurrency: {RECORDERS} recorders x {runs} runs + an import of "
          f"{n_import:,} snapshots, one SQLite store")
    data = tmp / "bulk.json"
    import_file(data, n_import)
    # floor: the same import alone, into a store seeded the same way
    alone = tmp / "alone.db"
    seed_store(alone)
    t0 = time.perf_counter()
    done = perftui("--db", str(alone), "import", str(data), timeout=3600)
    floor_s = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"import alone failed: {done.stderr}")

    db = tmp / "concurrent.db"
    seed_store(db)
    env = child_env(PERFTUI_LOG_DIR=str(tmp / "logs-1"), PERFTUI_BUSY_TIMEOUT_MS=None,
                    PERFTUI_DB=None, PERFTUI_APP=None, PERFTUI_ENV=None, PERFTUI_DISABLE=None)
    env["PATH"] = str(Path(installed_python()).parent) + os.pathsep + env["PATH"]
    t0 = time.perf_counter()
    imp_started = time.time()
    importer = subprocess.Popen([installed_bin("perftui"), "--db", str(db), "import", str(data)],
                                env=env, cwd=outside_dir(), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
    hosts = [start_host(tmp, db, runs, env, tag=f"r{i}") for i in range(1, RECORDERS + 1)]
    imp_out, imp_err = importer.communicate(timeout=3600)
    import_s = time.perf_counter() - t0
    imp_ended = time.time()
    results = [finish_host(h) for h in hosts]
    failed_runs = [f for r, _ in results for f in r["failed"]]
    kept = sum(any("kept in" in w for w in f["warnings"]) for f in failed_runs)
    not_kept = sum(not f["result"] and not any("kept in" in w for w in f["warnings"])
                   for f in failed_runs)
    rows, waits_all = [], []
    for i, (r, _err) in enumerate(results, 1):
        waits_all += r["waits"]
        rows.append([f"recorder {i}", r["runs"], r["ok"], r["runs"] - r["ok"],
                     f"{pct(r['waits'], 0.5):.1f}", f"{pct(r['waits'], 0.95):.1f}",
                     f"{max(r['waits']):.1f}"])
    attempted = sum(r["runs"] for r, _ in results)
    returned = sum(r["ok"] for r, _ in results)
    rows.append(["all", attempted, returned, attempted - returned,
                 f"{pct(waits_all, 0.5):.1f}", f"{pct(waits_all, 0.95):.1f}",
                 f"{max(waits_all):.1f}"])
    table(["process", "runs", "result", "None", "wait p50 ms", "p95 ms", "max ms"], rows)
    rec_started = min(r["started"] for r, _ in results)
    rec_ended = max(r["ended"] for r, _ in results)
    overlap = max(0.0, min(imp_ended, rec_ended) - max(imp_started, rec_started))
    in_spool = len(spooled(db))
    spool_dir = Path(f"{db}.spool")
    other_files = sorted(p.name for p in spool_dir.iterdir()
                         if p.suffix != ".json") if spool_dir.is_dir() else []
    stored_before = count(db, "SELECT count(*) FROM snapshots WHERE app = ?", RECORDER_APP)
    final = perftui("--db", str(db), "record", "APP-001=1", "--app", "deliver", "--env", "prod")
    left = len(spooled(db))
    stored = count(db, "SELECT count(*) FROM snapshots WHERE app = ?", RECORDER_APP)
    imported = count(db, "SELECT count(*) FROM snapshots WHERE app = 'bulk'")
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        tags = [r[0] for r in conn.execute("SELECT app_version FROM snapshots WHERE app = ?",
                                           (RECORDER_APP,))]
    finally:
        conn.close()
    expected_tags = {f"r{i}-{j}" for i in range(1, RECORDERS + 1) for j in range(runs)}
    missing = sorted(expected_tags - set(tags))
    duplicated = len(tags) - len(set(tags))
    print()
    table(["count", "value"], [
        ["runs attempted", attempted],
        ["returned a result", returned],
        ["returned None (spooled)", attempted - returned],
        ["  of which kept in the spool (warning says so)", kept],
        ["  of which not kept (lost, per the warning)", not_kept],
        ["runs with a warning but a result", sum(f["result"] for f in failed_runs)],
        ["in the spool after the run", f"{in_spool}" + (f" (+ other files: "
                                                        f"{', '.join(other_files)[:60]})"
                                                        if other_files else "")],
        ["delivered during the run (by later runs)", attempted - returned - in_spool],
        ["delivered by the final write (`perftui record`)", f"{in_spool - left} "
         f"(exit {final.returncode})"],
        ["left in the spool", left],
        ["stored before / after the final write", f"{stored_before} / {stored}"],
        ["runs missing from the store / stored twice", f"{len(missing)} / {duplicated}"],
        ["import exit code", importer.returncode],
        ["import snapshots stored", f"{imported:,} of {n_import:,}"],
        ["import / recorders overlap", f"{overlap:.1f} s (import {import_s:.1f} s, recorders "
         f"{rec_ended - rec_started:.1f} s)"],
    ])
    if importer.returncode:
        print(f"import stderr: {imp_err.strip()[-500:]}")
    by_tag = {f["run"]: f for f in failed_runs}
    for tag in missing[:5]:
        f = by_tag.get(tag)
        print(f"   missing run {tag}: " + (
            f"returned {'a result' if f['result'] else 'None'} after {f['wait_ms']} ms; "
            f"warnings: {' | '.join(f['warnings'])[:400]!r}" if f else
            "returned a result, no warning"))
    for f in failed_runs[:6]:
        if f["run"] not in missing:
            print(f"   run {f['run']} (stored): returned "
                  f"{'a result' if f['result'] else 'None'} after {f['wait_ms']} ms; "
                  f"{' | '.join(f['warnings'])[:200]!r}")
    report(f"import of {n_import:,} snapshots with {RECORDERS} recorders writing", import_s, "s",
           "the same import alone", floor_s, "- (reported)", None)
    ok = (stored == attempted and imported == n_import and left == 0 and not missing
          and not duplicated and importer.returncode == 0)
    verdict("1 concurrency", ok, f"{attempted} runs recorded, {stored} stored; {imported:,} of "
            f"{n_import:,} imported; {attempted - returned} spooled, all delivered"
            if ok else f"{attempted} runs recorded, {stored} stored ({len(missing)} missing, "
            f"{duplicated} twice); {imported:,} of {n_import:,} imported; {left} left in the "
            "spool")


# -- part 2: the spool ---------------------------------------------------------------------------

SPOOL_MODES: list[tuple[str, str, str]] = []  # path, kind, mode (for part 4)


def part_spool(tmp: Path) -> None:
    print(f"-- 2. spool: write lock held past the busy timeout (200 ms), {SPOOL_RUNS} runs")
    folder = tmp / "spool-part"
    folder.mkdir()
    db = folder / "store.db"
    seed_store(db)
    env = child_env(PERFTUI_BUSY_TIMEOUT_MS="200", PERFTUI_LOG_DIR=str(tmp / "logs-2"),
                    PERFTUI_DB=None, PERFTUI_APP=None, PERFTUI_ENV=None, PERFTUI_DISABLE=None)
    holder = subprocess.Popen([installed_python(), "-c", LOCK_HOLDER, str(db)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                              cwd=outside_dir(), env=child_env())
    try:
        if holder.stdout.readline().strip() != "locked":
            raise SystemExit("the lock holder did not take the write lock")
        held = time.perf_counter()
        locked_run, locked_err = finish_host(start_host(tmp, db, SPOOL_RUNS, env))
        files = spooled(db)
        spool_dir = Path(f"{db}.spool")
        modes = [[rel(spool_dir), kind_of(spool_dir), mode_of(spool_dir)]] \
            if spool_dir.exists() else []
        modes += [[rel(p), kind_of(p), mode_of(p)] for p in files]
        SPOOL_MODES.extend(tuple(m) for m in modes)
        stored_locked = count(db, "SELECT count(*) FROM snapshots WHERE app = ?", RECORDER_APP)
    finally:
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=60)
    held_s = time.perf_counter() - held
    deliver_run, _ = finish_host(start_host(tmp, db, 1, env))
    stored = count(db, "SELECT count(*) FROM snapshots WHERE app = ?", RECORDER_APP)
    left = len(spooled(db))
    waits = locked_run["waits"]
    table(["count", "value"], [
        ["lock held", f"{held_s:.1f} s"],
        ["runs while locked", SPOOL_RUNS],
        ["returned None", SPOOL_RUNS - locked_run["ok"]],
        ["wait per locked run p50 / max", f"{pct(waits, 0.5):.0f} / {max(waits):.0f} ms"],
        ["runs warning 'kept in <spool>'", sum(any("kept in" in w for w in f["warnings"])
                                               for f in locked_run["failed"])],
        ["spool files", len(files)],
        ["stored while locked", stored_locked],
        ["delivering run returned a result", deliver_run["ok"] == 1],
        ["delivered", len(files) - left],
        ["stored after", f"{stored} (expected {SPOOL_RUNS} + 1)"],
        ["left in the spool", left],
    ])
    print()
    shown = modes[:3] + ([["...", "", ""]] if len(modes) > 4 else []) + modes[-1:] \
        if len(modes) > 4 else modes
    table(["spool path", "kind", "mode"], shown)
    bad_modes = [m for m in modes if m[2] != ("0700" if m[1] == "dir" else "0600")]
    print(f"spool modes: {len(modes)} paths, {len(bad_modes)} not 0600/0700")
    ok = (locked_run["ok"] == 0 and len(files) == SPOOL_RUNS and stored_locked == 0
          and deliver_run["ok"] == 1 and stored == SPOOL_RUNS + 1 and left == 0
          and not bad_modes and bool(modes))
    verdict("2 spool", ok, f"{SPOOL_RUNS - locked_run['ok']} of {SPOOL_RUNS} returned None, "
            f"{len(files)} spooled, {len(files) - left} delivered, {stored} stored; modes "
            f"{'ok' if not bad_modes and modes else 'WRONG'}")


# -- part 3: hostile inputs ----------------------------------------------------------------------

def write(path: Path, content) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, str):
        path.write_text(content, encoding="utf-8", errors="surrogatepass")
    else:
        path.write_text(json.dumps(content), encoding="utf-8")
    return path


def snap(**extra) -> dict:
    base = {"recorded_at": "2026-11-20T10:00:00Z", "app": "a", "environment": "prod",
            "metrics": {"APP-001": 400.0}}
    base.update(extra)
    return base


def pytest_benchmark(name: str) -> dict:
    return {"machine_info": {"node": "ci", "python_version": "3.11.2", "system": "Linux"},
            "commit_info": {"id": "abc123", "branch": "main", "project": "a"},
            "datetime": "2026-11-20T10:00:00Z",
            "benchmarks": [{"name": name, "fullname": f"tests/test_x.py::{name}",
                            "stats": {"median": 0.0123, "mean": 0.0125, "min": 0.012,
                                      "max": 0.013, "rounds": 5}}]}


def asv_tree(root: Path, result: dict) -> Path:
    machine = root / "results" / "ci"
    machine.mkdir(parents=True)
    write(machine / "machine.json", {"machine": "ci", "version": 1})
    write(root / "asv.conf.json", {"project": "a", "branches": ["main"]})
    write(root / "results" / "benchmarks.json", {"version": 2})
    base = {"commit_hash": "abc123", "env_name": "py311", "date": 1763632800000,
            "params": {"machine": "ci", "python": "3.11"}, "python": "3.11",
            "result_columns": ["result", "params"], "version": 2}
    base.update(result)
    return write(machine / "abc123-py311.json", base)


def export_doc(aggregates: list) -> dict:
    return {"format": "perftui-export", "version": 1, "snapshots": [],
            "daily_aggregates": aggregates}


def no_control(db: Path) -> tuple[bool, str]:
    """Whether any text in any table of the store holds a control character (C0, DEL, C1)."""
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        names = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        for name in names:
            cursor = conn.execute(f'SELECT * FROM "{name}"')
            columns = [d[0] for d in cursor.description]
            for row in cursor:
                for column, value in zip(columns, row):
                    if isinstance(value, str) and any(
                            ord(c) < 32 or 127 <= ord(c) < 160
                            for c in value):
                        return False, f"stored raw in {name}.{column}: {value[:30]!r}"
        return True, "no control character stored"
    finally:
        conn.close()


def hostile_cases(files: Path) -> list[dict]:
    """Each case: name, argv (STORE stands for the store's path), expected, and for
    accepted-safely a check(db, proc, before) -> (ok, what)."""
    f = files

    def file(name, content):
        return str(write(f / name, content))

    def stored_without_control(db, proc, before):
        return no_control(db)

    def nothing_stored(db, proc, before):
        after = table_counts(db)
        if after.get("snapshots") != before.get("snapshots"):
            return False, "a snapshot was stored"
        return True, "nothing stored"

    def no_private(needle):
        def check(db, proc, before):
            conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
            try:
                dump = "\n".join(conn.iterdump())
            finally:
                conn.close()
            if needle in dump or needle in proc.stdout:
                return False, f"{needle!r} is in the store or the output"
            return True, f"{needle!r} not stored nor shown"
        return check

    def no_metric(name):
        def check(db, proc, before):
            found = count(db, "SELECT count(*) FROM metrics WHERE code = ? OR key = ?", name,
                          name)
            return (not found, f"no metric {name!r} stored (left out, with a note)" if not found
                    else f"metric {name!r} stored")
        return check

    def markdown_escaped(db, proc, before):
        out = proc.stdout
        if any(line.lstrip().startswith("## pwned") for line in out.splitlines()):
            return False, "a '## pwned' heading reached the markdown"
        if "a|b" in out:
            return False, "an unescaped '|' reached a table cell"
        if "pwned" not in out:
            return True, "the hostile name is not shown at all"
        return True, "cell escaped, no heading"

    def markdown_file_escaped(path):
        def check(db, proc, before):
            p = Path(path)
            if not p.exists():
                return False, "no markdown written"
            fake = subprocess.CompletedProcess([], 0, p.read_text(encoding="utf-8"), "")
            return markdown_escaped(db, fake, before)
        return check

    deep = "[" * 100_000 + "]" * 100_000
    big_int = "4" + "0" * 399
    asv_root = f / "asv-bad-params"
    asv_root_2 = f / "asv-bad-result"
    md_comment = f / "comment.md"
    return [
        dict(name="escape sequence in --app", expected="refused",
             argv=["--db", "STORE", "record", "APP-001=4", "--app", PWNED]),
        dict(name="escape sequence in --env", expected="refused",
             argv=["--db", "STORE", "record", "APP-001=4", "--env", PWNED]),
        dict(name="escape sequence in a metric name", expected="refused",
             argv=["--db", "STORE", "record", f"APP{PWNED}=4"]),
        dict(name="escape sequence in --commit", expected="refused",
             argv=["--db", "STORE", "record", "APP-001=4", "--commit", PWNED]),
        dict(name="escape sequence in --branch", expected="refused",
             argv=["--db", "STORE", "record", "APP-001=4", "--branch", PWNED]),
        dict(name="escape sequence in --version", expected="refused",
             argv=["--db", "STORE", "record", "APP-001=4", "--version", PWNED]),
        dict(name="escape sequence in targets set --reason", expected="refused",
             argv=["--db", "STORE", "targets", "set", "APP-001", "--target", "300",
                   "--reason", PWNED]),
        dict(name="escape sequence in targets set --by", expected="refused",
             argv=["--db", "STORE", "targets", "set", "APP-001", "--target", "300",
                   "--by", PWNED]),
        dict(name="escape sequence in alerts ack --notes", expected="refused",
             argv=["--db", "STORE", "alerts", "ack", "--id", "1", "--notes", PWNED]),
        dict(name="record APP-001=-5 (negative duration)", expected="refused",
             argv=["--db", "STORE", "record", "APP-001=-5"]),
        dict(name="record APP-001=1e300", expected="refused",
             argv=["--db", "STORE", "record", "APP-001=1e300"]),
        dict(name="record APP-001=nan", expected="refused",
             argv=["--db", "STORE", "record", "APP-001=nan"]),
        dict(name="record APP-001=inf", expected="refused",
             argv=["--db", "STORE", "record", "APP-001=inf"]),
        dict(name="record --at 0001-01-01T00:00:00Z", expected="refused",
             argv=["--db", "STORE", "record", "APP-001=4", "--at", "0001-01-01T00:00:00Z"]),
        dict(name="record --at 9999-01-01T00:00:00Z", expected="refused",
             argv=["--db", "STORE", "record", "APP-001=4", "--at", "9999-01-01T00:00:00Z"]),
        dict(name="metric id with a trailing newline", expected="accepted-safely",
             argv=["--db", "STORE", "record", "APP-001\n=4"], check=stored_without_control),
        dict(name="import: 100k nested '['", expected="refused",
             argv=["--db", "STORE", "import", file("deep.json", deep)]),
        dict(name="import: a 400-digit integer value", expected="refused",
             argv=["--db", "STORE", "import", file(
                 "bigint.json", '{"snapshots": [{"recorded_at": "2026-11-20T10:00:00Z", '
                 '"app": "a", "metrics": {"APP-001": ' + big_int + '}}]}')]),
        dict(name="import: cpu_count 1e300", expected="refused",
             argv=["--db", "STORE", "import", file("cpu.json", {"snapshots": [
                 snap(cpu_count=1e300)]})]),
        dict(name="import: lone surrogate in the app name", expected="refused",
             argv=["--db", "STORE", "import", file(
                 "surrogate.json", '{"snapshots": [{"recorded_at": "2026-11-20T10:00:00Z", '
                 '"app": "a\\ud800b", "metrics": {"APP-001": 4}}]}')]),
        dict(name="import: escape sequence in the app name", expected="refused",
             argv=["--db", "STORE", "import", file("esc.json", {"snapshots": [
                 snap(app=PWNED)]})]),
        dict(name="import: an object where a string belongs", expected="refused",
             argv=["--db", "STORE", "import", file("object.json", {"snapshots": [
                 snap(app={"name": "a"})]})]),
        dict(name="import: negative duration", expected="refused",
             argv=["--db", "STORE", "import", file("negative.json", {"snapshots": [
                 snap(metrics={"APP-001": -5.0})]})]),
        dict(name="import: recorded_at in the year 9999", expected="refused",
             argv=["--db", "STORE", "import", file("future.json", {"snapshots": [
                 snap(recorded_at="9999-01-01T00:00:00Z")]})]),
        dict(name="import: daily aggregate min > max", expected="refused",
             argv=["--db", "STORE", "import", file("aggregates.json", export_doc([
                 {"day": "2026-11-01", "app": "a", "environment": "prod",
                  "metric_code": "APP-001", "count": 3, "mean": 5.0, "median": 5.0,
                  "min": 9.0, "max": 1.0, "p95": 5.0}]))]),
        dict(name="import: asv params a number, not lists", expected="refused",
             argv=["--db", "STORE", "import", "--format", "asv", str(asv_tree(asv_root, {
                 "results": {"bench.time_x": [[0.1, 0.2], [1, 2]]}}))]),
        dict(name="import: asv results a number, not an object", expected="refused",
             argv=["--db", "STORE", "import", "--format", "asv", str(asv_tree(asv_root_2, {
                 "results": 5}))]),
        dict(name="import: binary file", expected="refused",
             argv=["--db", "STORE", "import", file("binary.json", os.urandom(4096))]),
        dict(name="import: unknown top-level field", expected="refused",
             argv=["--db", "STORE", "import", file("unknown.json", {
                 "snapshots": [snap()], "drop_tables": True})]),
        dict(name="targets import: binary file", expected="refused",
             argv=["--db", "STORE", "targets", "import", file("catalog.bin",
                                                              os.urandom(4096))]),
        dict(name="targets import: escape sequence in a name", expected="refused",
             argv=["--db", "STORE", "targets", "import", file("catalog.json", {
                 "metrics": [{"id": "APP-001", "name": f"Startup {PWNED}", "unit": "ms"}]})]),
        dict(name="--db ''", expected="refused", argv=["--db", "", "status"]),
        dict(name="record user_id=5 (private name)", expected="refused",
             argv=["--db", "STORE", "record", "user_id=5"]),
        dict(name="record a metric named by an e-mail address", expected="refused",
             argv=["--db", "STORE", "record", "login_jan@example.com_ms=5"]),
        dict(name="import: pytest benchmark named by an e-mail", expected="accepted-safely",
             argv=["--db", "STORE", "import", file("pb-email.json", pytest_benchmark(
                 "test_login[jan.jansen@example.com]"))],
             check=no_private("jan.jansen@example.com")),
        dict(name="import: metric user_id in perftui JSON", expected="accepted-safely",
             argv=["--db", "STORE", "import", file("private.json", {"snapshots": [
                 snap(metrics={"APP-001": 400.0, "user_id": 5})]})],
             check=no_metric("user_id")),
        dict(name="markdown: '|' and '## heading' -> report", expected="accepted-safely",
             setup=["--db", "STORE", "import", file("pb-md.json", pytest_benchmark(
                 "test_md[a|b\n## pwned]"))],
             argv=["--db", "STORE", "--app", "a", "--env", "local", "report", "--days", "3650",
                   "--format", "markdown"], check=markdown_escaped),
        dict(name="markdown: '|' and '## heading' -> check --markdown",
             expected="accepted-safely",
             argv=["--db", "STORE", "--app", "a", "--env", "local", "check", "--current",
                   file("pb-md2.json", pytest_benchmark("test_md[a|b\n## pwned]")),
                   "--markdown", str(md_comment)],
             check=markdown_file_escaped(md_comment), ok_codes=(0, 1)),
    ]


def part_hostile(tmp: Path) -> None:
    print("-- 3. hostile inputs (each on a fresh copy of a small store)")
    template = tmp / "hostile-template.db"
    seed_store(template, runs=4, app="a")
    # one open alert, so that `alerts ack` has something to refuse a note on
    perftui("--db", str(template), "record", "APP-001=4000", "VAL-001=9000", "--app", "a",
            "--env", "prod")
    checkpoint(template)
    files = tmp / "hostile-files"
    files.mkdir()
    rows, tried, refused, safe, failures = [], 0, 0, 0, []
    for i, case in enumerate(hostile_cases(files), 1):
        folder = tmp / f"hostile-{i:02d}"
        folder.mkdir()
        db = folder / "store.db"
        shutil.copyfile(template, db)
        if case.get("setup"):
            done = perftui(*[str(db) if a == "STORE" else a for a in case["setup"]])
            if done.returncode != 0:
                print(f"   setup of {case['name']!r} failed: {done.stderr.strip()[:200]}")
        before = table_counts(db)
        argv = [str(db) if a == "STORE" else a for a in case["argv"]]
        try:
            proc = perftui(*argv, timeout=300)
        except subprocess.TimeoutExpired:
            proc = subprocess.CompletedProcess(argv, -1, "", "timed out after 300 s")
        after = table_counts(db)
        tried += 1
        err_lines = [line for line in proc.stderr.splitlines() if line.strip()]
        if proc.returncode == 2:
            got = "refused"
            problems = []
            if len(err_lines) != 1 or not err_lines[0].startswith("perftui: error:"):
                problems.append(f"{len(err_lines)} stderr lines")
            if "Traceback" in proc.stderr:
                problems.append("traceback")
            if after != before:
                problems.append("store changed")
            if any(ch in proc.stderr for ch in ("\x1b", "\x07")):
                problems.append("raw control character echoed")
            ok = case["expected"] == "refused" and not problems
            detail = "; ".join(problems) or err_lines[0][15:].strip()
        elif proc.returncode in case.get("ok_codes", (0,)):
            got = "accepted"
            ok = case["expected"] == "accepted-safely"
            if ok:
                ok, detail = case["check"](db, proc, before)
                if "Traceback" in proc.stderr or "\x1b]0;" in proc.stdout + proc.stderr:
                    ok, detail = False, "traceback or raw escape in the output"
            else:
                detail = "accepted: " + (no_control(db)[1] if after != before else
                                         "store unchanged")
        else:
            got = f"exit {proc.returncode}"
            ok = False
            detail = (err_lines[-1] if err_lines else "no stderr")[:70]
        if ok:
            refused += got == "refused"
            safe += got == "accepted"
        else:
            failures.append((case, argv, proc))
        rows.append([i, case["name"], case["expected"], got, "PASS" if ok else "FAIL",
                     rel(detail).replace("\n", "\\n")[:70]])
    table(["#", "case", "expected", "got", "verdict", "detail"], rows)
    for case, argv, proc in failures:
        shown = " ".join(repr(a) if any(c in a for c in " \n\x1b|") else a
                         for a in map(rel, argv))[:300]
        print(f"   FAIL {case['name']}: perftui {shown}\n"
              f"        exit {proc.returncode}; stderr: {proc.stderr.strip()[:300]!r}")
    summary = (f"{tried} hostile inputs tried, {refused} refused, {safe} accepted safely, "
               f"{len(failures)} failures")
    print(summary)
    verdict("3 hostile inputs", not failures, summary)


# -- part 4: files written and their modes -------------------------------------------------------

def part_files(tmp: Path) -> None:
    print("-- 4. files written and their modes (umask 022)")
    old = os.umask(0o022)
    try:
        folder = tmp / "files"
        folder.mkdir(mode=0o755)
        folder.chmod(0o755)
        db = folder / "new.db"
        logs = folder / "logs"
        outcomes = []
        done = perftui("--db", str(db), "record", "APP-001=400", "VAL-001=800", "--app", "files",
                       "--env", "prod")
        outcomes.append(("perftui record (new store)", done.returncode))
        env = child_env(PERFTUI_LOG_DIR=str(logs), PERFTUI_DB=None, PERFTUI_APP=None,
                        PERFTUI_ENV=None, PERFTUI_DISABLE=None, PERFTUI_BUSY_TIMEOUT_MS=None)
        host_run, _ = finish_host(start_host(tmp, db, 1, env, app="files"))
        outcomes.append(("recorder run (daily log)", 0 if host_run["ok"] == 1 else 1))
        export = folder / "export.json"
        done = perftui("--db", str(db), "export", "--format", "json", "--output", str(export))
        outcomes.append(("perftui export --output", done.returncode))
        catalog = folder / "catalog.json"
        done = perftui("--db", str(db), "targets", "export", "-o", str(catalog))
        outcomes.append(("perftui targets export -o", done.returncode))
        current = write(tmp / "current.json", {"snapshots": [snap(app="files")]})
        comment = folder / "comment.md"
        done = perftui("--db", str(db), "--app", "files", "--env", "prod", "check", "--current",
                       str(current), "--markdown", str(comment))
        outcomes.append(("perftui check --markdown", done.returncode))
        entries = [folder, *sorted(folder.iterdir())]
        for sub in sorted(logs.iterdir()) if logs.is_dir() else []:
            entries.append(sub)
        rows, bad = [], 0
        for path in entries:
            kind, mode = kind_of(path), mode_of(path)
            if path == folder:
                want = "(ours, 0755)"
                good = True
            else:
                want = "0700" if kind == "dir" else "0600"
                good = mode == want
            bad += not good
            rows.append([rel(path), kind, mode, want, "ok" if good else "WRONG"])
        spool_files = [m for m in SPOOL_MODES if m[1] != "dir"]
        for path, kind, mode in SPOOL_MODES:
            want = "0700" if kind == "dir" else "0600"
            bad += mode != want
            if kind == "dir":
                rows.append([path + "  (part 2)", kind, mode, want,
                             "ok" if mode == want else "WRONG"])
        if spool_files:
            modes = sorted({m[2] for m in spool_files})
            rows.append([f"{len(spool_files)} spool files in it (part 2)", "file",
                         "/".join(modes), "0600", "ok" if modes == ["0600"] else "WRONG"])
        table(["path", "kind", "mode", "wanted", ""], rows)
        print()
        # refusals: the store as an output, an existing output without --force
        refusals = []
        for label, argv, target in (
                ("export --output STORE", ["export", "--format", "json", "--output", str(db)],
                 db),
                ("export --output STORE --force", ["export", "--format", "json", "--output",
                                                   str(db), "--force"], db),
                ("targets export -o STORE --force", ["targets", "export", "-o", str(db),
                                                     "--force"], db),
                ("check --markdown STORE --force", ["--app", "files", "--env", "prod", "check",
                                                    "--current", str(current), "--markdown",
                                                    str(db), "--force"], db),
                ("export --output EXISTING (no --force)", ["export", "--output", str(export)],
                 export),
                ("targets export -o EXISTING (no --force)", ["targets", "export", "-o",
                                                             str(catalog)], catalog),
                ("check --markdown EXISTING (no --force)", ["--app", "files", "--env", "prod",
                                                            "check", "--current", str(current),
                                                            "--markdown", str(comment)],
                 comment)):
            counts = table_counts(db)
            content = target.read_bytes() if target != db else None
            done = perftui("--db", str(db), *argv)
            unchanged = table_counts(db) == counts and (content is None
                                                         or target.read_bytes() == content)
            err = [line for line in done.stderr.splitlines() if line.strip()]
            good = (done.returncode == 2 and unchanged and len(err) == 1
                    and err[0].startswith("perftui: error:"))
            refusals.append([label, done.returncode, "yes" if unchanged else "NO",
                             "PASS" if good else "FAIL", rel((err[0] if err else "")[15:])[:70]])
        table(["refusal", "exit", "unchanged", "verdict", "message"], refusals)
        made = all(code == 0 for _, code in outcomes)
        if not made:
            print("commands that failed:", [label for label, code in outcomes if code])
        failed = sum(r[3] != "PASS" for r in refusals)
        ok = made and not bad and not failed
        verdict("4 files and modes", ok, f"{len(rows)} paths, {bad} with a wrong mode; "
                f"{len(refusals) - failed} of {len(refusals)} refusals right")
    finally:
        os.umask(old)


# -- part 5: other users -------------------------------------------------------------------------

def nobody_venv() -> Path | str:
    """A virtualenv nobody can run (from /usr/bin/python3, non-editable install of the
    working tree), reused per source hash under /tmp."""
    base = Path(tempfile.gettempdir()) / f"perftui-fault-matrix-nobody-{source_hash()}"
    venv = base / "venv"
    for old in base.parent.glob("perftui-fault-matrix-nobody-*"):  # other trees', unused a day
        if old != base and time.time() - old.stat().st_mtime > 86400:
            shutil.rmtree(old, ignore_errors=True)
    if base.exists():
        os.utime(base)
    if (base / "ok").exists():
        return venv
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(mode=0o755)
    base.chmod(0o755)
    with tempfile.TemporaryDirectory(prefix="perftui-nobody-src-") as snap_dir:
        src = Path(snap_dir) / "src"
        src.mkdir()
        for name in ("perftui", "migrations", "pyproject.toml", "README.md", "LICENSE"):
            path = REPO / name
            if path.is_dir():
                shutil.copytree(path, src / name, ignore=shutil.ignore_patterns(
                    "__pycache__", "*.pyc"))
            elif path.exists():
                shutil.copy2(path, src / name)
        for step in (["/usr/bin/python3", "-m", "venv", str(venv)],
                     [str(venv / "bin" / "pip"), "install", "-q", "--disable-pip-version-check",
                      str(src)]):
            done = subprocess.run(step, capture_output=True, text=True, timeout=900,
                                  cwd=snap_dir, env=child_env())
            if done.returncode:
                shutil.rmtree(base, ignore_errors=True)
                return (f"cannot build a virtualenv for nobody ({' '.join(step[:3])}): "
                        + " | ".join((done.stderr or done.stdout).strip().splitlines()[-2:]))
    subprocess.run(["chmod", "-R", "a+rX", str(base)], check=True)
    (base / "ok").write_text("ok\n")
    return venv


def listing(folder: Path) -> dict[str, tuple[str, str]]:
    return {p.name: (pwd.getpwuid(p.lstat().st_uid).pw_name, mode_of(p))
            for p in sorted(folder.iterdir())}


def part_users(tmp: Path) -> None:
    print("-- 5. other users' stores, read-only")
    if os.geteuid() != 0 or shutil.which("runuser") is None:
        verdict("5 other users", None, "skipped: needs root and runuser to act as nobody")
        return
    venv = nobody_venv()
    if isinstance(venv, str):
        verdict("5 other users", None, f"skipped: {venv}")
        return
    nobody_perftui = str(venv / "bin" / "perftui")
    shared = Path(tempfile.mkdtemp(prefix="perftui-fault-users-", dir="/tmp"))
    try:
        shared.chmod(0o755)
        home = shared / "home"
        home.mkdir()
        home.chmod(0o777)

        def as_nobody(*argv):
            return subprocess.run(["runuser", "-u", "nobody", "--", "env", f"HOME={home}",
                                   f"XDG_DATA_HOME={home / 'data'}", nobody_perftui, *argv],
                                  capture_output=True, text=True, timeout=300, cwd=home,
                                  env=child_env(PERFTUI_DB=None, PERFTUI_LOG_DIR=None))

        scope = ("--app", "shop", "--env", "prod")
        rows, ok = [], True
        # A: root's store, 0644, in a 0755 directory; nobody reads it
        owner = shared / "owner"
        owner.mkdir()
        store = owner / "perf.db"
        for i in range(5):
            done = perftui("--db", str(store), *scope, "record", f"APP-001={400 + i}",
                           f"VAL-001={800 + i}")
            if done.returncode:
                raise SystemExit(f"cannot build root's store: {done.stderr}")
        store.chmod(0o644)
        owner.chmod(0o755)
        before = listing(owner)
        done = as_nobody("--db", str(store), "--read-only", *scope, "status")
        after = listing(owner)
        good = done.returncode == 0 and before == after and "APP-001" in done.stdout
        ok &= good
        rows.append(["nobody reads root's store (dir 0755)", done.returncode,
                     "yes" if before == after else f"NO {before} -> {after}",
                     "PASS" if good else "FAIL",
                     (done.stderr.strip().splitlines() or [""])[-1][:60]])
        # B: nobody's store in a 1777 directory; root reads it
        sticky = shared / "sticky"
        sticky.mkdir()
        sticky.chmod(0o1777)
        store = sticky / "perf.db"
        for i in range(5):
            done = as_nobody("--db", str(store), *scope, "record", f"APP-001={400 + i}",
                             f"VAL-001={800 + i}")
            if done.returncode:
                raise SystemExit(f"nobody cannot build a store: {done.stderr}")
        before = listing(sticky)
        done = perftui("--db", str(store), "--read-only", *scope, "status")
        after = listing(sticky)
        good = done.returncode == 0 and before == after and "APP-001" in done.stdout
        ok &= good
        rows.append(["root reads nobody's store (dir 1777)", done.returncode,
                     "yes" if before == after else f"NO {before} -> {after}",
                     "PASS" if good else "FAIL",
                     (done.stderr.strip().splitlines() or [""])[-1][:60]])
        table(["read", "exit", "listing unchanged", "verdict", "stderr"], rows)
        print(f"listing of {sticky.name}/: " + ", ".join(
            f"{name} {owner_}:{mode}" for name, (owner_, mode) in listing(sticky).items()))
        verdict("5 other users", ok, f"{sum(r[3] == 'PASS' for r in rows)} of {len(rows)} "
                "reads exit 0 with the directory unchanged")
    finally:
        shutil.rmtree(shared, ignore_errors=True)


# -- main ----------------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="import 6,000 snapshots and 50 runs per recorder (default: 60,000 "
                             "and 200)")
    parser.add_argument("--parts", default="1,2,3,4,5",
                        help="which parts to run, e.g. 1,3 (default: all; part 4 shows part "
                             "2's spool files only when both run)")
    args = parser.parse_args()
    wanted = {p.strip() for p in args.parts.split(",") if p.strip()}
    n_import, runs = (6_000, 50) if args.quick else (60_000, 200)
    python = installed_python()
    rev = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                         capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "perftui",
                            "migrations", "pyproject.toml"], capture_output=True,
                           text=True).stdout.strip()
    package = run_installed([python, "-c", "import perftui; print(perftui.__file__)"],
                            capture_output=True, text=True, check=True).stdout.strip()
    print(f"fault matrix, revision {rev or '?'}{' (+ uncommitted changes)' if dirty else ''}, "
          f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, "
          f"{'quick' if args.quick else 'full'} size")
    print(f"installed package: {package} (source hash {source_hash()})\n")
    with tempfile.TemporaryDirectory(prefix="perftui-fault-matrix-") as tmp_name:
        tmp = Path(tmp_name)
        TMP.append(str(tmp))
        print(f"scratch directory: {tmp} (paths below are relative to it)\n")
        parts = {"1": lambda: part_concurrency(tmp, n_import, runs), "2": lambda: part_spool(tmp),
                 "3": lambda: part_hostile(tmp), "4": lambda: part_files(tmp),
                 "5": lambda: part_users(tmp)}
        for key, part in parts.items():
            if key in wanted:
                part()
    print("summary")
    for part, ok, summary in RESULTS:
        print(f"  {'SKIP' if ok is None else 'PASS' if ok else 'FAIL'}  {part}: {summary}")
    return 0 if all(ok is not False for _, ok, _ in RESULTS) else 1


if __name__ == "__main__":
    raise SystemExit(main())
