"""perftui import: bring history in from perftui JSON/CSV, pytest-benchmark, asv or
github-action-benchmark files."""

from __future__ import annotations

import sys
from pathlib import Path

from perftui.cli.tables import echo
from perftui.cli.common import command_parser, open_store_for, print_json


def add_parser(sub) -> None:
    from perftui.core.importers import FORMATS

    p = command_parser(
        sub, "import", help="import history from a file (perftui, csv, pytest-benchmark, asv, ...)",
        description="Import snapshots from a file. The whole file is checked first: a "
                    "malformed or truncated file changes nothing. perftui JSON and CSV are read "
                    "a snapshot at a time, so memory does not grow with the file (checked "
                    "snapshots beyond 20,000 wait in a temporary directory, TMPDIR). It is "
                    "then written oldest "
                    "first in short transactions, so applications recording meanwhile are not "
                    "held up; an import that stops part-way (Ctrl-C, a full disk) keeps what it "
                    "wrote and says how much, and the same command run again adds the rest. "
                    "Snapshots the store already holds are skipped. By default snapshots are "
                    "stored as they are; --replay evaluates them oldest first as if recorded "
                    "live, raising the alerts a live run would have raised. A perftui export "
                    "imported into an empty store restores it whole (catalog, alerts, audit).",
        examples=["perftui import history.json",
                  "perftui import .benchmarks/Linux-CPython-3.11-64bit/0001_abc.json --branch main",
                  "perftui --app django import asv/results --format asv",
                  "perftui import data.js --format github-action-benchmark --replay",
                  "perftui --db restored.db import backup.json"])
    p.add_argument("file", metavar="FILE", help="file to import (a directory for asv results)")
    p.add_argument("--format", choices=FORMATS, default="auto",
                   help="file format (default: auto, detected from the content)")
    p.add_argument("--replay", action="store_true",
                   help="evaluate each snapshot as if recorded live (creates alerts)")
    p.add_argument("--commit", metavar="SHA", help="git commit for runs that do not name one")
    p.add_argument("--branch", metavar="B", help="git branch for runs that do not name one")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=run)


def run(args) -> int:
    from perftui.cli.progress import progress_bar
    from perftui.core.importing import ImportInterrupted, import_batch, load
    from perftui.core.retention import retention_notes, upkeep
    from perftui.core.scope import env_scope

    app, environment = env_scope(args.app, args.env)
    defaults = {"app": app, "environment": environment, "git_commit": args.commit,
                "git_branch": args.branch}
    path = Path(args.file)
    batch = load(path, args.format, defaults)      # the whole file is checked before the store
    with open_store_for(args, write=True, create=True) as store:
        note = upkeep(store)
        if note:
            echo(note, file=sys.stderr)
        try:
            with progress_bar("importing") as update:
                summary = import_batch(store, batch, path, replay=args.replay,
                                       progress=update)
        except ImportInterrupted as stopped:
            echo(f"perftui: {stopped}", file=sys.stderr)
            return 130
        summary["store"] = store.path
        summary["notes"].extend(retention_notes(store, summary["first"]))
    if args.json:
        print_json(summary)
    else:
        render(summary)
    return 0


def render(summary: dict) -> None:
    span = f" ({summary['first'][:10]} .. {summary['last'][:10]})" if summary["first"] else ""
    echo(f"imported {summary['imported']:,} of {summary['in_file']:,} snapshots "
          f"({summary['measurements']:,} values) from {summary['file']} "
          f"[{summary['format']}]{span}")
    if summary["skipped_duplicates"]:
        echo(f"skipped {summary['skipped_duplicates']:,} snapshots the store already holds")
    if summary["registered_metrics"]:
        names = summary["registered_metrics"]
        shown = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
        echo(f"new metrics: {shown}")
    if summary["replayed"]:
        echo(f"replayed: {summary['alerts_raised']} alerts raised")
    elif summary["alerts_imported"]:
        echo(f"alerts imported: {summary['alerts_imported']}")
    if summary["restore"]:
        echo("restored into an empty store: catalog lines and target audit trail applied")
    if summary["kept_store_definitions"]:
        echo(f"kept this store's target lines for {len(summary['kept_store_definitions'])} "
              "metrics whose lines differ in the file (apply them with `perftui targets import`)")
    for note in summary["notes"]:
        echo(f"note: {note}")
