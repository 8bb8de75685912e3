"""perftui compare: two commits side by side, per metric median, change and verdict."""

from __future__ import annotations

from perftui.cli.common import (add_format, add_threshold, command_parser, open_store_for,
                                print_json)


def add_parser(sub) -> None:
    p = command_parser(
        sub, "compare", help="compare two commits: per metric medians, change and status",
        description="Compare the warm runs recorded on two commits (hash prefixes accepted; a "
                    "branch name means its newest commit). B is judged against A: per metric "
                    "the median of each, the change, and improved / unchanged / warning (worse, "
                    "within the threshold) / regressed. Without --app/--env the scope both "
                    "commits were recorded in is used.",
        examples=["perftui compare abc123 def456", "perftui compare main feature/login",
                  "perftui compare abc123 def456 --format markdown >> $GITHUB_STEP_SUMMARY"])
    p.add_argument("ref_a", metavar="REF_A", help="the reference commit (or branch)")
    p.add_argument("ref_b", metavar="REF_B", help="the commit (or branch) judged against it")
    add_threshold(p)
    add_format(p, choices=("text", "markdown", "json"))
    p.set_defaults(func=run)


def run(args) -> int:
    from perftui.core.compare import compare, render_markdown

    with open_store_for(args) as store:
        data = compare(store, args.ref_a, args.ref_b, args.app, args.env, args.threshold)
    if args.format == "json":
        print_json(data)
    elif args.format == "markdown":
        print(render_markdown(data))
    else:
        render(data)
    return 0


STYLE = {"regressed": "red", "warning": "yellow", "improved": "green"}


def render(data: dict) -> None:
    from perftui.cli.tables import console, styled, table
    from perftui.core.report import label
    from perftui.fmt import format_percent, format_value

    out = console()
    a, b, scope = data["a"], data["b"], data["scope"]
    out.print(f"{scope['app']} / {scope['environment']}: A {a['commit'][:8]}"
              f"{' (' + a['branch'] + ')' if a['branch'] else ''}, {a['snapshots']} runs -> "
              f"B {b['commit'][:8]}{' (' + b['branch'] + ')' if b['branch'] else ''}, "
              f"{b['snapshots']} runs")
    t = table((("metric", "left"), ("A", "right"), ("B", "right"), ("change", "right"),
               ("status", "left")))
    for m in data["metrics"]:
        style = STYLE.get(m["status"])
        t.add_row(label(m), format_value(m["median_a"], m["unit"]),
                  format_value(m["median_b"], m["unit"]), format_percent(m["change_percent"]),
                  styled(m["status"], style))
    out.print(t)
    s = data["summary"]
    out.print(f"{s['improved']} improved, {s['unchanged']} unchanged, {s['warning']} within "
              f"threshold, {s['regressed']} regressed (threshold {data['threshold']:g}%)")
