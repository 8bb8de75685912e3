"""perftui status: the latest run against baselines and targets."""

from __future__ import annotations

from perftui.cli.common import add_format, command_parser, open_store_for, print_json


def add_parser(sub) -> None:
    p = command_parser(
        sub, "status", help="latest values against baseline and target, open alerts",
        description="Show the newest snapshot of a scope: each metric's value, its rolling "
                    "baseline (median of the last 20 warm runs), its target, the change from "
                    "baseline and a verdict; the performance index and open alerts.",
        examples=["perftui status", "perftui status --app myapp --env ci",
                  "perftui status --format json | jq '.metrics[] | select(.severity != \"ok\")'"])
    add_format(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from perftui.core.status import status

    with open_store_for(args) as store:
        data = status(store, args.app, args.env)
        data["store"] = store.path
    if args.format == "json":
        print_json(data)
        return 0
    render(data)
    return 0


def render(data: dict) -> None:
    from rich.table import Table

    from perftui.cli.render import SEVERITY_STYLE, age_text, console, short_commit
    from perftui.fmt import format_percent, format_value

    out = console()
    snap = data["snapshot"]
    if snap is None:
        out.print(f"store {data['store']}: no snapshots yet. Record one from your app "
                  "(PerformanceTracker), with `perftui record KEY=VALUE`, or try `perftui demo`.")
        return
    scope = data["scope"]
    out.print(f"[bold]{scope['app']}[/] / {scope['environment']}   snapshot #{snap['id']} "
              f"{age_text(data['age_seconds'])}   commit {short_commit(snap['git_commit'])}"
              f"{' (' + snap['git_branch'] + ')' if snap['git_branch'] else ''}   "
              f"host {snap['host'] or '—'}"
              f"{'   [cyan]cold start[/]' if snap['is_cold_start'] else ''}"
              f"{'   [red]FAILED run[/]' if snap['status'] == 'failed' else ''}")
    pi = data["performance_index"]
    counts = data["open_alerts"]
    alerts = ", ".join(f"{n} {sev}" for sev, n in counts.items() if n) or "none"
    out.print(f"performance index {'—' if pi is None else f'{pi:.0f}/100'}   open alerts: {alerts}")
    table = Table(box=None, pad_edge=False, header_style="bold")
    for col, justify in (("metric", "left"), ("value", "right"), ("baseline", "right"),
                         ("target", "right"), ("change", "right"), ("status", "left")):
        table.add_column(col, justify=justify)
    for m in data["metrics"]:
        base = m["baseline"]
        sev = m["severity"]
        label = sev if not m["alert_severity"] or m["alert_severity"] == sev else \
            f"{sev} (alert: {m['alert_severity']})"
        if not m["active"]:
            label = "inactive"
        table.add_row(f"{m['metric_id']} {m['name']}", format_value(m["value"], m["unit"]),
                      format_value(base["median"], m["unit"]) if base else "—",
                      format_value(m["target"], m["unit"]),
                      format_percent(m["change_percent"]),
                      f"[{SEVERITY_STYLE.get(sev, '')}]{label}[/]")
    out.print(table)
