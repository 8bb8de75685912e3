"""github-action-benchmark's `data.js` (`window.BENCHMARK_DATA = {...}`) or its plain JSON.

`entries[suite]` lists runs `{commit: {id, timestamp, ...}, date, tool, benches: [{name,
value, unit, range?, extra?}]}`. Each run of each suite becomes a snapshot (recorded at `date`,
on `commit.id`) in environment `ci` of the app named after the repository. Each bench becomes
the metric `suite/name`. Throughput units (`ops/sec`, `iter/sec`, `ops/s`, ...) are
bigger-is-better; plain time units (`ns`, `us`, `ms`, `s`, which Catch2 switches between from
run to run) are converted so a metric keeps one unit; other units are kept as they are, only
their first word (Go appends extra metrics to the unit text).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from perftui.core.importers import model as m

PREFIX = "window.BENCHMARK_DATA"
_THROUGHPUT = re.compile(r"^(ops|op|iter|iters|it|runs|calls|req|requests|items|B)"
                         r"/(s|sec|second|ms|us|ns|min)$", re.IGNORECASE)


def looks_like_text(text: str) -> bool:
    return text.lstrip().startswith(PREFIX)


def looks_like(document: Any) -> bool:
    return isinstance(document, dict) and isinstance(document.get("entries"), dict)


def parse_text(path: Path, text: str) -> Any:
    body = text.strip()
    if body.startswith(PREFIX):
        start = body.find("{")
        if start < 0:
            raise m.ImportFileError(f"{path}: nothing after {PREFIX} =")
        body = body[start:].rstrip().rstrip(";")
    return m.parse_json(path, body)


def read(path: Path, defaults: dict, document: Any = None) -> m.ImportBatch:
    if document is None:
        document = parse_text(path, m.read_text(path))
    if not looks_like(document):
        raise m.ImportFileError(f"{path}: not github-action-benchmark data (no 'entries')")
    repo = str(document.get("repoUrl") or "").rstrip("/").rsplit("/", 1)[-1]
    app = defaults.get("app") or (repo if m.valid_metric_name(repo) else None) or "default"
    batch = m.ImportBatch("github-action-benchmark")
    for suite, runs in document["entries"].items():
        if not isinstance(runs, list):
            raise m.ImportFileError(f"{path}: entries[{suite!r}] must be a list of runs")
        for i, run in enumerate(runs):
            batch.snapshots.append(_run(run, suite, app, defaults, batch,
                                        f"{path}: entries[{suite!r}][{i}]"))
    if not batch.snapshots:
        raise m.ImportFileError(f"{path}: the file holds no benchmark runs")
    return m.apply_privacy(batch)


def _run(run: Any, suite: str, app: str, defaults: dict, batch: m.ImportBatch,
         where: str) -> m.ImportedSnapshot:
    if not isinstance(run, dict) or not isinstance(run.get("benches"), list):
        raise m.ImportFileError(f"{where}: expected a run with a 'benches' list")
    commit = run.get("commit") if isinstance(run.get("commit"), dict) else {}
    when = run.get("date") if run.get("date") is not None else commit.get("timestamp")
    if when is None:
        raise m.ImportFileError(f"{where}: the run has no date")
    values: dict[str, float] = {}
    for j, bench in enumerate(run["benches"]):
        metric_id, hint, value = _bench(bench, suite, f"{where}.benches[{j}]")
        if metric_id in values:
            metric_id = m.metric_slug(f"{hint.name} #2")
            hint = m.MetricHint(metric_id, f"{hint.name} #2", hint.unit, hint.direction,
                                hint.description, hint.source, hint.rescale)
        existing = batch.hints.get(metric_id)
        if existing is not None and not existing.rescale and existing.unit != hint.unit:
            raise m.ImportFileError(f"{where}: {hint.name!r} changes unit from "
                                    f"{existing.unit!r} to {hint.unit!r}")
        batch.hints.setdefault(metric_id, hint)
        values[metric_id] = value
    fields = {
        "recorded_at": m.timestamp(when, f"{where}.date"),
        "app": app, "environment": defaults.get("environment") or "ci",
        "git_commit": m.text(commit.get("id"), f"{where}.commit.id") or defaults.get("git_commit"),
        "git_branch": defaults.get("git_branch"),
        "is_cold_start": False, "status": "ok",
    }
    return m.ImportedSnapshot(fields, values)


def _bench(bench: Any, suite: str, where: str) -> tuple[str, m.MetricHint, float]:
    if not isinstance(bench, dict) or not isinstance(bench.get("name"), str):
        raise m.ImportFileError(f"{where}: expected a bench with a name")
    name = f"{suite}/{bench['name']}"
    value = m.number(bench.get("value"), f"{where} ({bench['name']}).value")
    raw_unit = str(bench.get("unit") or "").split()
    unit = raw_unit[0][:20] if raw_unit else ""
    source = f"github-action-benchmark ({suite})"
    if m.is_time_unit(unit):
        seconds = value * {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0}[unit]
        hint = m.MetricHint(m.metric_slug(name), name[:200], "s", "lower", "benchmark time",
                            source, rescale=True)
        return hint.id, hint, seconds
    direction = "higher" if _THROUGHPUT.match(unit) else "lower"
    hint = m.MetricHint(m.metric_slug(name), name[:200], unit, direction,
                        f"benchmark value in {unit}" if unit else "benchmark value", source)
    return hint.id, hint, value
