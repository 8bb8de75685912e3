"""perftui compare: two commits side by side, per metric median, change and verdict."""

from __future__ import annotations

from perftui.cli.common import (add_format, add_threshold, command_parser, finite_float,
                                open_store_for, print_json)


def add_parser(sub) -> None:
    p = command_parser(
        sub, "compare", help="compare two commits: per metric medians, change and status",
        description="Compare the warm runs recorded on two commits (hash prefixes accepted; a "
                    "branch name means its newest commit). B is judged against A: per metric "
                    "the median of each, the change, and improved / unchanged / warning (worse, "
                    "within the threshold) / regressed; and whether B differs beyond noise "
                    "(Mann-Whitney U over all runs of each side, Holm-adjusted across "
                    "metrics): slower / faster / no significant difference. --by branch or "
                    "--by version compares every run of two branches or app versions. "
                    "Without --app/--env the scope both sides were recorded in is used.",
        examples=["perftui compare abc123 def456", "perftui compare main feature/login",
                  "perftui compare --by branch main feature/login",
                  "perftui compare --by version 1.4.0 1.5.0 --alpha 0.01",
                  "perftui compare abc123 def456 --format markdown >> $GITHUB_STEP_SUMMARY"])
    p.add_argument("ref_a", metavar="REF_A", help="the reference commit (or branch)")
    p.add_argument("ref_b", metavar="REF_B", help="the commit (or branch) judged against it")
    p.add_argument("--by", choices=("commit", "branch", "version"), default="commit",
                   help="what REF_A and REF_B name: a commit (default), or a branch or an app "
                        "version, all of its runs")
    p.add_argument("--alpha", type=finite_float, default=0.05, metavar="P",
                   help="significance level of the test (default: 0.05)")
    add_threshold(p)
    add_format(p, choices=("text", "markdown", "json"))
    p.set_defaults(func=run)


def run(args) -> int:
    from perftui.core.compare import compare, render_markdown

    with open_store_for(args) as store:
        data = compare(store, args.ref_a, args.ref_b, args.app, args.env, args.threshold,
                       by=args.by, alpha=args.alpha)
    if args.format == "json":
        print_json(data)
    elif args.format == "markdown":
        print(render_markdown(data))
    else:
        render(data)
    return 0


STYLE = {"regressed": "red", "warning": "yellow", "improved": "green"}


def render(data: dict) -> None:
    from perftui.cli.tables import Col, console, print_fitted
    from perftui.core.compare import significance_text
    from perftui.core.report import label
    from perftui.fmt import format_percent, format_value

    out = console()
    a, b, scope = data["a"], data["b"], data["scope"]
    out.print(f"{scope['app']} / {scope['environment']}: A {a['label']}, {a['snapshots']} runs"
              f" -> B {b['label']}, {b['snapshots']} runs")
    cols = [Col("metric", shrink=12), Col("A", "right"), Col("B", "right"),
            Col("change", "right"), Col("status"), Col("B vs A", drop=1)]
    rows = [[label(m), format_value(m["median_a"], m["unit"]),
             format_value(m["median_b"], m["unit"]), format_percent(m["change_percent"]),
             m["status"], significance_text(m)] for m in data["metrics"]]
    print_fitted(out, cols, rows, [{4: STYLE.get(m["status"])} for m in data["metrics"]])
    s = data["summary"]
    out.print(f"{s['improved']} improved, {s['unchanged']} unchanged, {s['warning']} within "
              f"threshold, {s['regressed']} regressed (threshold {data['threshold']:g}%)")
    out.print(f"{data['verdict']}; {data['test']}, alpha {data['alpha']:g}")
