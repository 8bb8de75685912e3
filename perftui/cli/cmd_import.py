"""perftui import: bring history in from perftui JSON/CSV, pytest-benchmark, asv,
github-action-benchmark, pytest-codspeed or JUnit XML files, one or several at a time."""

from __future__ import annotations

import glob
import sys
from pathlib import Path

from perftui.cli.tables import echo
from perftui.cli.common import command_parser, open_store_for, print_json


def add_parser(sub) -> None:
    from perftui.core.importers import FORMATS

    p = command_parser(
        sub, "import", help="import history from files (pytest-benchmark, asv, codspeed, junit, ...)",
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
                    "imported into an empty store restores it whole (catalog, alerts, audit). "
                    "Several files (or a quoted glob pattern, expanded by perftui) are all "
                    "checked first, and a bad one stops the import before anything is "
                    "written; they are then imported oldest run first, whatever the order "
                    "given, with a line per file and a total (--json: an object with `files`, "
                    "one summary each, and `total`).",
        examples=["perftui import history.json",
                  "perftui import .benchmarks/Linux-CPython-3.11-64bit/0001_abc.json --branch main",
                  "perftui --app django import asv/results --format asv",
                  "perftui import data.js --format github-action-benchmark --replay",
                  "perftui --db restored.db import backup.json",
                  "perftui import '.codspeed/results_*.json'",
                  "perftui import report-*.xml --format junit --branch main"])
    p.add_argument("files", nargs="+", metavar="FILE",
                   help="file(s) to import (a directory for asv results); a quoted glob "
                        "pattern is expanded")
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
    paths = expand(args.files)
    if len(paths) > 1:
        return run_many(args, paths, defaults)
    path = paths[0]
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
        fold_rollups(store)
    if args.json:
        print_json(summary)
    else:
        render(summary)
    return 0


def fold_rollups(store) -> None:
    """Fold what was imported into the hourly rollups now, while the user expects to wait,
    rather than in the next report or chart (`perftui.store.rollups`)."""
    from perftui.cli.progress import progress_bar
    from perftui.core.importing import fold_rollups as fold

    with progress_bar("hourly rollups") as update:
        fold(store, update)


def expand(patterns: list[str]) -> list[Path]:
    """The files named: a name that exists is itself; one that does not but holds glob
    characters (* ? [) is the files it matches, sorted (none: an error naming it)."""
    from perftui.core.importers import ImportFileError

    paths: list[Path] = []
    for pattern in patterns:
        if Path(pattern).exists() or not glob.has_magic(pattern):
            paths.append(Path(pattern))
            continue
        matches = sorted(glob.glob(pattern, recursive=True))
        if not matches:
            raise ImportFileError(f"no file matches {pattern}")
        paths.extend(Path(match) for match in matches)
    return paths


def run_many(args, paths: list[Path], defaults: dict) -> int:
    """Several files: all read and checked (against each other's format and against the
    store's units) before the first is written, then imported oldest run first."""
    from perftui.cli.progress import progress_bar
    from perftui.core.import_many import check_against_store, load_many
    from perftui.core.importing import ImportInterrupted, import_batch
    from perftui.core.retention import retention_notes, upkeep

    loaded = load_many(paths, args.format, defaults)
    summaries: list[dict] = []
    try:
        with open_store_for(args, write=True, create=True) as store:
            check_against_store(store, loaded)
            note = upkeep(store)
            if note:
                echo(note, file=sys.stderr)
            while loaded:
                path, batch = loaded.pop(0)
                try:
                    with progress_bar(f"importing {path.name}") as update:
                        summary = import_batch(store, batch, path, replay=args.replay,
                                               progress=update)
                except ImportInterrupted as stopped:
                    echo(f"perftui: {stopped}", file=sys.stderr)
                    if summaries:
                        echo(f"perftui: the {len(summaries)} file(s) before it were imported "
                             "whole", file=sys.stderr)
                    return 130
                summary["store"] = store.path
                summaries.append(summary)
            fold_rollups(store)
            total = totals(summaries, store.path)
            total["notes"] = retention_notes(store, total["first"])
    finally:
        for _, batch in loaded:
            if batch.source is not None:
                batch.source.close()
    if args.json:
        print_json({"files": summaries, "total": total})
    else:
        for summary in summaries:
            render(summary)
        render_total(total)
    return 0


def totals(summaries: list[dict], store: str) -> dict:
    firsts = [s["first"] for s in summaries if s["first"]]
    lasts = [s["last"] for s in summaries if s["last"]]
    return {"files": len(summaries),
            "in_file": sum(s["in_file"] for s in summaries),
            "imported": sum(s["imported"] for s in summaries),
            "skipped_duplicates": sum(s["skipped_duplicates"] for s in summaries),
            "measurements": sum(s["measurements"] for s in summaries),
            "registered_metrics": sorted({n for s in summaries for n in s["registered_metrics"]}),
            "alerts_raised": sum(s["alerts_raised"] for s in summaries),
            "first": min(firsts, default=None), "last": max(lasts, default=None),
            "store": store}


def render_total(total: dict) -> None:
    span = f" ({total['first'][:10]} .. {total['last'][:10]})" if total["first"] else ""
    echo(f"total: imported {total['imported']:,} of {total['in_file']:,} snapshots "
         f"({total['measurements']:,} values) from {total['files']} files{span}")
    for note in total["notes"]:
        echo(f"note: {note}")


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
