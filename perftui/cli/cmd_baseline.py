"""perftui baseline: one metric's baseline statistics and the runs behind them."""

from __future__ import annotations

from perftui.cli.tables import echo
from perftui.cli.common import (add_days, add_format, add_metric, command_parser, open_store_for,
                                positive_int, print_json)


def add_parser(sub) -> None:
    p = command_parser(
        sub, "baseline", help="a metric's baseline statistics and the values behind them",
        description="Show the baseline the next run of a metric will be judged against: the "
                    "last 20 warm, successful runs of the scope (after the last accepted "
                    "baseline change), outliers removed; median, p5, p95, spread, confidence; "
                    "and the runs themselves, outliers marked. --days N restricts the runs to "
                    "the last N days and adds that period's statistics.",
        examples=["perftui baseline --metric APP-001", "perftui baseline --metric APP-001 --days 30",
                  "perftui baseline --metric startup_time_ms --format json"])
    add_metric(p, "metric id or key", required=True)
    add_days(p, "only runs of the last N days")
    p.add_argument("--window", type=positive_int, default=20, metavar="N",
                   help="runs in the baseline (default: 20, as the detector uses)")
    add_format(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from perftui.core.baseline import baseline

    with open_store_for(args) as store:
        data = baseline(store, args.metric, args.app, args.env, args.days, args.window)
    if args.format == "json":
        print_json(data)
        return 0
    render(data)
    return 0


def render(data: dict) -> None:
    from perftui.fmt import format_value

    m, b, unit = data["metric"], data["baseline"], data["metric"]["unit"]
    scope = data["scope"]
    echo(f"{m['metric_id']} {m['name']} in {scope['app']} / {scope['environment']} "
          f"({m['direction']} is better; target {format_value(m['target'], unit)})")
    if data["reset_since"]:
        echo(f"baseline accepted anew at {data['reset_since']}: earlier runs are left out")
    if b is None:
        echo("no warm runs yet: no baseline")
        return
    echo(f"baseline of {b['sample_size']} runs (window {data['window']}, confidence "
          f"{b['confidence']:.2f}, {b['outliers_removed']} outliers removed): median "
          f"{format_value(b['median'], unit)}, p5 {format_value(b['p5'], unit)}, p95 "
          f"{format_value(b['p95'], unit)}, spread {format_value(b['spread'], unit)}")
    for v in data["values"]:
        mark = "  outlier" if v["outlier"] else ""
        echo(f"  #{v['snapshot_id']:<8} {v['recorded_at'][:19].replace('T', ' ')}  "
              f"{format_value(v['value'], unit):>12}{mark}")
    p = data["period"]
    if p:
        if p["count"]:
            echo(f"last {p['days']:g} days: {p['count']} warm runs, median "
                  f"{format_value(p['median'], unit)}, p5 {format_value(p['p5'], unit)}, p95 "
                  f"{format_value(p['p95'], unit)}, min {format_value(p['min'], unit)}, max "
                  f"{format_value(p['max'], unit)}")
        else:
            echo(f"last {p['days']:g} days: no warm runs")
