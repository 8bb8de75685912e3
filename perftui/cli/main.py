"""`perftui` entry point: global options, subcommands, exit codes.

Exit codes: 0 ok, 1 a check found a regression, 2 bad usage or bad input (one line, no
traceback, store unchanged), 130 interrupted. With no command, the TUI opens.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys


# Each module defines add_parser(subparsers) and sets `func` on its parser.
COMMAND_MODULES = [
    "perftui.cli.cmd_status",
    "perftui.cli.cmd_tui",
    "perftui.cli.cmd_record",
    "perftui.cli.cmd_alerts",
    "perftui.cli.cmd_run",
    "perftui.cli.cmd_report",
    "perftui.cli.cmd_export",
    "perftui.cli.cmd_import",
    "perftui.cli.cmd_push",
    "perftui.cli.cmd_compare",
    "perftui.cli.cmd_baseline",
    "perftui.cli.cmd_regression",
    "perftui.cli.cmd_targets",
    "perftui.cli.cmd_prune",
    "perftui.cli.cmd_check",
    "perftui.cli.cmd_demo",
]

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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="perftui", description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    from perftui import __version__

    parser.add_argument("--version", action="version", version=f"perftui {__version__}")
    add_global_options(parser, suppress=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        module = importlib.import_module(name)
        module.add_parser(sub)
    # Global options are accepted after the command too ("perftui status --db x.db").
    for choice in sub.choices.values():
        add_global_options(choice, suppress=True)
        for action in choice._actions:
            if isinstance(action, argparse._SubParsersAction):
                for inner in action.choices.values():
                    add_global_options(inner, suppress=True)
    from perftui.cli.parsing import one_line_errors

    return one_line_errors(parser)


def add_global_options(parser: argparse.ArgumentParser, suppress: bool) -> None:
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


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args.func = None
    try:
        if args.func is None:
            from perftui.cli.cmd_tui import run_tui

            code = run_tui(args)
        else:
            code = int(args.func(args) or 0)
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
