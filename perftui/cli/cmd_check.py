"""perftui check: the CI gate; judge a results file against the baseline of a branch."""

from __future__ import annotations

import sys
from pathlib import Path

from perftui.cli.common import (add_format, add_threshold, command_parser, open_store_for,
                                print_json)
from perftui.errors import UsageError


def add_parser(sub) -> None:
    p = command_parser(
        sub, "check", help="CI gate: judge a results file against a branch's baseline",
        description="Judge a results file (perftui JSON or pytest-benchmark JSON) against the "
                    "baseline recorded on a branch (the median of its last 20 warm runs per "
                    "metric). Worse by half the threshold is a warning, by the threshold an "
                    "error, and by the threshold while outside the baseline's noise critical. "
                    "Exits 1 when a metric reaches --fail-on, 0 otherwise; --markdown writes a "
                    "PR comment. Nothing is written to the store.",
        examples=["perftui check --current results.json",
                  "perftui --db perf.db check --current .benchmarks/results.json "
                  "--fail-on error --markdown comment.md",
                  "perftui check --current results.json --baseline-branch develop --threshold 5"])
    p.add_argument("--current", required=True, metavar="FILE", help="the results to judge")
    p.add_argument("--baseline-branch", default="main", metavar="BRANCH",
                   help="branch whose recorded runs are the baseline (default: main)")
    add_threshold(p)
    p.add_argument("--fail-on", choices=("warning", "error", "critical"), default="critical",
                   help="the level that fails the check (default: critical)")
    p.add_argument("--markdown", metavar="FILE",
                   help="write the PR comment (markdown) to FILE; FILE must be new unless --force")
    p.add_argument("--force", action="store_true",
                   help="let --markdown replace FILE if it exists (never a perftui store)")
    add_format(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from perftui.core.check import check

    from perftui.core.files import write_text
    from perftui.core.scope import env_scope

    markdown = Path(args.markdown) if args.markdown else None
    if markdown is not None and (markdown.is_dir() or not markdown.parent.exists()):
        raise UsageError(f"--markdown {markdown}: not a writable file path")
    app, environment = env_scope(args.app, args.env)
    with open_store_for(args) as store:
        result = check(store, Path(args.current), baseline_branch=args.baseline_branch,
                       threshold=args.threshold, fail_on=args.fail_on, app=app,
                       environment=environment)
        store_path = store.path
    if markdown is not None:
        write_text(markdown, result["markdown"], force=args.force, protect=[store_path])
    if args.format == "json":
        print_json(result)
    else:
        render(result)
    return 0 if result["passed"] else 1


STYLE = {"critical": "bold red", "error": "red", "warning": "yellow", "improved": "green",
         "new": "cyan"}


def render(result: dict) -> None:
    from perftui.cli.tables import console, styled, table
    from perftui.fmt import format_percent, format_value

    out = console()
    base = result["baseline"]
    scope = result["scope"]
    out.print(f"{result['current']['file']} against {result['baseline_branch']}"
              f"{' @ ' + base['commit'][:8] if base and base['commit'] else ''} in "
              f"{scope['app']} / {scope['environment']} (threshold {result['threshold']:g}%, "
              f"fail on {result['fail_on']})")
    t = table((("metric", "left"), ("current", "right"), ("baseline", "right"),
               ("change", "right"), ("verdict", "left")))
    for m in result["metrics"]:
        verdict = m["level"] if m["level"] != "ok" else m["status"]
        style = STYLE.get(verdict)
        t.add_row(m["name"], format_value(m["current"], m["unit"]),
                  format_value(m["baseline_median"], m["unit"]),
                  format_percent(m["change_percent"]),
                  styled(verdict, style))
    out.print(t)
    for note in result["notes"]:
        out.print(f"note: {note}")
    out.print(styled("PASSED", "green") if result["passed"] else styled("FAILED", "bold red"))
    sys.stdout.flush()
