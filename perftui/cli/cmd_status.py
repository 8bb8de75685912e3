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
    from perftui.analysis.types import worst
    from perftui.fmt import format_percent, format_value

    out = console()
    snap = data["snapshot"]
    if snap is None:
        out.print(f"No snapshots yet in {data['store']}.", soft_wrap=True)
        out.print("Record one from your app (PerformanceTracker), with `perftui record KEY=VALUE`, "
                  "or try `perftui demo`.")
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
    headers = ["metric", "name", "value", "baseline", "target", "change", "status"]
    rows = []
    for m in data["metrics"]:
        base = m["baseline"]
        sev = worst(m["severity"], m["alert_severity"] or "ok") if m["active"] else "ok"
        row = [(m["metric_id"], ""), (m["name"], ""), (format_value(m["value"], m["unit"]), ""),
               (format_value(base["median"], m["unit"]) if base else "—", ""),
               (format_value(m["target"], m["unit"]), ""), (format_percent(m["change_percent"]), ""),
               (sev if m["active"] else "inactive", SEVERITY_STYLE.get(sev, ""))]
        rows.append(row)
    table = Table(box=None, pad_edge=False, header_style="bold")
    for i, header in enumerate(headers):
        widest = max([len(header)] + [len(r[i][0]) for r in rows])
        if header == "name":
            table.add_column(header, no_wrap=True, overflow="ellipsis", ratio=1, min_width=8)
        else:
            table.add_column(header, no_wrap=True, min_width=widest,
                             justify="right" if header in ("value", "baseline", "target", "change")
                             else "left")
    for row in rows:
        table.add_row(*(f"[{style}]{text}[/]" if style else text for text, style in row))
    out.print(table)
    out.print("[dim]status: worst of this run's verdict and the metric's open alerts "
              "(perftui alerts)[/]")
