"""perftui export: the store as full-fidelity JSON (re-importable) or a wide CSV."""

from __future__ import annotations

import sys

from perftui.cli.common import add_days, command_parser, open_store_for


def add_parser(sub) -> None:
    p = command_parser(
        sub, "export", help="export snapshots as CSV (wide) or JSON (full fidelity)",
        description="Export the store. JSON keeps everything (snapshots with their context, the "
                    "catalog, alerts, baseline resets, target audit, daily aggregates) and "
                    "`perftui import` reads it back. CSV is wide: one row per snapshot, one "
                    "column per metric, for spreadsheets and pandas. --app/--env restrict the "
                    "export to one scope; --days to the last N days.",
        examples=["perftui export --format csv --output performance.csv",
                  "perftui export --format json --output backup.json --force",
                  "perftui --app myapp --env ci export --days 30 --format csv | head"])
    p.add_argument("--format", choices=("csv", "json"), default="csv",
                   help="csv (wide, default) or json (full fidelity, re-importable)")
    p.add_argument("--output", "-o", metavar="FILE",
                   help="write to FILE (default: stdout), readable by you only; FILE must be "
                        "new unless --force")
    p.add_argument("--force", action="store_true",
                   help="replace FILE if it exists (never a perftui store)")
    add_days(p, "only the last N days")
    p.set_defaults(func=run)


def run(args) -> int:
    from perftui.cli.progress import progress_bar
    from perftui.core.export import export_to

    with open_store_for(args) as store:
        with progress_bar("exporting") as update:
            summary = export_to(store, args.output, args.format, sys.stdout, days=args.days,
                                app=args.app, environment=args.env, progress=update,
                                force=args.force)
    if args.output:
        print(f"exported {summary['snapshots']:,} snapshots to {args.output} ({args.format})",
              file=sys.stderr)
    return 0
