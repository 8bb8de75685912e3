"""Files perftui writes (export --output, check --markdown, targets export -o, the TUI export):
never onto a store (the open one, any SQLite file, a store's -wal/-shm), never over an existing
file without --force, exports readable by their owner only, no temporary file left behind.
And the store's own file: created owner-only, never through a planted symbolic link, with a
warning when others could write to it or replace it."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from perftui.core.files import write_file, write_text
from perftui.errors import OutputError, StoreUnwritable

from ._helpers import assert_one_line_error, fingerprint


@pytest.fixture
def lite(cli, tmp_path) -> str:
    """A small SQLite store with one run."""
    path = str(tmp_path / "store.db")
    assert cli("--db", path, "record", "APP-001=400")[0] == 0
    return path


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(".")]


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


# ------------------------------------------------------------------------ never onto a store


@pytest.mark.parametrize("force", [False, True])
def test_export_onto_the_open_store_is_refused(cli, lite, force):
    before = fingerprint(lite)
    size = os.path.getsize(lite)
    code, _, err = cli("--db", lite, "export", "--format", "json", "--output", lite,
                       *(["--force"] if force else []))
    assert_one_line_error(code, err, lite, "perftui store")
    assert fingerprint(lite) == before and os.path.getsize(lite) == size
    assert not leftovers(Path(lite).parent)


def test_export_onto_another_store_is_refused(cli, lite, tmp_path):
    other = str(tmp_path / "other.db")
    assert cli("--db", other, "record", "APP-001=1")[0] == 0
    before = fingerprint(other)
    code, _, err = cli("--db", lite, "export", "--output", other, "--force")
    assert_one_line_error(code, err, other, "perftui store")
    assert fingerprint(other) == before


@pytest.mark.parametrize("suffix", ["-wal", "-shm"])
def test_export_onto_a_store_companion_is_refused(cli, lite, suffix):
    companion = lite + suffix
    code, _, err = cli("--db", lite, "export", "--output", companion, "--force")
    assert_one_line_error(code, err, companion, "perftui store")


def test_export_through_a_symlink_to_the_store_is_refused(cli, lite, tmp_path):
    link = tmp_path / "innocent.json"
    link.symlink_to(lite)
    before = fingerprint(lite)
    code, _, err = cli("--db", lite, "export", "--output", link, "--force")
    assert_one_line_error(code, err, "perftui store")
    assert fingerprint(lite) == before and link.is_symlink()


def test_check_markdown_onto_the_store_is_refused(cli, lite, tmp_path):
    current = tmp_path / "results.json"
    current.write_text(json.dumps({"snapshots": [{
        "recorded_at": "2026-03-02T00:00:00Z", "metrics": {"APP-001": 401}}]}))
    before = fingerprint(lite)
    code, _, err = cli("--db", lite, "check", "--current", current, "--markdown", lite,
                       "--force")
    assert_one_line_error(code, err, lite, "perftui store")
    assert fingerprint(lite) == before


def test_targets_export_onto_the_store_is_refused(cli, lite):
    before = fingerprint(lite)
    code, _, err = cli("--db", lite, "targets", "export", "-o", lite, "--force")
    assert_one_line_error(code, err, lite, "perftui store")
    assert fingerprint(lite) == before


# --------------------------------------------------------------- existing files need --force


def test_export_does_not_replace_a_file_without_force(cli, stores, tmp_path):
    db = stores.new()
    assert cli("--db", db, "record", "APP-001=400")[0] == 0
    target = tmp_path / "out.csv"
    target.write_text("mine\n")
    code, _, err = cli("--db", db, "export", "--output", target)
    assert_one_line_error(code, err, f"{target} exists; add --force to replace it")
    assert target.read_text() == "mine\n"
    assert not leftovers(tmp_path)
    code, _, err = cli("--db", db, "export", "--output", target, "--force")
    assert code == 0, err
    assert target.read_text().startswith("snapshot_id") or "APP-001" in target.read_text()


def test_check_markdown_needs_force_to_replace(cli, lite, tmp_path):
    current = tmp_path / "results.json"
    current.write_text(json.dumps({"snapshots": [{
        "recorded_at": "2026-03-02T00:00:00Z", "metrics": {"APP-001": 401}}]}))
    comment = tmp_path / "comment.md"
    comment.write_text("old comment\n")
    code, _, err = cli("--db", lite, "check", "--current", current, "--markdown", comment)
    assert_one_line_error(code, err, f"{comment} exists; add --force")
    assert comment.read_text() == "old comment\n"
    code, _, err = cli("--db", lite, "check", "--current", current, "--markdown", comment,
                       "--force")
    assert code in (0, 1), err
    assert comment.read_text().startswith("## Performance Report")


def test_targets_export_needs_force_to_replace(cli, lite, tmp_path):
    catalog = tmp_path / "catalog.json"
    catalog.write_text("{}\n")
    code, _, err = cli("--db", lite, "targets", "export", "-o", catalog)
    assert_one_line_error(code, err, f"{catalog} exists; add --force")
    assert catalog.read_text() == "{}\n"
    code, _, err = cli("--db", lite, "targets", "export", "-o", catalog, "--force")
    assert code == 0, err
    assert json.loads(catalog.read_text())["metrics"]


def test_a_dangling_symlink_at_the_output_counts_as_existing(cli, lite, tmp_path):
    target = tmp_path / "out.json"
    elsewhere = tmp_path / "elsewhere.json"
    target.symlink_to(elsewhere)
    code, _, err = cli("--db", lite, "export", "--output", target)
    assert_one_line_error(code, err, "exists")
    assert not elsewhere.exists()


# ------------------------------------------------------------------------- owner-only exports


def test_export_file_is_owner_only_whatever_the_umask(cli, lite, tmp_path, umask_022):
    target = tmp_path / "out.json"
    code, _, err = cli("--db", lite, "export", "--format", "json", "--output", target)
    assert code == 0, err
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    os.umask(0)
    code, _, err = cli("--db", lite, "export", "--format", "json", "--output", target,
                       "--force")
    assert code == 0, err
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


# ------------------------------------------------------------------ the core writer directly


def test_failed_write_leaves_no_temporary_file(tmp_path):
    def boom(out):
        out.write("half")
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        write_file(tmp_path / "out.txt", boom)
    assert list(tmp_path.iterdir()) == []


def test_file_appearing_during_the_write_is_not_replaced(tmp_path):
    target = tmp_path / "out.txt"

    def race(out):
        target.write_text("theirs\n")
        out.write("mine\n")

    with pytest.raises(OutputError, match="exists; add --force"):
        write_file(target, race)
    assert target.read_text() == "theirs\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_sqlite_header_is_recognised_without_the_store_open(tmp_path):
    db = tmp_path / "any.sqlite"
    db.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    with pytest.raises(OutputError, match="perftui store"):
        write_text(db, "x", force=True)
    with pytest.raises(OutputError, match="perftui store"):
        write_text(str(db) + "-journal", "x", force=True)
    assert db.read_bytes().startswith(b"SQLite format 3\x00")


def test_protected_path_is_refused_even_when_empty(tmp_path):
    store = tmp_path / "empty.db"
    store.write_bytes(b"")
    with pytest.raises(OutputError, match="perftui store"):
        write_text(store, "x", force=True, protect=[str(store)])


def test_every_file_perftui_writes_is_owner_only(cli, tmp_path, umask_022):
    """PR comments and catalogs carry a project's figures and names, as exports do."""
    db = tmp_path / "s.db"
    assert cli("--db", db, "record", "APP-001=400", "--branch", "main")[0] == 0
    current = tmp_path / "current.json"
    current.write_text('{"snapshots": [{"recorded_at": "2026-01-01T00:00:00Z", "metrics": {"APP-001": 410}}]}')
    for args, name in ((["targets", "export", "-o"], "catalog.json"),
                       (["check", "--current", current, "--markdown"], "comment.md"),
                       (["export", "--format", "json", "--output"], "export.json")):
        code, _, err = cli("--db", db, *args, tmp_path / name)
        assert code in (0, 1), err      # check exits 1 when it finds a regression
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600, name
    write_text(tmp_path / "plain.txt", "x")
    assert stat.S_IMODE((tmp_path / "plain.txt").stat().st_mode) == 0o600


# ------------------------------------------------------------------------- the store's file


def test_store_created_owner_only_whatever_the_umask(cli, tmp_path):
    old = os.umask(0)
    try:
        assert cli("--db", tmp_path / "s.db", "record", "APP-001=1")[0] == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "s.db").stat().st_mode) == 0o600


def test_store_through_a_dangling_symlink_is_refused(cli, tmp_path, umask_022):
    from perftui.store.sqlite import connect

    link = tmp_path / "store.db"
    elsewhere = tmp_path / "elsewhere.db"
    link.symlink_to(elsewhere)
    with pytest.raises(StoreUnwritable, match="symbolic link"):
        connect(str(link))
    assert not elsewhere.exists()
    code, _, err = cli("--db", link, "record", "APP-001=1")
    assert_one_line_error(code, err, "symbolic link")
    assert not elsewhere.exists()


def test_symlink_to_an_existing_store_still_opens(cli, lite, tmp_path):
    link = tmp_path / "link.db"
    link.symlink_to(lite)
    code, _, err = cli("--db", link, "record", "APP-001=2")
    assert code == 0, err


def warnings_in(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("perftui: warning: ")]


def test_no_warning_for_a_private_store(cli, lite):
    code, _, err = cli("--db", lite, "status")
    assert code == 0 and not warnings_in(err), err


@pytest.mark.parametrize("mode", [0o664, 0o646])
def test_warns_once_about_a_store_others_can_write(cli, lite, mode):
    os.chmod(lite, mode)
    code, _, err = cli("--db", lite, "status")
    assert code == 0, err
    lines = warnings_in(err)
    assert len(lines) == 1 and lite in lines[0] and "writable" in lines[0], err


def test_warns_about_a_world_writable_folder_without_sticky_bit(cli, tmp_path):
    folder = tmp_path / "open"
    folder.mkdir()
    store = folder / "store.db"
    assert cli("--db", store, "record", "APP-001=1")[0] == 0
    folder.chmod(0o777)
    code, _, err = cli("--db", store, "status")
    assert code == 0, err
    lines = warnings_in(err)
    assert len(lines) == 1 and str(folder) in lines[0] and "sticky" in lines[0], err
    folder.chmod(0o1777)
    code, _, err = cli("--db", store, "status")
    assert code == 0 and not warnings_in(err), err


# ------------------------------------------------------------------------- the TUI's export


def tui_app(path: str):
    from perftui.tui.app import PerftuiApp
    from perftui.tui.data import StoreSource
    from perftui.tui.load import FixedLoad

    return PerftuiApp(StoreSource(path), live=False, poll_interval=0.1, load_source=FixedLoad())


async def settle(pilot, condition, timeout: float = 5.0) -> bool:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await pilot.pause(0.02)
        if condition():
            return True
    return False


async def submit(pilot, dialog, path) -> None:
    dialog.query_one("#export-path").value = str(path)
    dialog.query_one("#export-path").focus()
    await pilot.press("enter")


def problem(dialog) -> str:
    return str(dialog.query_one("#export-problem").render())


async def test_tui_export_asks_before_replacing_a_file(lite, tmp_path, umask_022):
    from perftui.tui.commands import open_export

    target = tmp_path / "out.json"
    target.write_text("mine\n")
    app = tui_app(lite)
    async with app.run_test(size=(80, 24)) as pilot:
        open_export(app, False)
        assert await settle(pilot, lambda: type(app.screen).__name__ == "ExportDialog")
        dialog = app.screen
        await submit(pilot, dialog, target)
        assert await settle(pilot, lambda: "exists" in problem(dialog))
        await pilot.pause(0.2)
        assert app.screen is dialog and target.read_text() == "mine\n"
        await pilot.press("enter")           # again, on the same name: replace it
        assert await settle(pilot, lambda: app.screen is not dialog)
    assert json.loads(target.read_text())["format"] == "perftui-export"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


async def test_tui_export_never_writes_over_the_store(lite, tmp_path):
    from perftui.tui.commands import open_export

    before = fingerprint(lite)
    app = tui_app(lite)
    async with app.run_test(size=(80, 24)) as pilot:
        open_export(app, False)
        assert await settle(pilot, lambda: type(app.screen).__name__ == "ExportDialog")
        dialog = app.screen
        await submit(pilot, dialog, lite)
        assert await settle(pilot, lambda: "exists" in problem(dialog))
        await pilot.press("enter")
        assert await settle(pilot, lambda: "perftui store" in problem(dialog))
        assert app.screen is dialog
    assert fingerprint(lite) == before


def test_tui_source_export_is_owner_only_and_needs_force(lite, tmp_path, umask_022):
    from perftui.tui.data import StoreSource

    source = StoreSource(lite)
    try:
        target = tmp_path / "runs.csv"
        source.export(str(target))
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        with pytest.raises(OutputError, match="exists"):
            source.export(str(target))
        source.export(str(target), force=True)
    finally:
        source.close()
