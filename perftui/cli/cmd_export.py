"""perftui export: the store as full-fidelity JSON (re-importable) or a wide CSV."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from perftui.cli.common import days, CLIError, command_parser, open_store_for, positive_int


def add_parser(sub) -> None:
    p = command_parser(
        sub, "export", help="export snapshots as CSV (wide) or JSON (full fidelity)",
        description="Export the store. JSON keeps everything (snapshots with their context, the "
                    "catalog, alerts, baseline resets, target audit, daily aggregates) and "
                    "`perftui import` reads it back. CSV is wide: one row per snapshot, one "
                    "column per metric, for spreadsheets and pandas. --app/--env restrict the "
                    "export to one scope; --days to the last N days.",
        examples=["perftui export --format csv --output performance.csv",
                  "perftui export --format json --output backup.json",
                  "perftui --app myapp --env ci export --days 30 --format csv | head"])
    p.add_argument("--format", choices=("csv", "json"), default="csv",
                   help="csv (wide, default) or json (full fidelity, re-importable)")
    p.add_argument("--output", "-o", metavar="FILE", help="write to FILE (default: stdout)")
    p.add_argument("--days", type=days, metavar="N", help="only the last N days")
    p.set_defaults(func=run)


def run(args) -> int:
    from perftui.cli.progress import progress_bar
    from perftui.core.export import export_csv, export_json

    export = export_json if args.format == "json" else export_csv
    with open_store_for(args) as store:
        conn = store.raw()
        with progress_bar("exporting") as update:
            if args.output:
                summary = _to_file(Path(args.output), export, conn, args, update)
            else:
                summary = export(conn, sys.stdout, days=args.days, app=args.app,
                                 environment=args.env, progress=update)
    if args.output:
        print(f"exported {summary['snapshots']:,} snapshots to {args.output} ({args.format})",
              file=sys.stderr)
    return 0


def _to_file(path: Path, export, conn, args, update) -> dict:
    """Write to a temporary file beside `path` and move it in place: a failed export never
    leaves half a file behind."""
    if path.is_dir():
        raise CLIError(f"{path} is a directory; give a file name")
    if not path.parent.exists():
        raise CLIError(f"no such directory: {path.parent}")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.chmod(tmp, 0o666 & ~_umask())     # an ordinary file, not mkstemp's 0600
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            summary = export(conn, out, days=args.days, app=args.app, environment=args.env,
                             progress=update)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return summary


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
