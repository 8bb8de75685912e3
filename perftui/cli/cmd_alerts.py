"""perftui alerts: list, show, acknowledge, accept as the new baseline, and an alert's profile."""

from __future__ import annotations

import argparse

from perftui.cli.tables import echo
from perftui.cli.common import (add_format, add_metric, command_parser, open_store_for,
                                positive_int, print_json)

SEVERITIES = ("info", "warning", "error", "critical")
STATUSES = ("open", "acknowledged", "resolved", "all")


def add_parser(sub) -> None:
    p = command_parser(
        sub, "alerts", help="list alerts; `alerts ack`, `alerts accept`, `alerts show`, `alerts profile`",
        description="List alerts, newest first. By default the unresolved ones (open or "
                    "acknowledged) of warning severity and worse; --status all shows history "
                    "too. --app/--env restrict the list to one scope. Subcommands: `ack` records "
                    "who looked at an alert and why, `accept` takes an intended change as the "
                    "metric's new baseline (resolving its statistical alerts), `show` prints one "
                    "alert with the values behind it, `profile` the functions it spent its time "
                    "in and what grew since the baseline.",
        examples=["perftui alerts", "perftui alerts --severity error --unacknowledged",
                  "perftui alerts --status all --metric VAL-001 --format json",
                  "perftui alerts ack --id 42 --notes 'Fixed by PR #123'",
                  "perftui alerts accept --id 17 --notes 'larger model, slower by design'",
                  "perftui alerts profile --id 17"])
    p.add_argument("--severity", choices=SEVERITIES, default="warning",
                   help="this severity and worse (default: warning; info shows lone spikes too)")
    p.add_argument("--status", choices=STATUSES, default="open",
                   help="open (= unresolved, the default), acknowledged, resolved or all")
    p.add_argument("--unacknowledged", action="store_true", help="only alerts nobody acknowledged")
    add_metric(p)
    p.add_argument("--limit", type=positive_int, metavar="N", help="at most N alerts")
    add_format(p)
    p.set_defaults(func=run_list)
    actions = p.add_subparsers(dest="alerts_action", metavar="ACTION")
    _ack_parser(actions)
    _accept_parser(actions)
    _show_parser(actions)
    _profile_parser(actions)


def _ack_parser(actions) -> None:
    a = command_parser(
        actions, "ack", help="acknowledge alerts (who, when, why)",
        description="Acknowledge one or more alerts: records who looked at them, when, and the "
                    "notes. Acknowledged alerts stay unresolved (they still dedupe and resolve "
                    "themselves after enough normal runs) but no longer count as unacknowledged.",
        examples=["perftui alerts ack --id 42 --notes 'Fixed by PR #123'",
                  "perftui alerts ack --id 42 --id 43 --by alice"])
    _who(a, required_id=True)
    a.set_defaults(func=run_ack)


def _accept_parser(actions) -> None:
    a = command_parser(
        actions, "accept", help="accept an alert's level as the metric's new baseline",
        description="The answer to an intended change: runs before the alert's snapshot leave "
                    "the metric's baseline in that scope, and its unresolved statistical alerts "
                    "are resolved. Threshold alerts are absolute: change the target instead.",
        examples=["perftui alerts accept --id 17 --notes 'larger model, slower by design'"])
    _who(a, required_id=True, many=False)
    a.set_defaults(func=run_accept)


def _show_parser(actions) -> None:
    a = command_parser(
        actions, "show", help="one alert in full, with the values behind it",
        description="Print one alert with its context (baseline statistics, z-score, ...) and "
                    "the metric's recent values up to the run that raised it.",
        examples=["perftui alerts show --id 42", "perftui alerts show --id 42 --format json"])
    a.add_argument("--id", type=positive_int, required=True, metavar="N", dest="ids",
                   action=_Once)
    add_format(a)
    a.set_defaults(func=run_show)


PROFILE_FORMATS = ("table", "json", "speedscope", "pstats")


def _profile_parser(actions) -> None:
    a = command_parser(
        actions, "profile", help="the functions an alert's operation spent its time in",
        description="When a regression alert opens on an operation the recorder times, the host "
                    "app's next run of it is profiled (cProfile) and kept with the alert; now "
                    "and then a healthy run is profiled too, as the baseline. This prints the "
                    "functions that grew most since that baseline (their share of the whole "
                    "call, in percentage points: the function where the time went comes first, "
                    "its callers after it) and the top functions by cumulative time. "
                    "--format speedscope writes a file for https://www.speedscope.app (a flame "
                    "graph); --format pstats one for `python -m pstats`, snakeviz or gprof2dot.",
        examples=["perftui alerts profile --id 17",
                  "perftui alerts profile --id 17 --limit 40 --format json",
                  "perftui alerts profile --id 17 --format speedscope --output slow.speedscope.json",
                  "perftui alerts profile --id 17 --format pstats --output slow.pstats && "
                  "python -m pstats slow.pstats"])
    a.add_argument("--id", type=positive_int, required=True, metavar="N", dest="ids",
                   action=_Once, help="alert id (perftui alerts lists them)")
    a.add_argument("--format", choices=PROFILE_FORMATS, default="table",
                   help="table (default): what grew and the top functions; json: the same as "
                        "data; speedscope: a flame-graph file (stdout without --output); "
                        "pstats: a binary pstats file (needs --output)")
    a.add_argument("--output", "-o", metavar="FILE",
                   help="write to FILE (speedscope, pstats, json); FILE must be new unless --force")
    a.add_argument("--force", action="store_true", help="replace FILE if it exists")
    a.add_argument("--limit", type=positive_int, default=20, metavar="N",
                   help="at most N functions per list (default: 20)")
    a.set_defaults(func=run_profile)


class _Once(argparse.Action):
    """--id for commands that take one alert: a second --id is an error, not silently kept."""

    def __call__(self, parser, namespace, values, option_string=None):
        if getattr(namespace, self.dest, None) is not None:
            parser.error(f"{option_string} takes one alert; it was given more than once")
        setattr(namespace, self.dest, values)


def _who(parser: argparse.ArgumentParser, required_id: bool, many: bool = True) -> None:
    if many:
        parser.add_argument("--id", type=positive_int, action="append", required=required_id,
                            metavar="N", dest="ids", help="alert id (repeat for several)")
    else:
        parser.add_argument("--id", type=positive_int, required=required_id, metavar="N",
                            dest="ids", action=_Once, help="alert id")
    parser.add_argument("--by", metavar="NAME", help="who (default: the current user)")
    parser.add_argument("--notes", metavar="TEXT", help="why: what was found or done")
    add_format(parser)


def run_list(args) -> int:
    from perftui.core import alerts

    with open_store_for(args) as store:
        rows = alerts.list_alerts(store, severity=args.severity, status=args.status,
                                  unacknowledged=args.unacknowledged, metric=args.metric,
                                  app=args.app, environment=args.env, limit=args.limit)
        hidden = 0
        if args.severity != "info" and (args.limit is None or len(rows) < args.limit):
            # say what the default severity filter hid, and how to see it
            every = alerts.list_alerts(store, severity="info", status=args.status,
                                       unacknowledged=args.unacknowledged, metric=args.metric,
                                       app=args.app, environment=args.env)
            hidden = len(every) - len(alerts.list_alerts(
                store, severity=args.severity, status=args.status,
                unacknowledged=args.unacknowledged, metric=args.metric, app=args.app,
                environment=args.env))
    if args.format == "json":
        print_json({"count": len(rows), "filters": {
            "severity": args.severity, "status": args.status,
            "unacknowledged": args.unacknowledged, "metric": args.metric, "app": args.app,
            "environment": args.env}, "hidden_below_severity": hidden, "alerts": rows})
        return 0
    render_table(rows, args.status, args.severity, hidden)
    return 0


def run_ack(args) -> int:
    from perftui.core import alerts
    from perftui.errors import InputError

    ids = list(dict.fromkeys(args.ids))  # the same id twice is one acknowledgement
    with open_store_for(args, write=True) as store:
        for alert_id in ids:
            if alerts.get_alert(store, alert_id)["status"] == "resolved":
                raise InputError(f"alert {alert_id} is already resolved")
        done = alerts.acknowledge_many(store, ids, by=args.by, notes=args.notes)
    if args.format == "json":
        print_json({"acknowledged": done})
    else:
        for a in done:
            echo(f"acknowledged alert #{a['id']} ({a['metric_id']} {a['alert_type']}, "
                  f"{a['severity']}) as {a['acknowledged_by']}")
    return 0


def run_accept(args) -> int:
    from perftui.core import alerts

    with open_store_for(args, write=True) as store:
        resolved = alerts.accept_as_baseline(store, args.ids, by=args.by, notes=args.notes)
    if args.format == "json":
        print_json({"accepted": args.ids, "resolved": resolved})
    else:
        ids = ", ".join(f"#{a['id']}" for a in resolved)
        first = resolved[0] if resolved else None
        what = f" for {first['metric_id']} in {first['app']} / {first['environment']}" if first else ""
        echo(f"accepted alert #{args.ids} as the new baseline{what}; resolved {ids or 'nothing'}")
    return 0


def run_show(args) -> int:
    from perftui.core import alerts

    with open_store_for(args) as store:
        alert = alerts.get_alert(store, args.ids)
        history = [{"snapshot_id": sid, "recorded_at": at, "value": value}
                   for sid, at, value in alerts.alert_history(store, alert)]
    if args.format == "json":
        print_json({"alert": alert, "history": history})
        return 0
    from perftui.fmt import format_percent, format_value

    unit = alert["unit"]
    echo(f"alert #{alert['id']}: {alert['metric_id']} {alert['metric_name']} — "
          f"{alert['alert_type']} {alert['severity']}, {alert['status']}")
    echo(f"  {alert['message']}")
    # one finding: the alert's latest, from the run recorded at last_seen_at
    echo(f"  value {format_value(alert['current_value'], unit)}, expected "
          f"{format_value(alert['expected_value'], unit)}, "
          f"{format_percent(alert['deviation_percent'])} in the run of "
          f"{(alert['last_seen_at'] or '')[:16].replace('T', ' ')}; scope {alert['app']} / "
          f"{alert['environment']}; first raised by snapshot "
          f"#{alert['snapshot_id'] or '— (pruned)'}")
    echo(f"  triggered {alert['triggered_at']}, last seen {alert['last_seen_at']}, "
          f"{alert['occurrences']} occurrence(s)")
    if alert["acknowledged_by"]:
        echo(f"  acknowledged by {alert['acknowledged_by']} at {alert['acknowledged_at']}")
    if alert["resolution_notes"]:
        echo(f"  notes: {alert['resolution_notes']}")
    if history:
        values = ", ".join(format_value(h["value"], unit) for h in history[-12:])
        echo(f"  recent values (oldest first): {values}")
    return 0


def run_profile(args) -> int:
    import json
    import sys

    from perftui.core import profiles
    from perftui.errors import UsageError

    if args.format == "pstats" and not args.output:
        raise UsageError("--format pstats writes a binary file: give --output FILE")
    if args.output and args.format == "table":
        raise UsageError("--output is for --format json, speedscope or pstats "
                         "(the table is printed)")
    with open_store_for(args) as store:
        found = profiles.alert_profiles(store, args.ids)
        store_path = store.path
    document = profiles.view(found, args.limit)  # NoProfile when there is none yet
    regression, baseline = found["regression"], found["baseline"]
    if args.format in ("speedscope", "pstats"):
        if args.format == "pstats":
            data = profiles.pstats_bytes(regression)
        else:
            data = (json.dumps(profiles.speedscope(regression)) + "\n").encode("utf-8")
        if not args.output:
            sys.stdout.write(data.decode("utf-8"))
            return 0
        profiles.write_bytes(args.output, data, force=args.force, protect=[store_path])
        echo(f"wrote the {args.format} profile of alert #{args.ids} to {args.output}",
             file=sys.stderr)
        return 0
    if args.format == "json":
        if args.output:
            from perftui.core.files import write_text

            write_text(args.output, json.dumps(document, indent=2) + "\n", force=args.force,
                       protect=[store_path])
            echo(f"wrote the profile of alert #{args.ids} to {args.output}", file=sys.stderr)
        else:
            print_json(document)
        return 0
    rows = profiles.diff(baseline["data"], regression["data"]) if baseline else None
    render_profile(found["alert"], regression, baseline, document["top"], rows, args.limit,
                   found.get("baseline_error"))
    return 0


def _size(n: int) -> str:
    return f"{n / 1024:.1f} KB" if n >= 1024 else f"{n} bytes"


def _when(at: str | None) -> str:
    return (at or "")[:16].replace("T", " ")


def render_profile(alert: dict, regression: dict, baseline: dict | None, top: list[dict],
                   rows: list[dict] | None, limit: int, baseline_error: str | None = None) -> None:
    """The header, what grew since the baseline (the point), then the top functions."""
    from perftui.cli.tables import Col, console, middle, print_fitted
    from perftui.core.profiles import DIFF_HEADERS, diff_cells, grew
    from perftui.fmt import format_number, format_value

    out = console()
    width = max(out.width, 40)
    out.print(middle(f"alert #{alert['id']} {alert['metric_id']} {alert['metric_name']}: "
                     f"profile of operation {regression['operation']}", width))
    data = regression["data"]
    dropped = data.get("dropped") or [0, 0]
    out.print(middle(f"{regression['app']} / {regression['environment']}, taken "
                     f"{_when(regression['captured_at'])}", width), style="dim")
    out.print(f"{format_value(regression['duration_ms'], 'ms')} under the profiler, "
              f"{regression['functions']} functions kept"
              + (f" ({dropped[0]} smaller left out)" if dropped[0] else "")
              + f", {_size(regression['stored_bytes'])} stored", style="dim")

    if rows is None and baseline_error:
        out.print(f"the baseline {baseline_error}: only the top functions below", style="dim")
    elif rows is None:
        out.print("no baseline profile of this operation from before the alert: only the top "
                  "functions below", style="dim")
    else:
        grown = grew(rows)[:limit]
        out.print("")
        out.print(f"grew most since the baseline of {_when(baseline['captured_at'])} "
                  f"({format_value(baseline['duration_ms'], 'ms')}):", style="bold")
        if not grown:
            out.print("  no function's share grew: the time is spread as in the baseline")
        else:
            cols = [Col(DIFF_HEADERS[0], shrink=16)] + [Col(h, "right")
                                                         for h in DIFF_HEADERS[1:]]
            print_fitted(out, cols, [diff_cells(r) for r in grown])
            if any(r["carried_by"] for r in grown):
                out.print("· its growth is part of the unmarked function's above it",
                          style="dim")
    out.print("")
    out.print("top functions by cumulative time:", style="bold")
    cols = [Col("function", shrink=16), Col("calls", "right"), Col("own ms", "right"),
            Col("cum ms", "right"), Col("share", "right")]
    cells = [[r["label"],
              str(r["calls"]) if r["calls"] == r["primitive_calls"]
              else f"{r['calls']}/{r['primitive_calls']}",
              format_number(round(r["own_ms"], 3)), format_number(round(r["cum_ms"], 3)),
              f"{r['share']:.1f}%"] for r in top]
    print_fitted(out, cols, cells)


def _hidden_note(status: str, severity: str, hidden: int) -> str:
    """'2 info alerts hidden below warning: perftui alerts --status all --severity info'."""
    below = [s for s in SEVERITIES if SEVERITIES.index(s) < SEVERITIES.index(severity)]
    what = " or ".join(below)
    flags = ("" if status == "open" else f" --status {status}") + " --severity info"
    return (f"{hidden} {what} alert{'s' if hidden != 1 else ''} hidden below {severity}: "
            f"perftui alerts{flags}")


def render_table(rows: list[dict], status: str, severity: str = "warning",
                 hidden: int = 0) -> None:
    from perftui.cli.render import SEVERITY_STYLE
    from perftui.cli.tables import Col, console, print_fitted
    from perftui.fmt import format_percent, format_value

    out = console()
    if not rows:
        which = "" if status == "all" else status + " "
        floor = "" if severity == "info" else f" of {severity} or worse"
        out.print(f"no {which}alerts{floor}")
        if hidden:
            out.print(_hidden_note(status, severity, hidden))
        return
    scopes = {(a["app"], a["environment"]) for a in rows}
    if len(scopes) == 1:
        app, env = next(iter(scopes))
        out.print(f"{app} / {env}")
    cols = [Col("id", "right"), Col("severity"), Col("status", drop=4),
            Col("metric", shrink=10), Col("type", drop=5), Col("value", "right"),
            Col("expected", "right"), Col("dev", "right"), Col("run"),
            Col("seen", "right", drop=3), Col("scope", drop=1), Col("ack by", drop=2)]
    cells, styles = [], []
    for a in rows:
        unit = a["unit"]
        cells.append([str(a["id"]), a["severity"], a["status"], a["metric_id"], a["alert_type"],
                      format_value(a["current_value"], unit),
                      format_value(a["expected_value"], unit),
                      format_percent(a["deviation_percent"]),
                      (a["last_seen_at"] or "")[:16].replace("T", " "), f"{a['occurrences']}x",
                      f"{a['app']}/{a['environment']}", a["acknowledged_by"] or ""])
        styles.append({1: SEVERITY_STYLE.get(a["severity"])})
    if len(scopes) == 1:  # said above the table
        cols.pop(10)
        for c in cells:
            c.pop(10)
    if not any(c[-1] for c in cells):  # nobody acknowledged any: no empty column
        cols.pop()
        for c in cells:
            c.pop()
    print_fitted(out, cols, cells, styles)
    out.print("value, expected and dev are one finding: the alert's latest, in the run shown "
              "(perftui alerts show --id N tells it in words)", style="dim")
    if hidden:
        out.print(_hidden_note(status, severity, hidden), style="dim")
