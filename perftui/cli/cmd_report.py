"""perftui report: a per-metric summary of the last N days."""

from __future__ import annotations

from perftui.cli.common import add_days, add_format, command_parser, open_store_for, print_json


def add_parser(sub) -> None:
    p = command_parser(
        sub, "report", help="per-metric summary over a period (text, markdown or json)",
        description="Summarise a scope over the last N days: for each metric the number of warm "
                    "runs, median, p95, min, max, latest value, the trend between the two "
                    "halves of the period, the median against the target lines, and the "
                    "alerts seen; plus run counts and the mean performance index.",
        examples=["perftui report --days 7", "perftui report --days 30 --format markdown > report.md",
                  "perftui --app myapp --env ci report --format json"])
    add_days(p, "the period: the last N days (default: 7)", default=7)
    add_format(p, choices=("text", "markdown", "json"))
    p.set_defaults(func=run)


def run(args) -> int:
    from perftui.cli.progress import progress_bar
    from perftui.core.report import render_markdown, report

    with open_store_for(args) as store, progress_bar("hourly rollups") as update:
        data = report(store, args.app, args.env, args.days, progress=update)
    if args.format == "json":
        print_json(data)
    elif args.format == "markdown":
        print(render_markdown(data))
    else:
        render(data)
    return 0


def render(data: dict) -> None:
    from perftui.cli.render import SEVERITY_STYLE
    from perftui.cli.tables import console, styled, table
    from perftui.core.report import label
    from perftui.fmt import format_percent, format_value

    out = console()
    scope, period = data["scope"], data["period"]
    out.print(f"{scope['app']} / {scope['environment']}: last {data['days']:g} days, "
              f"{period['snapshots']:,} runs ({period['cold_starts']} cold starts, "
              f"{period['failed']} failed) on {period['commits']} commits")
    if period["performance_index_mean"] is not None:
        out.print(f"mean performance index {period['performance_index_mean']:.0f}/100")
    if not data["metrics"]:
        out.print("no warm runs in this period")
        return
    t = table((("metric", "left"), ("runs", "right"), ("median", "right"), ("p95", "right"),
               ("min", "right"), ("max", "right"), ("latest", "right"), ("target", "right"),
               ("trend", "left"), ("status", "left"), ("alerts", "left")))
    for m in data["metrics"]:
        u = m["unit"]
        status = m["target_status"] or "—"
        alerts = ", ".join(f"{n} {sev}" for sev, n in sorted(m["alerts"].items())) or ""
        t.add_row(label(m), f"{m['count']:,}", format_value(m["median"], u),
                  format_value(m["p95"], u), format_value(m["min"], u), format_value(m["max"], u),
                  format_value(m["latest"], u), format_value(m["target"], u),
                  f"{m['trend']} {format_percent(m['trend_percent'])}",
                  styled(status, SEVERITY_STYLE.get(status)), alerts)
    out.print(t)
    counts = ", ".join(f"{n} {sev}" for sev, n in data["open_alerts"].items() if n) or "none"
    out.print(f"open alerts: {counts}")
    if not data.get("exact", True):
        from perftui.core.report import APPROXIMATE

        out.print(APPROXIMATE)
