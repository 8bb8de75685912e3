"""perftui record: record one snapshot from the shell, evaluated like any other."""

from __future__ import annotations

import sys

from perftui.cli.common import add_format, command_parser, open_store_for, print_json


def add_parser(sub) -> None:
    p = command_parser(
        sub, "record", help="record a snapshot from the shell: KEY=VALUE ...",
        description="Record one run's metrics from the shell or a script. Each KEY is a metric "
                    "id (APP-001) or key (startup_time_ms); an unknown one is registered on the "
                    "fly with a unit guessed from its name. The snapshot is evaluated against "
                    "its baseline and targets like a recording from inside an app; its id and "
                    "any alerts are printed. Commit and branch default to the current git "
                    "repository (or $GITHUB_SHA / $PERFTUI_GIT_COMMIT and friends).",
        examples=["perftui record APP-001=412.5 VAL-001=890",
                  "perftui --app myapp --env ci record build_time_s=84.2 --commit $GITHUB_SHA "
                  "--branch main",
                  "perftui record startup_time_ms=2100 --cold",
                  "perftui record APP-001=400 --at 2026-01-31T12:00:00Z --format json"])
    p.add_argument("pairs", nargs="+", metavar="KEY=VALUE", help="metric values to record")
    p.add_argument("--commit", metavar="SHA", help="git commit (default: from the repository)")
    p.add_argument("--branch", metavar="B", help="git branch (default: from the repository)")
    p.add_argument("--version", metavar="V", dest="app_version", help="application version")
    p.add_argument("--at", metavar="ISO-8601", help="when the run happened (default: now)")
    p.add_argument("--cold", action="store_true",
                   help="a cold start: stored, but kept out of baselines and not evaluated")
    p.add_argument("--failed", action="store_true",
                   help="a failed run: stored, but kept out of baselines and not evaluated")
    add_format(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from perftui.core.record_cli import build_snapshot, parse_assignments, record
    from perftui.core.retention import upkeep

    values = parse_assignments(args.pairs)
    snapshot = build_snapshot(values, app=args.app, environment=args.env, commit=args.commit,
                              branch=args.branch, version=args.app_version, at=args.at,
                              cold=args.cold, failed=args.failed)
    with open_store_for(args, write=True, create=True) as store:
        note = upkeep(store)
        if note:
            print(note, file=sys.stderr)
        result = record(store, snapshot)
    if args.format == "json":
        print_json(result)
        return 0
    render(result)
    return 0


def render(result: dict) -> None:
    from perftui.cli.tables import console
    from perftui.fmt import format_percent, format_value

    out = console()
    state = "evaluated" if result["evaluated"] else "not evaluated (cold start or failed run)"
    out.print(f"recorded snapshot #{result['snapshot_id']} for {result['app']} / "
              f"{result['environment']} at {result['recorded_at']}: {state}")
    for name in result["registered_metrics"]:
        out.print(f"  new metric {name} registered (no target yet: only statistical checks "
                  "apply until one is set with `perftui targets set`)")
    for m in result["metrics"]:
        sev = m["severity"]
        base = format_value(m["baseline_median"], m["unit"])
        out.print(f"  {m['metric_id']:<12} {format_value(m['value'], m['unit']):>14}  "
                  f"baseline {base:>12}  {format_percent(m['change_percent']):>8}  "
                  f"{sev}")
    for a in result["alerts"]:
        if a["severity"] == "info":
            continue
        word = "new" if a["is_new"] else "again"
        out.print(f"  {a['severity']} alert "
                  f"#{a['alert_id']} ({word}): {a['metric_id']} {a['message']}")
    if result["performance_index"] is not None:
        out.print(f"  performance index {result['performance_index']:.0f}/100")
    sys.stdout.flush()
