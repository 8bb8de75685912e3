"""perftui regression: metrics whose latest value is beyond a threshold from their baseline."""

from __future__ import annotations

from perftui.cli.common import (add_format, add_threshold, command_parser, open_store_for,
                                print_json)


def add_parser(sub) -> None:
    p = command_parser(
        sub, "regression", help="metrics whose latest value is beyond the threshold",
        description="Compare the latest warm run of the scope with each metric's baseline (the "
                    "last 20 warm runs before it). A metric worse by at least the threshold has "
                    "regressed; worse by half of it is a warning. Also prints the regression "
                    "score: the mean direction-aware change, negative = regression.",
        examples=["perftui regression", "perftui regression --threshold 5",
                  "perftui regression --format json | jq '.regressions'"])
    add_threshold(p, "worse than baseline")
    add_format(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from perftui.core.regression import regression

    with open_store_for(args) as store:
        data = regression(store, args.app, args.env, args.threshold)
    if args.format == "json":
        print_json(data)
        return 0
    render(data)
    return 0


STYLE = {"regressed": "red", "warning": "yellow", "improved": "green", "unchanged": "",
         "new": "cyan"}


def render(data: dict) -> None:
    from perftui.cli.tables import console, styled, table
    from perftui.core.report import label
    from perftui.fmt import format_percent, format_value

    out = console()
    snap, scope = data["snapshot"], data["scope"]
    if snap is None:
        out.print(f"{scope['app']} / {scope['environment']}: no warm runs yet")
        return
    score = data["regression_score"]
    out.print(f"{scope['app']} / {scope['environment']}: snapshot #{snap['id']} "
              f"({snap['recorded_at'][:16].replace('T', ' ')}, commit "
              f"{(snap['git_commit'] or '—')[:8]}), threshold {data['threshold']:g}%; "
              f"regression score {format_percent(score)}")
    t = table((("metric", "left"), ("value", "right"), ("baseline", "right"),
               ("change", "right"), ("status", "left")))
    for m in data["metrics"]:
        style = STYLE.get(m["status"], "")
        t.add_row(label(m), format_value(m["value"], m["unit"]),
                  format_value(m["baseline_median"], m["unit"]),
                  format_percent(m["change_percent"]),
                  styled(m["status"], style))
    out.print(t)
    regressions = data["regressions"]
    out.print(f"{len(regressions)} regressed: {', '.join(regressions)}" if regressions
              else "no metric regressed beyond the threshold")
