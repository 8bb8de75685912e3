"""Compare two commits: per metric the median of each, the change, and a verdict.

    compare(store, "abc123", "def456")        # prefixes accepted; a branch name means its head

Shape:
    {scope{app, environment}, threshold,
     a{ref, commit, branch, app_version, snapshots}, b{...},
     metrics[{metric_id, name, unit, direction, median_a, median_b, runs_a, runs_b,
              change_percent, worse_by_percent, status}],
     summary{improved, unchanged, warning, regressed, new, missing}}

B is judged against A (A is the reference). Statuses follow `perftui.analysis.verdicts`; a metric
only B recorded is "new", one only A recorded is "missing". Only warm, successful runs count.
"""

from __future__ import annotations

import statistics

from perftui.analysis import verdicts
from perftui.errors import InputError
from perftui.core.scope import resolve_scope, scope_dict
from perftui.store import reports
from perftui.store.engine import Database
from perftui.store.metrics import MetricRow, load_catalog

STATUS_LABEL = {"improved": "✅ Improved", "unchanged": "➖ Unchanged", "warning": "⚠️ Warning",
                "regressed": "❌ Regressed", "new": "🆕 New", "missing": "— Missing"}


def resolve_ref(conn, ref: str, app: str | None, environment: str | None) -> dict:
    """A commit recorded under exactly `ref` (any label: a hash, a tag, a release name), else a
    unique prefix of a hash, else a branch name (its newest commit)."""
    ref = ref.strip()
    if not ref:
        raise InputError("a commit reference is empty")
    exact = reports.commit_labelled(conn, ref, app, environment)
    if exact:
        return {"ref": ref, **exact[0]}
    matches = reports.commits_matching(conn, ref, app, environment) if _hexish(ref) else []
    if len(matches) > 1:
        shown = ", ".join(m["commit"][:12] for m in matches[:4])
        raise InputError(f"commit prefix {ref!r} is ambiguous: it matches {shown}"
                         f"{' ...' if len(matches) > 4 else ''}; give more characters")
    if matches:
        return {"ref": ref, **matches[0]}
    for scope in reports.branch_scopes(conn, ref):
        if (app is None or scope[0] == app) and (environment is None or scope[1] == environment):
            head = reports.branch_head(conn, ref, *scope)
            found = reports.commits_matching(conn, head["commit"] or "", *scope) if head else []
            if found:
                return {"ref": ref, **found[0]}
    raise InputError(f"unknown commit {ref!r}: no snapshots were recorded on it"
                     f"{'' if app is None else f' in {app} / {environment}'}")


def _hexish(ref: str) -> bool:
    return all(c in "0123456789abcdefABCDEF" for c in ref)


def compare(store: Database, ref_a: str, ref_b: str, app: str | None = None,
            environment: str | None = None, threshold: float = 10.0) -> dict:
    if not threshold > 0:
        raise InputError(f"--threshold must be above 0, got {threshold}")
    conn = store
    if app or environment:
        app, environment = resolve_scope(store, app, environment) or (app, environment)
    a = resolve_ref(conn, ref_a, app, environment)
    b = resolve_ref(conn, ref_b, app, environment)
    scope = (app, environment) if app and environment else _shared_scope(conn, a, b)
    values_a = reports.commit_values(conn, a["commit"], *scope)
    values_b = reports.commit_values(conn, b["commit"], *scope)
    catalog = load_catalog(conn)
    metrics = [_metric(catalog.find(code), values_a.get(code), values_b.get(code), threshold)
               for code in sorted(set(values_a) | set(values_b)) if catalog.find(code)]
    summary = {s: 0 for s in ("improved", "unchanged", "warning", "regressed", "new", "missing")}
    for m in metrics:
        summary[m["status"]] += 1
    return {"scope": scope_dict(scope), "threshold": threshold,
            "a": _side(a, values_a), "b": _side(b, values_b), "metrics": metrics,
            "summary": summary}


def _shared_scope(conn, a: dict, b: dict) -> tuple[str, str]:
    scopes_b = set(reports.commit_scopes(conn, b["commit"]))
    for scope in reports.commit_scopes(conn, a["commit"]):
        if scope in scopes_b:
            return scope
    raise InputError(f"commits {a['commit'][:12]} and {b['commit'][:12]} were not recorded in "
                     "the same app and environment; choose one with --app and --env")


def _side(ref: dict, values: dict) -> dict:
    # runs behind the medians: warm, successful, in the compared scope (the commit may also
    # have cold, failed or other-scope runs, which are not compared)
    runs = max((len(v) for v in values.values()), default=0)
    return {"ref": ref["ref"], "commit": ref["commit"], "branch": ref["branch"],
            "app_version": ref["app_version"], "snapshots": runs, "metrics": len(values)}


def _metric(row: MetricRow, a: list[float] | None, b: list[float] | None,
            threshold: float) -> dict:
    median_a = statistics.median(a) if a else None
    median_b = statistics.median(b) if b else None
    change = verdicts.change_percent(median_b, median_a) if a and b else None
    if not a:
        status = "new"
    elif not b:
        status = "missing"
    else:
        status = verdicts.classify(change, row.direction, threshold)
    return {"metric_id": row.code, "name": row.name, "unit": row.unit,
            "direction": row.direction, "median_a": median_a, "median_b": median_b,
            "runs_a": len(a or ()), "runs_b": len(b or ()), "change_percent": change,
            "worse_by_percent": verdicts.worse_by(change, row.direction), "status": status}


def render_markdown(data: dict) -> str:
    from perftui.core.markdown import md, md_code
    from perftui.fmt import format_percent, format_value

    def side(x: dict) -> str:
        branch = f" ({md(x['branch'])})" if x["branch"] else ""
        return f"{md_code(x['commit'][:8])}{branch} — {md(x['snapshots'])} runs"

    a, b = data["a"], data["b"]
    lines = ["## Performance comparison", "",
             f"**Baseline (A):** {side(a)}",
             f"**Compared (B):** {side(b)}",
             f"**Scope:** {md(data['scope']['app'])} / {md(data['scope']['environment'])}", "",
             "| Metric | A | B | Change | Status |", "|---|---:|---:|---:|---|"]
    for m in data["metrics"]:
        lines.append(f"| {md(m['name'])} | {md(format_value(m['median_a'], m['unit']))} | "
                     f"{md(format_value(m['median_b'], m['unit']))} | "
                     f"{md(format_percent(m['change_percent']))} | "
                     f"{md(STATUS_LABEL[m['status']])} |")
    s = data["summary"]
    lines += ["", f"{s['improved']} improved, {s['unchanged']} unchanged, {s['warning']} "
              f"within threshold, {s['regressed']} regressed (threshold "
              f"{data['threshold']:g}%)", ""]
    return "\n".join(lines)


def _branch(side: dict) -> str:
    return f" ({side['branch']})" if side["branch"] else ""
