"""Compare two commits, branches or app versions: per metric the median of each side, the
change, a verdict, and whether the difference is more than noise.

    compare(store, "abc123", "def456")                   # prefixes accepted; a branch: its head
    compare(store, "main", "feature/x", by="branch")     # every run of each branch
    compare(store, "1.4.0", "1.5.0", by="version")       # every run of each app version

Shape:
    {scope{app, environment}, threshold, by, alpha, test, verdict,
     a{ref, by, label, commit, branch, app_version, snapshots, metrics, commits}, b{...},
     metrics[{metric_id, name, unit, direction, median_a, median_b, runs_a, runs_b,
              change_percent, worse_by_percent, status, ratio, u, p_value, p_adjusted,
              significant, verdict}],
     summary{improved, unchanged, warning, regressed, new, missing}}

B is judged against A (A is the reference). Statuses follow `perftui.analysis.verdicts` (the
change of the medians against the threshold); a metric only B recorded is "new", one only A
recorded is "missing". Only warm, successful runs count. Whether B differs at all is the
Mann–Whitney U test on all the runs of each side (`perftui.core.compare_stats`), its p-values
Holm-adjusted across the metrics compared; `verdict` says "slower" / "faster" (a time metric) or
"worse" / "better", "no significant difference", or "too few runs" (under 3 on a side).
"""

from __future__ import annotations

import statistics

from perftui.analysis import verdicts
from perftui.core.compare_stats import MIN_RUNS, holm, mann_whitney_u
from perftui.errors import InputError
from perftui.core.scope import resolve_scope, scope_dict
from perftui.store import ab_runs, reports
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


BY = ("commit", "branch", "version")
TEST = "Mann-Whitney U, Holm-adjusted"
TIME_UNITS = frozenset(("ns", "us", "µs", "ms", "s"))


def compare(store: Database, ref_a: str, ref_b: str, app: str | None = None,
            environment: str | None = None, threshold: float = 10.0, by: str = "commit",
            alpha: float = 0.05) -> dict:
    if not threshold > 0:
        raise InputError(f"--threshold must be above 0, got {threshold}")
    if by not in BY:
        raise InputError(f"--by must be one of {', '.join(BY)}, got {by!r}")
    if not 0 < alpha < 1:
        raise InputError(f"--alpha must be between 0 and 1, got {alpha}")
    conn = store
    if app or environment:
        app, environment = resolve_scope(store, app, environment) or (app, environment)
    if by == "commit":
        a = resolve_ref(conn, ref_a, app, environment)
        b = resolve_ref(conn, ref_b, app, environment)
        scope = (app, environment) if app and environment else _shared_scope(conn, a, b)
        values_a = reports.commit_values(conn, a["commit"], *scope)
        values_b = reports.commit_values(conn, b["commit"], *scope)
        side_a, side_b = _side(a, values_a), _side(b, values_b)
    else:
        scope, (side_a, values_a), (side_b, values_b) = _ab_sides(
            conn, by, ref_a.strip(), ref_b.strip(), app, environment)
    catalog = load_catalog(conn)
    metrics = [_metric(catalog.find(code), values_a.get(code), values_b.get(code), threshold)
               for code in sorted(set(values_a) | set(values_b)) if catalog.find(code)]
    _test(metrics, values_a, values_b, alpha)
    summary = {s: 0 for s in ("improved", "unchanged", "warning", "regressed", "new", "missing")}
    for m in metrics:
        summary[m["status"]] += 1
    return {"scope": scope_dict(scope), "threshold": threshold, "by": by, "alpha": alpha,
            "test": TEST, "a": side_a, "b": side_b, "metrics": metrics, "summary": summary,
            "verdict": overall_verdict(metrics)}


def _ab_sides(conn, by: str, label_a: str, label_b: str, app: str | None,
              environment: str | None):
    """Scope and the two sides (all warm runs of each branch or app version)."""
    if not label_a or not label_b:
        raise InputError(f"a {by} name is empty")
    scopes = []
    for label in (label_a, label_b):
        found = {(a, e): n for a, e, n in ab_runs.side_scopes(conn, by, label)}
        if not found:
            raise InputError(f"unknown {by} {label!r}: no warm runs were recorded on it")
        scopes.append(found)
    if app and environment:
        scope = (app, environment)
    else:
        shared = [s for s in scopes[0] if s in scopes[1]]
        if not shared:
            raise InputError(f"{by}es {label_a!r} and {label_b!r} were not recorded in the same "
                             "app and environment; choose one with --app and --env"
                             if by == "branch" else
                             f"versions {label_a!r} and {label_b!r} were not recorded in the "
                             "same app and environment; choose one with --app and --env")
        scope = max(shared, key=lambda s: (min(scopes[0][s], scopes[1][s]), s))
    sides = []
    for label in (label_a, label_b):
        runs, values = ab_runs.side_values(conn, by, label, *scope)
        if not runs:
            raise InputError(f"{by} {label!r} has no warm runs in {scope[0]} / {scope[1]}")
        sides.append(({"ref": label, "by": by, "label": label,
                       "commit": None, "branch": label if by == "branch" else None,
                       "app_version": label if by == "version" else None,
                       "snapshots": runs, "metrics": len(values),
                       "commits": ab_runs.side_commits(conn, by, label, *scope)}, values))
    return scope, sides[0], sides[1]


def _test(metrics: list[dict], values_a: dict, values_b: dict, alpha: float) -> None:
    """Mann-Whitney U per metric with enough runs on both sides; Holm across them."""
    raw = []
    for m in metrics:
        a, b = values_a.get(m["metric_id"]) or [], values_b.get(m["metric_id"]) or []
        if len(a) >= MIN_RUNS and len(b) >= MIN_RUNS:
            m["u"], p = mann_whitney_u(a, b)
            raw.append(p)
        else:
            m["u"] = None
            raw.append(None)
        m["p_value"] = raw[-1]
    for m, p in zip(metrics, holm(raw)):
        m["p_adjusted"] = p
        m["significant"] = p is not None and p < alpha
        m["verdict"] = _verdict(m)


def _verdict(m: dict) -> str:
    if m["p_adjusted"] is None:
        return "too few runs"
    if not m["significant"]:
        return "no significant difference"
    higher = m["median_b"] > m["median_a"] if m["median_b"] != m["median_a"] \
        else (m["u"] or 0) > m["runs_a"] * m["runs_b"] / 2
    worse = higher == (m["direction"] == "lower")
    if m["unit"] in TIME_UNITS and m["direction"] == "lower":
        return "slower" if worse else "faster"
    return "worse" if worse else "better"


def overall_verdict(metrics: list[dict]) -> str:
    """One line: "B is slower (2 metrics)", "B is faster ...", "no significant difference"."""
    worse = [m for m in metrics if m.get("verdict") in ("slower", "worse")]
    better = [m for m in metrics if m.get("verdict") in ("faster", "better")]
    tested = [m for m in metrics if m.get("p_adjusted") is not None]
    if not tested:
        return "too few runs to test (at least 3 on each side)"
    if worse and better:
        return f"B is mixed: {len(worse)} metrics worse, {len(better)} better"
    if worse:
        word = "slower" if any(m["verdict"] == "slower" for m in worse) else "worse"
        return f"B is {word} ({_count(worse)} significantly)"
    if better:
        word = "faster" if any(m["verdict"] == "faster" for m in better) else "better"
        return f"B is {word} ({_count(better)} significantly)"
    return f"no significant difference ({_count(tested)} tested)"


def _count(metrics: list[dict]) -> str:
    return f"{len(metrics)} metric{'s' if len(metrics) != 1 else ''}"


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
    label = ref["commit"][:8] + (f" ({ref['branch']})" if ref["branch"] else "")
    return {"ref": ref["ref"], "by": "commit", "label": label, "commit": ref["commit"],
            "branch": ref["branch"], "app_version": ref["app_version"], "snapshots": runs,
            "metrics": len(values), "commits": 1}


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
        if x["commit"] is None:   # a branch or an app version: every run of it
            return (f"{x['by']} {md_code(x['label'])} — {md(x['snapshots'])} runs on "
                    f"{md(x['commits'])} commits")
        branch = f" ({md(x['branch'])})" if x["branch"] else ""
        return f"{md_code(x['commit'][:8])}{branch} — {md(x['snapshots'])} runs"

    a, b = data["a"], data["b"]
    tested = "test" in data        # a document from before the test existed has no column
    lines = ["## Performance comparison", "",
             f"**Baseline (A):** {side(a)}",
             f"**Compared (B):** {side(b)}",
             f"**Scope:** {md(data['scope']['app'])} / {md(data['scope']['environment'])}", "",
             "| Metric | A | B | Change | Status |" + (" B vs A |" if tested else ""),
             "|---|---:|---:|---:|---|" + ("---|" if tested else "")]
    for m in data["metrics"]:
        test = f" {md(significance_text(m))} |" if tested else ""
        lines.append(f"| {md(m['name'])} | {md(format_value(m['median_a'], m['unit']))} | "
                     f"{md(format_value(m['median_b'], m['unit']))} | "
                     f"{md(format_percent(m['change_percent']))} | "
                     f"{md(STATUS_LABEL[m['status']])} |{test}")
    s = data["summary"]
    lines += ["", f"{s['improved']} improved, {s['unchanged']} unchanged, {s['warning']} "
              f"within threshold, {s['regressed']} regressed (threshold "
              f"{data['threshold']:g}%)"]
    if tested:
        lines.append(f"**{md(data['verdict'])}** ({md(data['test'])}, α {md(data['alpha'])})")
    return "\n".join([*lines, ""])


def significance_text(m: dict) -> str:
    """`slower p=0.003`, `n.s. p=0.41`, `too few runs`: one metric's test, in a cell."""
    if m["p_adjusted"] is None:
        return "too few runs"
    p = m["p_adjusted"]
    shown = "p<0.001" if p < 0.001 else f"p={p:.3f}" if p < 0.1 else f"p={p:.2f}"
    word = "n.s." if m["verdict"] == "no significant difference" else m["verdict"]
    return f"{word} {shown}"


def _branch(side: dict) -> str:
    return f" ({side['branch']})" if side["branch"] else ""
