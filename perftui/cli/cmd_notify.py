"""perftui notify: where alerts are announced (webhook, Slack, e-mail), and sending now."""

from __future__ import annotations

import argparse
import sys

from perftui.cli.common import (add_format, command_parser, finite_float, open_store_for,
                                positive_int, print_json)

HELP = "announce alerts: `notify add`, `list`, `test`, `remove`, `send`"


def add_parser(sub) -> None:
    p = command_parser(
        sub, "notify", help=HELP,
        description="Channels that hear about alerts when they open, escalate to a higher "
                    "severity or resolve (never about repeats): a JSON webhook, a Slack "
                    "webhook or an e-mail address (SMTP settings from PERFTUI_SMTP_HOST, _PORT, "
                    "_USER, _PASSWORD, _FROM, _SECURITY). One message per run. Every perftui "
                    "command that can write the store sends what is pending when it ends "
                    "(PERFTUI_NOTIFY=0 turns that off); `notify send` sends now, from cron or "
                    "CI. Webhook URLs are secrets: they are shown masked.",
        examples=["perftui notify add slack https://hooks.slack.com/services/T0/B0/XXXX",
                  "perftui notify add webhook https://ci.example.com/hook --min-severity warning",
                  "perftui notify add email oncall@example.com --repeat-hours 12",
                  "perftui notify list", "perftui notify test 1", "perftui notify send",
                  "perftui notify remove 1"])
    p.set_defaults(func=lambda args: _usage(p))
    actions = p.add_subparsers(dest="action", metavar="ACTION")

    add = actions.add_parser("add", help="add a channel: webhook URL, slack URL or email ADDRESS")
    add.add_argument("kind", metavar="KIND", help="webhook, slack or email")
    add.add_argument("target", metavar="URL|ADDRESS", help="where messages go")
    add.add_argument("--min-severity", default="error", metavar="SEVERITY",
                     help="announce alerts at this severity and worse: info, warning, error "
                          "(default) or critical")
    add.add_argument("--repeat-hours", type=finite_float, default=24.0, metavar="H",
                     help="remind of alerts still open (not acknowledged) every H hours; "
                          "0: never (default: 24)")
    add.add_argument("--max-per-hour", type=positive_int, default=12, metavar="N",
                     help="at most N messages an hour on this channel (default: 12)")
    add.set_defaults(func=run_add)

    listing = actions.add_parser("list", help="channels, what they were sent, failures")
    add_format(listing)
    listing.set_defaults(func=run_list)

    test = actions.add_parser("test", help="send a test message to a channel now")
    test.add_argument("id", type=positive_int, metavar="ID", help="the channel's id")
    test.set_defaults(func=run_test)

    remove = actions.add_parser("remove", help="remove a channel")
    remove.add_argument("id", type=positive_int, metavar="ID", help="the channel's id")
    remove.set_defaults(func=run_remove)

    send = actions.add_parser("send", help="send what is pending now (cron, CI)")
    add_format(send)
    send.set_defaults(func=run_send)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 0


def run_add(args) -> int:
    from perftui.core.notify import add_channel

    with open_store_for(args, write=True) as store:
        c = add_channel(store, args.kind, args.target, min_severity=args.min_severity,
                        repeat_hours=args.repeat_hours, max_per_hour=args.max_per_hour)
    print(f"added {c['kind']} #{c['id']} {c['target']}: alerts at {c['min_severity']} and "
          f"worse, reminders every {_hours(c['repeat_hours'])}, at most "
          f"{c['max_per_hour']} messages an hour")
    return 0


def _hours(hours: float) -> str:
    return "never" if not hours else f"{hours:g} h"


def run_list(args) -> int:
    from perftui.core.notify import list_channels

    with open_store_for(args) as store:
        channels = list_channels(store)
    if args.format == "json":
        print_json({"channels": channels})
        return 0
    if not channels:
        print("no notification channels; add one with `perftui notify add`")
        return 0
    from perftui.cli.tables import Col, console, print_fitted

    cols = [Col("id", "right"), Col("kind"), Col("target", shrink=14), Col("min"),
            Col("sent", "right"), Col("pending", "right"), Col("last sent", drop=1),
            Col("failures", shrink=12)]
    rows = [[str(c["id"]), c["kind"], c["target"], c["min_severity"], str(c["delivered"]),
             str(c["pending"]), (c["last_sent_at"] or "never")[:16].replace("T", " "),
             f"{c['failures']}: {c['last_error']}" if c["failures"] else "0"] for c in channels]
    print_fitted(console(), cols, rows, [{7: "red"} if c["failures"] else None for c in channels])
    return 0


def run_test(args) -> int:
    from perftui.core.notify import send_test
    from perftui.errors import InputError

    with open_store_for(args, write=True) as store:
        outcome = send_test(store, args.id)
    c = outcome["channel"]
    if not outcome["ok"]:
        raise InputError(f"notify test: {c['kind']} #{c['id']} {c['target']} failed: "
                         f"{outcome['error']}")
    print(f"sent a test message to {c['kind']} #{c['id']} {c['target']}")
    return 0


def run_remove(args) -> int:
    from perftui.core.notify import remove_channel

    with open_store_for(args, write=True) as store:
        c = remove_channel(store, args.id)
    print(f"removed {c['kind']} #{c['id']} {c['target']}")
    return 0


def run_send(args) -> int:
    from perftui.core.notify import failure_line, send_pending

    with open_store_for(args, write=True) as store:
        results = send_pending(store, force=True)
    if args.format == "json":
        print_json({"sent": results})
    else:
        for r in results:
            c = r["channel"]
            held = f", {r['held']} held by the rate limit" if r["held"] else ""
            print(f"{c['kind']} #{c['id']} {c['target']}: {r['messages']} messages about "
                  f"{r['alerts']} alerts{held}")
        if not results:
            print("nothing to send")
    failed = [r for r in results if r["error"]]
    for r in failed:
        print(f"perftui: warning: {failure_line(r)}", file=sys.stderr)
    return 2 if failed else 0
