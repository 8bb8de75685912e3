"""The parser is built lazily: only the chosen command's module is imported, and what a person
sees (`perftui --help`, `perftui CMD --help`, usage errors) is what the whole parser shows."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import textwrap

import pytest

from perftui.cli.main import ALL, COMMANDS, build_parser
from perftui.cli.parsing import command_name


def _sub(parser: argparse.ArgumentParser) -> argparse._SubParsersAction:
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def test_the_one_line_helps_are_the_modules_own():
    listed = {a.dest: a.help for a in _sub(build_parser())._choices_actions}
    assert listed == {name: help for name, (_, help) in COMMANDS.items()}
    assert list(_sub(build_parser()).choices) == list(COMMANDS)


def test_top_level_help_is_the_same_without_any_command_module(monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    lazy = build_parser(frozenset()).format_help()
    assert lazy == build_parser().format_help()
    for name, (_, help) in COMMANDS.items():
        assert name in lazy and help in lazy


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_command_built_alone_helps_as_in_the_whole_parser(command, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    alone = _sub(build_parser(frozenset((command,)))).choices[command]
    whole = _sub(build_parser()).choices[command]
    assert alone.format_help() == whole.format_help()
    assert "examples:" in alone.format_help()


@pytest.mark.parametrize("argv, expected", [
    ([], None),
    (["--help"], None),
    (["status"], "status"),
    (["alerts", "ack", "--id", "3"], "alerts"),
    (["--db", "status", "alerts"], "alerts"),           # "status" is the store's name here
    (["--db=x.db", "report"], "report"),
    (["--d", "x.db", "--ap", "web", "--read", "regression"], "regression"),   # argparse's prefixes
    (["--app", "web", "--env", "ci", "status", "--db", "y"], "status"),
    (["--read-only", "tui"], "tui"),
    (["--", "status"], None),                            # argparse: an invalid choice
    (["nosuch", "status"], None),
    (["--db"], None),
])
def test_command_name_finds_the_command_argparse_finds(argv, expected):
    assert command_name(argv, COMMANDS) == expected
    if expected is not None:
        args = build_parser(frozenset((expected,))).parse_args(argv)
        assert args.command == expected and not getattr(args, "stub", False)


def test_main_never_runs_a_stand_in(monkeypatch, capsys):
    """Should command_name ever miss the command, main parses again with every command."""
    from perftui.cli import main as cli_main

    monkeypatch.setattr("perftui.cli.parsing.command_name", lambda argv, commands: None)
    with pytest.raises(SystemExit) as exc:
        cli_main.main(["status", "--help"])
    assert exc.value.code == 0
    assert "--format" in capsys.readouterr().out


def test_all_is_every_command():
    assert ALL == frozenset(COMMANDS)


def _modules_after(argv: list[str], env: dict) -> list[str]:
    probe = textwrap.dedent(f"""
        import json, sys
        from perftui.cli.main import main
        try:
            main({argv!r})
        except SystemExit:
            pass
        print(json.dumps(sorted(m for m in sys.modules if m.startswith("perftui.cli.cmd_"))))
    """)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_only_the_chosen_command_is_imported(subprocess_env, tmp_path):
    assert _modules_after(["status", "--help"], subprocess_env) == ["perftui.cli.cmd_status"]
    assert _modules_after(["--db", str(tmp_path / "none.db"), "alerts"],
                          subprocess_env) == ["perftui.cli.cmd_alerts"]
    assert _modules_after(["--help"], subprocess_env) == []
