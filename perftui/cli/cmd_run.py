"""perftui run: run any program N times and record wall time, CPU time and peak memory."""

from __future__ import annotations

import sys

from perftui.cli.common import (add_format, command_parser, non_negative_int,
                                open_store_for, positive_int, print_json)
from perftui.errors import UsageError


def add_parser(sub) -> None:
    p = command_parser(
        sub, "run", help="run a program N times, recording wall time, CPU time and peak memory",
        description="Run any program (it need not be Python) and record each run as a snapshot "
                    "with three metrics: PREFIX.wall_ms, PREFIX.cpu_ms (user + system time of "
                    "the program and the children it waited for) and PREFIX.peak_rss_mb. PREFIX "
                    "is --metric, else the program's name. Warm-up runs are recorded as cold "
                    "starts (kept out of baselines). Each run is evaluated like any recording. A "
                    "run that fails (non-zero exit) is recorded as failed and stops the series; "
                    "perftui then exits with 1.",
        examples=["perftui run -- python -c 'import json'",
                  "perftui run --metric build --repeat 5 --warmup 1 -- make -j8",
                  "perftui --app cli --env ci run --repeat 10 --quiet -- ./mytool --version"])
    p.add_argument("--metric", metavar="ID",
                   help="prefix of the metric ids (default: the program's name)")
    p.add_argument("--repeat", type=positive_int, default=1, metavar="N",
                   help="measured runs (default: 1)")
    p.add_argument("--warmup", type=non_negative_int, default=0, metavar="N",
                   help="runs before those, recorded as cold starts (default: 0)")
    p.add_argument("--commit", metavar="SHA", help="git commit (default: from the repository)")
    p.add_argument("--branch", metavar="B", help="git branch (default: from the repository)")
    p.add_argument("--version", metavar="V", dest="app_version", help="application version")
    p.add_argument("--quiet", action="store_true", help="discard the program's standard output")
    add_format(p)
    p.add_argument("argv", nargs="*", metavar="-- CMD ARGS", help="the program and its arguments")
    p.set_defaults(func=run)


def run(args) -> int:
    import subprocess

    from perftui.cli.progress import progress_bar
    from perftui.core.retention import upkeep
    from perftui.core.runner import run_series

    argv = [a for a in args.argv]
    if argv and argv[0] == "--":
        argv = argv[1:]
    if not argv:
        raise UsageError("give the command to run after --, e.g. perftui run -- make test")
    if args.quiet:
        stdout = subprocess.DEVNULL
    else:
        stdout = sys.stderr if args.format == "json" else None
    with open_store_for(args, write=True, create=True) as store:
        note = upkeep(store)
        if note:
            print(note, file=sys.stderr)
        with progress_bar("running") as update:
            result = run_series(store, argv, metric=args.metric, repeat=args.repeat,
                                warmup=args.warmup, app=args.app, environment=args.env,
                                commit=args.commit, branch=args.branch,
                                version=args.app_version, stdout=stdout, progress=update)
    if args.format == "json":
        print_json(result)
    else:
        render(result)
    if result["failed"]:
        last = result["runs"][-1]
        print(f"perftui: {result['command']} exited with status {last['returncode']} on run "
              f"{last['index']}; recorded as a failed run", file=sys.stderr)
        return 1
    return 0


def render(result: dict) -> None:
    from perftui.fmt import format_value

    for r in result["runs"]:
        kind = "warm-up" if r["warmup"] else "run"
        print(f"{kind} {r['index']}: wall {format_value(r['wall_ms'], 'ms')}, CPU "
              f"{format_value(r['cpu_ms'], 'ms')}, peak memory "
              f"{format_value(r['peak_rss_mb'], 'MB')} -> snapshot #{r['snapshot_id']}")
        for a in r["alerts"]:
            if a["severity"] != "info":
                print(f"  {a['severity']} alert #{a['alert_id']}: {a['metric_id']} {a['message']}")
    wall = result["summary"]["wall_ms"]
    if wall and len([r for r in result["runs"] if not r["warmup"]]) > 1:
        print(f"wall time median {format_value(wall['median'], 'ms')} "
              f"(min {format_value(wall['min'], 'ms')}, max {format_value(wall['max'], 'ms')}) "
              f"as {result['metrics']['wall']}")
