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

    from perftui.errors import InputError

    with open_store_for(args) as store:
        data = status(store, args.app, args.env)
        data["store"] = store.path
    if data["snapshot"] is None and data["scopes"]:
        known = ", ".join(f"{s['app']} / {s['environment']}" for s in data["scopes"][:6])
        scope = data["scope"] or {}
        raise InputError(f"no snapshots for {scope.get('app')} / {scope.get('environment')} "
                         f"(scopes in this store: {known})")
    if args.format == "json":
        print_json(data)
        return 0
    render(data)
    return 0


def render(data: dict) -> None:
    from perftui.severity import worst
    from perftui.cli.render import SEVERITY_STYLE, short_commit
    from perftui.cli.tables import Col, console, print_fitted
    from perftui.fmt import age_text, format_percent, format_value

    out = console()
    snap = data["snapshot"]
    if snap is None:
        scope = data["scope"]
        where = f" for {scope['app']} / {scope['environment']}" if scope else ""
        out.print(f"No snapshots yet{where} in {data['store']}.", soft_wrap=True)
        out.print("Record one from your app (PerformanceTracker), with `perftui record KEY=VALUE`, "
                  "or try `perftui demo`.")
        return
    scope = data["scope"]
    branch = f" ({snap['git_branch']})" if snap["git_branch"] else ""
    extra = (" · cold start" if snap["is_cold_start"] else "") + (
        " · FAILED run" if snap["status"] == "failed" else "")
    out.print(f"{scope['app']} / {scope['environment']}   snapshot #{snap['id']} "
              f"{age_text(data['age_seconds'])}   commit {short_commit(snap['git_commit'])}{branch}"
              f"   host {snap['host'] or '—'}{extra}")
    pi = data["performance_index"]
    counts = data["open_alerts"]
    alerts = ", ".join(f"{n} {sev}" for sev, n in counts.items() if n) or "none"
    out.print(f"performance index {'—' if pi is None else f'{pi:.0f}/100'}   open alerts: {alerts}")
    cols = [Col("metric", shrink=8), Col("name", shrink=8, drop=1), Col("value", "right"),
            Col("baseline", "right"), Col("target", "right", drop=2), Col("change", "right"),
            Col("status")]
    rows, styles = [], []
    for m in data["metrics"]:
        base = m["baseline"]
        sev = worst(m["severity"], m["alert_severity"] or "ok") if m["active"] else "ok"
        # an imported benchmark's name is its id: say it once
        name = "" if m["name"] == m["metric_id"] else m["name"]
        rows.append([m["metric_id"], name, format_value(m["value"], m["unit"]),
                     format_value(base["median"], m["unit"]) if base else "—",
                     format_value(m["target"], m["unit"]), format_percent(m["change_percent"]),
                     sev if m["active"] else "inactive"])
        styles.append({6: SEVERITY_STYLE.get(sev)})
    if not any(r[1] for r in rows):
        cols.pop(1)
        for r in rows:
            r.pop(1)
        styles = [{5: s[6]} for s in styles]
    # numbers keep every digit; ids and names give way in the middle (…), as in the TUI
    print_fitted(out, cols, rows, styles)
    out.print("status: worst of this run's verdict and the metric's open alerts (perftui alerts)",
              style="dim")
