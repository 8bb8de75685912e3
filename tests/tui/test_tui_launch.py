"""`perftui` on its way to the TUI: a plain start (global options and at most `tui`) skips
argparse, with exactly what argparse would have parsed; anything else goes through argparse."""

from __future__ import annotations

import pytest

from perftui.cli.main import build_parser, tui_arguments

KEYS = ("db", "app", "env", "read_only")


@pytest.mark.parametrize("argv", [
    [],
    ["tui"],
    ["--read-only"],
    ["--db", "x.db", "--read-only", "tui"],
    ["--db=x.db", "tui", "--app", "web"],
    ["tui", "--db", "y.db", "--env", "ci", "--read-only"],
    ["--db", "tui"],                        # a store called "tui", no command
    ["--app=", "--env=prod"],
    ["--db", "a b.db", "--app", "shop", "--env", "prod", "tui"],
])
def test_plain_starts_parse_as_argparse_does(argv):
    fast = tui_arguments(argv)
    assert fast is not None and fast.func is None
    slow = build_parser().parse_args(argv)
    assert {key: getattr(fast, key) for key in KEYS} == \
        {key: getattr(slow, key, None if key != "read_only" else False) for key in KEYS}
    assert fast.command == slow.command


@pytest.mark.parametrize("argv", [
    ["status"], ["--help"], ["-h"], ["--version"], ["tui", "--help"], ["--db"],
    ["--db", "--read-only"], ["--read"], ["--d", "x.db"], ["--db", "a", "--db", "b"],
    ["tui", "tui"], ["--read-only=yes"], ["demo"], ["--", "tui"], ["--db", "-"],
])
def test_everything_else_goes_to_argparse(argv):
    assert tui_arguments(argv) is None


def test_the_plain_start_imports_no_argparse(tmp_path):
    import subprocess
    import sys

    code = ("import sys\n"
            "import perftui.cli.main as m, perftui.cli.cmd_tui as t\n"
            "t.run_tui = lambda args: print(sorted(vars(args).items())) or 0\n"
            f"m.main(['--db', {str(tmp_path / 'x.db')!r}, '--read-only', 'tui'])\n"
            "print('argparse' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert out[-1] == "False"
    assert "('read_only', True)" in out[0]
