"""perftui alerts: list, show, acknowledge, and accept as the new baseline."""

from __future__ import annotations

import argparse

from perftui.cli.tables import echo
from perftui.cli.common import (add_format, add_metric, command_parser, open_store_for,
                                positive_int, print_json)

SEVERITIES = ("info", "warning", "error", "critical")
STATUSES = ("open", "acknowledged", "resolved", "all")


def add_parser(sub) -> None:
    p = command_parser(
        sub, "alerts", help="list alerts; `alerts ack`, `alerts accept`, `alerts show`",
        description="List alerts, newest first. By default the unresolved ones (open or "
                    "acknowledged) of warning severity and worse; --status all shows history "
                    "too. --app/--env restrict the list to one scope. Subcommands: `ack` records "
                    "who looked at an alert and why, `accept` takes an intended change as the "
                    "metric's new baseline (resolving its statistical alerts), `show` prints one "
                    "alert with the values behind it.",
        examples=["perftui alerts", "perftui alerts --severity error --unacknowledged",
                  "perftui alerts --status all --metric VAL-001 --format json",
                  "perftui alerts ack --id 42 --notes 'Fixed by PR #123'",
                  "perftui alerts accept --id 17 --notes 'larger model, slower by design'"])
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
    if args.format == "json":
        print_json({"count": len(rows), "filters": {
            "severity": args.severity, "status": args.status,
            "unacknowledged": args.unacknowledged, "metric": args.metric, "app": args.app,
            "environment": args.env}, "alerts": rows})
        return 0
    render_table(rows, args.status)
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
    from perftui.fmt import format_value

    unit = alert["unit"]
    echo(f"alert #{alert['id']}: {alert['metric_id']} {alert['metric_name']} — "
          f"{alert['alert_type']} {alert['severity']}, {alert['status']}")
    echo(f"  {alert['message']}")
    echo(f"  value {format_value(alert['current_value'], unit)}, expected "
          f"{format_value(alert['expected_value'], unit)}; scope {alert['app']} / "
          f"{alert['environment']}; snapshot #{alert['snapshot_id'] or '— (pruned)'}")
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


def render_table(rows: list[dict], status: str) -> None:
    from perftui.cli.render import SEVERITY_STYLE
    from perftui.cli.tables import console, styled, table
    from perftui.fmt import format_percent, format_value

    out = console()
    if not rows:
        out.print(f"no {'' if status == 'all' else status + ' '}alerts")
        return
    t = table((("id", "right"), ("severity", "left"), ("status", "left"), ("metric", "left"),
               ("type", "left"), ("value", "right"), ("expected", "right"), ("dev", "right"),
               ("seen", "right"), ("last seen", "left"), ("scope", "left"), ("ack by", "left")))
    for a in rows:
        sev = a["severity"]
        t.add_row(str(a["id"]), styled(sev, SEVERITY_STYLE.get(sev)), a["status"],
                  a["metric_id"], a["alert_type"], format_value(a["current_value"], a["unit"]),
                  format_value(a["expected_value"], a["unit"]),
                  format_percent(a["deviation_percent"]), f"{a['occurrences']}x",
                  a["last_seen_at"][:16].replace("T", " "), f"{a['app']}/{a['environment']}",
                  a["acknowledged_by"] or "")
    out.print(t)
