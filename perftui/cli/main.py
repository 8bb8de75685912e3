"""`perftui` entry point: global options, subcommands, exit codes.

Exit codes: 0 ok, 1 a check found a regression, 2 bad usage or bad input (one line, no
traceback, store unchanged), 130 interrupted. With no command, the TUI opens.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:   # argparse itself loads only when a parser is built (not for a plain TUI start)
    import argparse


# Each command: its module (which defines add_parser(subparsers) and sets `func` on its parser)
# and its one-line help for `perftui --help`. Only the chosen command's module is imported, so
# `perftui status` pays for status alone (every module costs 1-5 ms, some far more); the help
# texts here must equal the modules' own (tests/cli/test_lazy_parser.py checks them).
COMMANDS = {
    "status": ("perftui.cli.cmd_status",
               "latest values against baseline and target, open alerts"),
    "tui": ("perftui.cli.cmd_tui", "open the terminal UI (the default with no command)"),
    "record": ("perftui.cli.cmd_record", "record a snapshot from the shell: KEY=VALUE ..."),
    "alerts": ("perftui.cli.cmd_alerts",
               "list alerts; `alerts ack`, `alerts accept`, `alerts show`, `alerts profile`"),
    "run": ("perftui.cli.cmd_run",
            "run a program N times, recording wall time, CPU time and peak memory"),
    "report": ("perftui.cli.cmd_report",
               "per-metric summary over a period (text, markdown or json)"),
    "export": ("perftui.cli.cmd_export",
               "export snapshots as CSV (wide) or JSON (full fidelity)"),
    "import": ("perftui.cli.cmd_import",
               "import history from files (pytest-benchmark, asv, codspeed, junit, ...)"),
    "push": ("perftui.cli.cmd_push",
             "copy this store's runs, alerts and target changes into a team store"),
    "compare": ("perftui.cli.cmd_compare",
                "compare two commits: per metric medians, change and status"),
    "baseline": ("perftui.cli.cmd_baseline",
                 "a metric's baseline statistics and the values behind them"),
    "regression": ("perftui.cli.cmd_regression",
                   "metrics whose latest value is beyond the threshold"),
    "targets": ("perftui.cli.cmd_targets",
                "the metric catalog: list, set, add, import, export, audit"),
    "prune": ("perftui.cli.cmd_prune",
              "apply the retention policy now (also automatic, once a day)"),
    "check": ("perftui.cli.cmd_check",
              "CI gate: judge a results file against a branch's baseline"),
    "demo": ("perftui.cli.cmd_demo",
             "create a demo store with realistic history and open the TUI"),
    "notify": ("perftui.cli.cmd_notify",
               "announce alerts: `notify add`, `list`, `test`, `remove`, `send`"),
    "serve": ("perftui.cli.cmd_serve",
              "serve the terminal UI to web browsers (read-only by default)"),
}
# Commands after which pending notifications are not sent: `notify` sends on its own terms,
# the TUI, the demo and serve are interactive (see perftui.core.notify).
NO_NOTIFY = frozenset(("notify", "tui", "demo", "serve"))
COMMAND_MODULES = [module for module, _ in COMMANDS.values()]
ALL = frozenset(COMMANDS)

DESCRIPTION = """\
perftui: performance baselines, regression alerts and triage for your application, in the
terminal. A recorder inside your app (or `perftui record` / `perftui run`) writes each run's
metrics into a local SQLite store; perftui compares them with rolling baselines and targets.

Run `perftui` with no command to open the terminal UI."""

EPILOG = """\
store: --db PATH or URL, else $PERFTUI_DB, else the user data directory (perftui.db);
       a postgresql://user@host/dbname URL is a team store on PostgreSQL (perftui[postgres]).
scope: --app / --env (or $PERFTUI_APP / $PERFTUI_ENV); default: the scope of the newest snapshot.

examples:
  perftui demo                      # a store full of realistic history, opened in the TUI
  perftui status                    # latest run against baselines and targets
  perftui --db ci.db check --current results.json --fail-on error
  perftui COMMAND --help            # every command explains itself with examples"""


def build_parser(full=ALL) -> argparse.ArgumentParser:
    """The whole parser. Commands not in `full` get a stand-in that only carries their name
    and one-line help (what `perftui --help` lists); `main` builds the chosen command alone."""
    import argparse
    import importlib

    parser = argparse.ArgumentParser(
        prog="perftui", description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    from perftui import __version__

    parser.add_argument("--version", action="version", version=f"perftui {__version__}")
    add_global_options(parser, suppress=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help) in COMMANDS.items():
        if name in full:
            importlib.import_module(module).add_parser(sub)
        else:
            _stand_in(sub.add_parser(name, help=help, add_help=False))
    # Global options are accepted after the command too ("perftui status --db x.db").
    for name, choice in sub.choices.items():
        if name not in full:
            continue
        add_global_options(choice, suppress=True)
        for action in choice._actions:
            if isinstance(action, argparse._SubParsersAction):
                for inner in action.choices.values():
                    add_global_options(inner, suppress=True)
    from perftui.cli.parsing import one_line_errors

    return one_line_errors(parser)


def _stand_in(parser: argparse.ArgumentParser) -> None:
    """A command parser that takes any arguments and only marks the namespace: `main` parses
    again with the whole parser if one is ever chosen (command_name did not foresee it)."""
    import argparse

    def parse_known_args(args=None, namespace=None):
        return argparse.Namespace(func=None, stub=True), []

    parser.parse_known_args = parse_known_args  # type: ignore[method-assign]


def add_global_options(parser: argparse.ArgumentParser, suppress: bool) -> None:
    import argparse

    default = argparse.SUPPRESS if suppress else None
    group = parser.add_argument_group("global options") if not suppress else parser
    group.add_argument("--db", metavar="PATH|URL", default=default,
                       help="store file, or postgresql://user@host/dbname for a team store "
                            "(default: $PERFTUI_DB or the user data directory)")
    group.add_argument("--app", metavar="NAME", default=default,
                       help="application scope (default: $PERFTUI_APP or the newest snapshot's)")
    group.add_argument("--env", metavar="NAME", default=default,
                       help="environment scope (default: $PERFTUI_ENV or the newest snapshot's)")
    group.add_argument("--read-only", action="store_true",
                       default=argparse.SUPPRESS if suppress else False,
                       help="open the store without writing to it (someone else's store)")


# perftui's own options before the command (add_global_options): those that take a value, and
# the flags; cli.parsing and tui_arguments read argv with them
GLOBAL_WITH_VALUE = ("--db", "--app", "--env")
GLOBAL_FLAGS = ("--read-only",)


def tui_arguments(argv: list[str]):
    """The arguments of a plain TUI start (`perftui`, `perftui --db X --read-only tui`: only
    the global options, spelled out, each once, and at most the `tui` command), as argparse
    would parse them; None for anything else, which argparse then parses. Opening the TUI is
    the most frequent start and the one a person waits for: argparse and the parser cost
    several ms of it."""
    from types import SimpleNamespace

    values: dict = {"db": None, "app": None, "env": None, "read_only": False}
    seen: set[str] = set()
    command = None
    words = iter(argv)
    for word in words:
        if word == "tui" and command is None:
            command = word
            continue
        name, eq, value = word.partition("=")
        if name not in GLOBAL_WITH_VALUE and name not in GLOBAL_FLAGS:
            return None
        key = name[2:].replace("-", "_")
        if key in seen:
            return None
        seen.add(key)
        if name in GLOBAL_FLAGS:
            if eq:
                return None
            values[key] = True
            continue
        if not eq:
            value = next(words, None)
            if value is None or value.startswith("-"):   # argparse: "expected one argument"
                return None
        values[key] = value
    return SimpleNamespace(command=command, func=None, **values)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = tui_arguments(argv)
    if args is None:
        from perftui.cli.parsing import command_name

        chosen = command_name(argv, COMMANDS)
        args = build_parser(frozenset((chosen,)) if chosen else frozenset()).parse_args(argv)
        if getattr(args, "stub", False):   # not foreseen by command_name: parse again, whole
            args = build_parser().parse_args(argv)
        if args.command is None:
            args.func = None
    try:
        if args.func is None:
            from perftui.cli.cmd_tui import run_tui

            code = run_tui(args)
        else:
            code = int(args.func(args) or 0)
            if code in (0, 1) and args.command not in NO_NOTIFY \
                    and not getattr(args, "read_only", False):
                _notify(args)
        sys.stdout.flush()   # a reader gone away (`perftui status | head -1`) shows here,
        return code          # not in the interpreter's flush at exit
    except KeyboardInterrupt:
        print("perftui: interrupted", file=sys.stderr)
        return 130
    except SystemExit as exc:
        # rich's Console meets a broken pipe by pointing stdout at devnull and exiting 1
        if isinstance(exc.__context__, BrokenPipeError):
            return 0
        raise
    except BrokenPipeError:
        # The reader has what it wanted. Point stdout at devnull so the flush at exit cannot
        # fail again (Python would print "Exception ignored" and exit 120).
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError):  # stdout is not a file (tests, a TUI)
            pass
        return 0
    except Exception as exc:  # noqa: BLE001 - every failure becomes one line
        return report_error(exc)


def _notify(args) -> None:
    """Send what alerts channels have not been told yet (issue 13): after the command, so the
    alerts it raised go too; failures are warnings (the command itself succeeded)."""
    from perftui.core.notify import send_after_command

    for line in send_after_command(args.db):
        print(f"perftui: warning: {line}", file=sys.stderr)


def report_error(exc: BaseException) -> int:
    """Every PerftuiError is one line and exit 2; anything else is a bug (exit 1)."""
    from perftui.errors import PerftuiError

    if isinstance(exc, PerftuiError):
        print(f"perftui: error: {exc}", file=sys.stderr)
        return 2
    if os.environ.get("PERFTUI_DEBUG"):
        raise exc
    print(f"perftui: internal error: {type(exc).__name__}: {exc} "
          "(set PERFTUI_DEBUG=1 for the traceback)", file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
