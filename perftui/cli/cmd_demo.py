"""perftui demo: a store full of realistic history, opened in the TUI."""

from __future__ import annotations

import sys

from perftui.cli.common import (add_format, command_parser, non_negative_int,
                                positive_int, print_json)
from perftui.errors import UsageError


def add_parser(sub) -> None:
    p = command_parser(
        sub, "demo", help="create a demo store with realistic history and open the TUI",
        description="Create a store filled with realistic history for the original catalog "
                    "(about 20 metrics): noise, spikes, cold starts, commits on main and a "
                    "feature branch, a genuine regression, a slow memory leak, an intended "
                    "change accepted as the new baseline, and the alerts they raised. Then "
                    "open the terminal UI on it. The store lives in the user data directory "
                    "unless --output (or --db) says otherwise; an existing demo store is "
                    "recreated, any other file is left alone.",
        examples=["perftui demo", "perftui demo --snapshots 100000 --no-tui",
                  "perftui demo --output /tmp/demo.db --seed 7 --no-tui --format json"])
    p.add_argument("--snapshots", type=positive_int, default=2000, metavar="N",
                   help="how many snapshots to generate (default: 2000)")
    p.add_argument("--seed", type=non_negative_int, default=0, metavar="S",
                   help="random seed; the same seed gives the same history (default: 0)")
    p.add_argument("--output", metavar="PATH",
                   help="where to create the demo store (default: --db, else demo.db in the "
                        "user data directory)")
    p.add_argument("--no-tui", action="store_true", help="do not open the terminal UI afterwards")
    add_format(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from perftui.cli.progress import progress_bar
    from perftui.core.demo import generate_demo
    from perftui.core.demo import default_demo_path

    if getattr(args, "read_only", False):
        raise UsageError("demo creates a store; drop --read-only")
    path = args.output or args.db or default_demo_path()
    with progress_bar("generating demo") as update:
        summary = generate_demo(path, snapshots=args.snapshots, seed=args.seed,
                                progress=lambda phase, done, total: update(done, total, phase))
    if args.format == "json":
        print_json(summary)
    else:
        render(summary)
    if args.no_tui or args.format == "json":
        return 0
    return open_tui(path, args)


def render(summary: dict) -> None:
    alerts = summary["alerts"]
    print(f"demo store {summary['path']}: {summary['snapshots']:,} snapshots of "
          f"{summary['metrics']} metrics ({summary['first'][:10]} .. {summary['last'][:10]}), "
          f"{summary['commits']} commits on {', '.join(summary['branches'])}; alerts: "
          f"{alerts['open']} open, {alerts['acknowledged']} acknowledged, "
          f"{alerts['resolved']} resolved ({summary['seconds']:.1f}s)")


def open_tui(path: str, args) -> int:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        print(f"not a terminal: open it later with `perftui --db {path}`")
        return 0
    try:
        from perftui.tui.app import run as run_tui
    except ImportError:
        print(f"the terminal UI is not available in this build; explore the store with "
              f"`perftui --db {path} status` or `perftui --db {path} alerts`")
        return 0
    return int(run_tui(db=path, app=args.app, environment=args.env, read_only=False) or 0)
