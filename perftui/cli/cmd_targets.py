"""perftui targets: the metric catalog with its target, warning and error lines."""

from __future__ import annotations

import sys

from perftui.cli.tables import echo
from perftui.cli.common import (add_format, add_metric, command_parser, open_store_for,
                                positive_int, print_json)


def add_parser(sub) -> None:
    p = command_parser(
        sub, "targets", help="the metric catalog: list, set, add, import, export, audit",
        description="List the catalog: every metric with its unit, direction (which way is "
                    "better) and its target, warning and error lines (absolute values in the "
                    "metric's unit). Subcommands change it; every change is audited (who, "
                    "when, old -> new).",
        examples=["perftui targets", "perftui targets set APP-001 --target 450 --warning 500",
                  "perftui targets set MEM-002 --inactive",
                  "perftui targets export > catalog.json && perftui targets import catalog.json",
                  "perftui targets audit --metric APP-001"])
    add_format(p)
    p.set_defaults(func=run_list)
    actions = p.add_subparsers(dest="targets_action", metavar="ACTION")

    s = command_parser(
        actions, "set", help="change a metric's lines or switch it on/off",
        description="Change a metric's target, warning and/or error line (absolute, in its "
                    "unit; 'none' clears a line). Lines must lie in the bad direction in order: "
                    "target, then warning, then error. The whole change is checked before "
                    "anything is written, and each changed field is audited.",
        examples=["perftui targets set APP-001 --target 450 --warning 500 --error 550",
                  "perftui targets set VAL-003 --target 0.9 --warning 0.85",
                  "perftui targets set UI-001 --error none --reason 'no hard limit'",
                  "perftui targets set MEM-002 --inactive"])
    s.add_argument("metric", metavar="ID", help="metric id or key")
    s.add_argument("--target", metavar="X", help="target line ('none' clears it)")
    s.add_argument("--warning", metavar="W", help="warning line ('none' clears it)")
    s.add_argument("--error", metavar="E", help="error line ('none' clears it)")
    state = s.add_mutually_exclusive_group()
    state.add_argument("--active", dest="active", action="store_const", const=True,
                       help="evaluate this metric (the default for new metrics)")
    state.add_argument("--inactive", dest="active", action="store_const", const=False,
                       help="keep recording it but stop judging it")
    _who(s)
    add_format(s)
    s.set_defaults(func=run_set)

    a = command_parser(
        actions, "add", help="add a metric to the catalog",
        description="Add a metric before it is first recorded, with its unit, direction and lines.",
        examples=["perftui targets add build_time_s --name 'Build time' --unit s --target 90",
                  "perftui targets add HIT-001 --key hit_rate --unit ratio --direction higher "
                  "--target 0.9"])
    a.add_argument("metric", metavar="ID", help="new metric id (a short slug like APP-042)")
    a.add_argument("--key", metavar="KEY", help="alias used in code (e.g. build_time_s)")
    a.add_argument("--name", metavar="TEXT", help="readable name (default: the id)")
    a.add_argument("--unit", default="", metavar="UNIT", help="ms, s, MB, ratio, count, ...")
    a.add_argument("--direction", choices=("lower", "higher"), default="lower",
                   help="which way is better (default: lower)")
    a.add_argument("--target", metavar="X")
    a.add_argument("--warning", metavar="W")
    a.add_argument("--error", metavar="E")
    a.add_argument("--description", default="", metavar="TEXT")
    _who(a, reason=False)
    add_format(a)
    a.set_defaults(func=run_add)

    i = command_parser(
        actions, "import", help="apply a catalog file (new metrics added, changes audited)",
        description="Apply a catalog file (the format `targets export` writes): metrics it adds "
                    "are created, changed lines are updated and audited. The whole file is "
                    "checked first; on any error nothing changes.",
        examples=["perftui targets import catalog.json"])
    i.add_argument("file", metavar="FILE")
    _who(i, reason=False)
    add_format(i)
    i.set_defaults(func=run_import)

    e = command_parser(
        actions, "export", help="write the catalog file",
        description="Write the store's catalog as a catalog file (JSON), for review, version "
                    "control, or `targets import` into another store.",
        examples=["perftui targets export > catalog.json",
                  "perftui targets export --output catalog.json --force"])
    e.add_argument("--output", "-o", metavar="FILE",
                   help="write to FILE (default: stdout); FILE must be new unless --force")
    e.add_argument("--force", action="store_true",
                   help="replace FILE if it exists (never a perftui store)")
    e.add_argument("--format", choices=("json",), default="json",
                   help="the catalog file is JSON (accepted for symmetry with read commands)")
    e.set_defaults(func=run_export)

    au = command_parser(
        actions, "audit", help="who changed which line when",
        description="The audit trail of catalog changes, newest first.",
        examples=["perftui targets audit", "perftui targets audit --metric APP-001 --format json"])
    add_metric(au, "only this metric")
    au.add_argument("--limit", type=positive_int, default=200, metavar="N",
                    help="at most N changes (default: 200)")
    add_format(au)
    au.set_defaults(func=run_audit)


def _who(parser, reason: bool = True) -> None:
    parser.add_argument("--by", metavar="NAME", help="who (default: the current user)")
    if reason:
        parser.add_argument("--reason", metavar="TEXT", help="why (kept in the audit trail)")


def run_list(args) -> int:
    from perftui.core import targets

    with open_store_for(args) as store:
        rows = targets.list_targets(store)
    if args.format == "json":
        print_json({"count": len(rows), "metrics": rows})
        return 0
    render_table(rows)
    return 0


def run_set(args) -> int:
    from perftui.core import targets

    changes = {name: getattr(args, name) for name in ("target", "warning", "error")
               if getattr(args, name) is not None}
    with open_store_for(args, write=True, create=True) as store:  # as `record` would
        row = targets.set_target(store, args.metric, active=args.active, by=args.by,
                                 reason=args.reason, **changes)
    if args.format == "json":
        print_json({"metric": row})
    else:
        echo(f"{row['metric_id']}: target {_line(row['target'])}, warning "
              f"{_line(row['warning'])}, error {_line(row['error'])}"
              f"{'' if row['active'] else ' (inactive)'}")
    return 0


def run_add(args) -> int:
    from perftui.core import targets

    entry = {"id": args.metric, "key": args.key, "name": args.name or args.metric,
             "unit": args.unit, "direction": args.direction, "target": args.target,
             "warning": args.warning, "error": args.error, "description": args.description,
             "source": "perftui targets add", "active": True}
    with open_store_for(args, write=True, create=True) as store:
        row = targets.add_metric(store, entry, by=args.by)
    if args.format == "json":
        print_json({"metric": row})
    else:
        echo(f"added {row['metric_id']} ({row['name']}, {row['unit'] or 'no unit'}, "
              f"{row['direction']} is better), target {_line(row['target'])}")
    return 0


def run_import(args) -> int:
    from perftui.core import targets

    with open_store_for(args, write=True, create=True) as store:
        result = targets.import_catalog(store, args.file, by=args.by)
    if args.format == "json":
        print_json(result)
    else:
        echo(f"catalog {args.file}: {len(result['added'])} added, {len(result['updated'])} "
              f"updated, {len(result['unchanged'])} unchanged")
    return 0


def run_export(args) -> int:
    import json

    from perftui.core import targets
    from perftui.core.files import write_text

    with open_store_for(args) as store:
        document = targets.export_catalog(store)
        store_path = store.path
    text = json.dumps(document, indent=2) + "\n"
    if args.output:
        write_text(args.output, text, force=args.force, protect=[store_path])
        echo(f"wrote {len(document['metrics'])} metrics to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def run_audit(args) -> int:
    from perftui.core import targets

    with open_store_for(args) as store:
        rows = targets.audit_trail(store, args.metric, args.limit)
    if args.format == "json":
        print_json({"count": len(rows), "changes": rows})
        return 0
    if not rows:
        echo("no catalog changes recorded")
        return 0
    from perftui.cli.tables import console, table

    t = table((("when", "left"), ("metric", "left"), ("field", "left"), ("old", "right"),
               ("new", "right"), ("by", "left"), ("reason", "left")))
    for c in rows:
        t.add_row(c["changed_at"][:16].replace("T", " "), c["metric_id"], c["field"],
                  c["old_value"] or "—", c["new_value"] or "—", c["changed_by"] or "",
                  c["reason"] or "")
    console().print(t)
    return 0


def _line(value) -> str:
    return "—" if value is None else f"{value:g}"


def render_table(rows: list[dict]) -> None:
    from perftui.cli.tables import Col, console, print_fitted
    from perftui.fmt import format_value

    cols = [Col("metric", shrink=8), Col("name", shrink=8, drop=1), Col("unit", drop=3),
            Col("better", drop=2), Col("target", "right"), Col("warning", "right"),
            Col("error", "right"), Col("active", drop=4)]
    cells = [[m["metric_id"], "" if m["name"] == m["metric_id"] else m["name"], m["unit"],
              m["direction"], format_value(m["target"], m["unit"]),
              format_value(m["warning"], m["unit"]), format_value(m["error"], m["unit"]),
              "yes" if m["active"] else "no"] for m in rows]
    print_fitted(console(), cols, cells)
