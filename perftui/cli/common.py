"""Helpers shared by the command modules: opening the store, printing JSON, shared options."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

EXAMPLES_FOOTER = "examples:\n"


def open_store_for(args: argparse.Namespace, *, write: bool = False, create: bool = False):
    """The store named by --db / PERFTUI_DB / the default, honouring --read-only (through
    `perftui.core.session`: the CLI never opens a database itself)."""
    from perftui.core.session import open_session, permission_warnings, store_location

    store = open_session(args.db, readonly=bool(getattr(args, "read_only", False)), write=write,
                         create=create)
    for warning in permission_warnings(store_location(args.db)):
        print(f"perftui: warning: {warning}", file=sys.stderr)
    return store


def print_json(document: Any, stream=None) -> None:
    stream = stream or sys.stdout
    json.dump(document, stream, indent=2, sort_keys=False, default=_default, allow_nan=False)
    stream.write("\n")


def _default(value: Any) -> Any:
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, (set, tuple)):
        return list(value)
    return str(value)


def add_format(parser: argparse.ArgumentParser, choices=("text", "json"), default="text") -> None:
    parser.add_argument("--format", choices=choices, default=default,
                        help=f"output format (default: {default}); json is a stable, documented shape")


def add_threshold(parser: argparse.ArgumentParser, what: str = "worse") -> None:
    """--threshold PCT: how much worse counts as a regression (regression, compare, check)."""
    parser.add_argument("--threshold", type=finite_float, default=10.0, metavar="PCT",
                        help=f"percent {what} that counts as a regression (default: 10)")


def add_days(parser: argparse.ArgumentParser, help: str, default: int | None = None) -> None:
    """--days N: a period of whole days back from now."""
    parser.add_argument("--days", type=days, default=default, metavar="N", help=help)


def add_metric(parser: argparse.ArgumentParser, help: str = "only this metric (id or key)",
               required: bool = False) -> None:
    """--metric ID: a metric by its id (APP-001) or key (startup_time_ms)."""
    parser.add_argument("--metric", required=required, metavar="ID", help=help)


def command_parser(sub, name: str, *, help: str, description: str, examples: list[str]):
    """A subcommand parser whose --help teaches: a description and worked examples."""
    epilog = EXAMPLES_FOOTER + "\n".join(f"  {e}" for e in examples)
    return sub.add_parser(name, help=help, description=description, epilog=epilog,
                          formatter_class=argparse.RawDescriptionHelpFormatter)


MAX_COUNT = 10_000_000     # runs, alerts, snapshots, seeds: far beyond any store
MAX_DAYS = 100_000         # ~270 years: past any run a store holds, safe for date arithmetic


def _whole_number(text: str, minimum: int, wanted: str, maximum: int = MAX_COUNT) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(f"expected {wanted}, got {value}")
    if value > maximum:
        raise argparse.ArgumentTypeError(f"expected at most {maximum:,}, got {text}")
    return value


def positive_int(text: str) -> int:
    return _whole_number(text, 1, "a number above 0")


def non_negative_int(text: str) -> int:
    return _whole_number(text, 0, "0 or more")


def days(text: str) -> int:
    """--days N: a positive number of days (bounded so date arithmetic cannot overflow)."""
    return _whole_number(text, 1, "a number of days above 0", MAX_DAYS)


def finite_float(text: str) -> float:
    import math

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value
