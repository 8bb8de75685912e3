"""The CI gate: judge a results file against the baseline recorded on a branch.

    result = check(store, Path("results.json"), baseline_branch="main", threshold=10,
                   fail_on="critical")
    result["passed"], result["markdown"]

The file is a perftui JSON or a pytest-benchmark JSON (any format `perftui import` reads
works); several runs in it are reduced to their median per metric. Each metric's baseline is
the median of the last `window` warm runs recorded on the branch in the scope; the change is
judged by `perftui.analysis.verdicts` (warning within the threshold, error beyond it, critical
beyond it and outside the baseline's noise). The check fails when any metric reaches
`fail_on`. Nothing is written to the store.

Shape: {passed, fail_on, threshold, baseline_branch, baseline{commit, recorded_at,
app_version} | None, scope{app, environment}, current{file, format, commit, branch, runs},
metrics[{metric_id, name, unit, direction, current, baseline_median, baseline_runs,
change_percent, worse_by_percent, status, level}], summary{improved, unchanged, warning,
error, critical, new}, notes[...], markdown}
"""

from __future__ import annotations

import statistics
from pathlib import Path

from perftui.analysis import verdicts
from perftui.analysis.baseline import compute_baseline
from perftui.analysis.types import DEFAULT_CONFIG
from perftui.core.importers import read_file
from perftui.core.importing import harmonise_units
from perftui.core.markdown import md, md_code
from perftui.errors import InputError
from perftui.recorder.context import git_info
from perftui.store import reports
from perftui.store.engine import Database
from perftui.store.metrics import load_catalog

FAIL_LEVELS = verdicts.CHECK_LEVELS
LABEL = {"improved": "✅ Improved", "unchanged": "➖ Unchanged", "warning": "⚠️ Warning",
         "error": "❌ Regression", "critical": "🚨 Critical regression", "new": "🆕 New"}


def check(store: Database, current: Path, *, baseline_branch: str = "main",
          threshold: float = 10.0, fail_on: str = "critical", app: str | None = None,
          environment: str | None = None, window: int = DEFAULT_CONFIG.window,
          fmt: str = "auto") -> dict:
    if fail_on not in FAIL_LEVELS:
        raise InputError(f"--fail-on must be one of {', '.join(FAIL_LEVELS)}, got {fail_on!r}")
    if not threshold > 0:
        raise InputError(f"--threshold must be above 0, got {threshold}")
    batch = read_file(current, fmt, {"app": app, "environment": environment})
    warm = [s for s in batch.snapshots
            if s.fields.get("status", "ok") == "ok" and not s.fields.get("is_cold_start")]
    if not warm:
        raise InputError(f"{current}: no successful warm runs to check")
    conn = store
    catalog = load_catalog(conn)
    harmonise_units(batch, catalog)
    notes: list[str] = []
    scope = _scope(conn, warm[0].fields, baseline_branch, app, environment, notes)
    values: dict[str, list[float]] = {}
    for snap in warm:
        for name, value in snap.metrics.items():
            row = catalog.find(name)
            values.setdefault(row.code if row else name, []).append(value)
    history = reports.branch_history(conn, baseline_branch, *scope, sorted(values), window)
    if not history:
        known = reports.branches(conn, *scope)
        if known:  # runs on other branches but none on this one: a typo would disable the gate
            raise InputError(
                f"--baseline-branch {baseline_branch!r} has no runs in {scope[0]} / {scope[1]} "
                f"(branches with runs: {', '.join(known[:5])})")
        notes.append(f"no runs recorded on {baseline_branch} in {scope[0]} / {scope[1]} yet: "
                     "nothing to compare with, so nothing can fail")
    metrics = [_metric(code, catalog.find(code), batch.hints.get(code), vals, history.get(code),
                       threshold, window) for code, vals in sorted(values.items())]
    summary = {k: 0 for k in ("improved", "unchanged", "warning", "error", "critical", "new")}
    for m in metrics:
        summary[m["level"] if m["level"] != "ok" else m["status"]] += 1
    rank = verdicts.level_rank(fail_on)
    commit, branch = _current_commit(warm[0].fields)
    result = {
        "passed": not any(verdicts.level_rank(m["level"]) >= rank for m in metrics),
        "fail_on": fail_on, "threshold": threshold, "baseline_branch": baseline_branch,
        "baseline": reports.branch_head(conn, baseline_branch, *scope),
        "scope": {"app": scope[0], "environment": scope[1]},
        "current": {"file": str(current), "format": batch.source_format, "commit": commit,
                    "branch": branch, "runs": len(warm)},
        "metrics": metrics, "summary": summary, "notes": notes}
    result["markdown"] = render_markdown(result)
    return result


def _scope(conn, fields: dict, branch: str, app: str | None, environment: str | None,
           notes: list[str]) -> tuple[str, str]:
    scope = (app or fields["app"], environment or fields["environment"])
    candidates = reports.branch_scopes(conn, branch)
    if scope in candidates or app or environment:
        return scope
    if len(candidates) == 1:
        notes.append(f"the file names {scope[0]} / {scope[1]}, but {branch} was recorded only "
                     f"in {candidates[0][0]} / {candidates[0][1]}: compared with that")
        return candidates[0]
    return scope


def _current_commit(fields: dict) -> tuple[str | None, str | None]:
    commit, branch = fields.get("git_commit"), fields.get("git_branch")
    if commit and branch:
        return commit, branch
    repo_commit, repo_branch = git_info()
    return commit or repo_commit, branch or repo_branch


def _metric(code: str, row, hint, values: list[float], history: list[float] | None,
            threshold: float, window: int) -> dict:
    current = statistics.median(values)
    if row is None and hint is None:  # unknown to the store and the file: guess as the
        from perftui.store.catalog import guess_metric  # recorder would on first recording

        guess = guess_metric(code)
        direction, name, unit = guess["direction"], guess["name"], guess["unit"]
    else:
        direction = row.direction if row else hint.direction
        name = row.name if row else hint.name
        unit = row.unit if row else hint.unit
    out = {"metric_id": code, "name": name, "unit": unit, "direction": direction,
           "current": current, "baseline_median": None, "baseline_runs": 0,
           "change_percent": None, "worse_by_percent": None, "status": "new", "level": "ok"}
    base = compute_baseline(history, window, DEFAULT_CONFIG.outlier_k) if history else None
    if base is None:
        return out
    change = verdicts.change_percent(current, base.median)
    status = verdicts.classify(change, direction, threshold)
    significant = verdicts.outside_noise(current, base.median, base.spread, base.sample_size,
                                         direction)
    out.update(baseline_median=base.median, baseline_runs=base.sample_size,
               change_percent=change, worse_by_percent=verdicts.worse_by(change, direction),
               status=status, level=verdicts.check_level(status, significant))
    return out


def render_markdown(result: dict) -> str:
    """The PR comment (the original design's section 7.5 example, with the verdict)."""
    from perftui.fmt import format_percent, format_value

    current, base = result["current"], result["baseline"]
    lines = ["## Performance Report", ""]
    if current["branch"]:
        lines.append(f"**Branch:** {md_code(current['branch'])}  ")
    if current["commit"]:
        lines.append(f"**Commit:** {md_code(current['commit'][:7])}  ")
    base_commit = f" (commit: {md_code(base['commit'][:7])})" if base and base["commit"] else ""
    lines += [f"**Baseline:** {md_code(result['baseline_branch'])}{base_commit}, median of up "
              f"to the last 20 runs; threshold {result['threshold']:g}%", "", "### Results",
              "| Metric | Current | Baseline | Change | Status |",
              "|--------|---------|----------|--------|--------|"]
    for m in result["metrics"]:
        label = LABEL[m["level"]] if m["level"] != "ok" else LABEL[m["status"]]
        lines.append(f"| {md(m['name'])} | {md(format_value(m['current'], m['unit']))} | "
                     f"{md(format_value(m['baseline_median'], m['unit']))} | "
                     f"{md(format_percent(m['change_percent']))} | {md(label)} |")
    s = result["summary"]
    regressed = s["error"] + s["critical"]
    lines += ["", "### Summary",
              f"✅ **{s['improved']} {_metrics(s['improved'])} improved**  ",
              f"⚠️ **{s['warning']} {_metrics(s['warning'])} regressed** (within threshold)  ",
              f"❌ **{regressed} {_metrics(regressed)} regressed beyond the threshold**"
              f" ({s['critical']} critical)  "]
    if s["new"]:
        lines.append(f"🆕 {s['new']} {_metrics(s['new'])} without a baseline yet  ")
    lines += ["", f"**Overall:** {_overall(result)}"]
    lines += [f"> {md(note)}" for note in result["notes"]]
    return "\n".join(lines) + "\n"


def _metrics(n: int) -> str:
    return "metric" if n == 1 else "metrics"


def _overall(result: dict) -> str:
    s = result["summary"]
    if not result["passed"]:
        failing = [md(m["name"]) for m in result["metrics"]
                   if verdicts.level_rank(m["level"]) >= verdicts.level_rank(result["fail_on"])]
        return (f"❌ Failed: {', '.join(failing)} regressed at or above the "
                f"{md(result['fail_on'])} level.")
    if s["error"] or s["critical"] or s["warning"]:
        return "⚠️ Passed, with regressions below the failing level; worth a look."
    return "✅ Performance looks good!"
