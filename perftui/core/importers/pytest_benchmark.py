"""pytest-benchmark JSON (`pytest --benchmark-json=FILE` or `--benchmark-autosave`).

One file is one run: one snapshot whose metrics are the benchmarks, each the median time of
its rounds (robust against the odd slow round), under an id made from the benchmark's full
name. Times are in seconds in the file; the store keeps each metric in a readable unit (ns,
us, ms or s, chosen once). Both schemas seen in the wild import: 3.x (with `ops`, `cpu`
machine info and a `stats.data` list that may be trimmed with a trailing text marker) and 2.x
(`commit_info` = {id, dirty}). `stats.data` is never read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from perftui.core.importers import model as m


def looks_like(document: Any) -> bool:
    return (isinstance(document, dict) and isinstance(document.get("benchmarks"), list)
            and ("machine_info" in document or "commit_info" in document))


def read(path: Path, defaults: dict, document: Any = None) -> m.ImportBatch:
    document = m.load_json(path) if document is None else document
    if not looks_like(document):
        raise m.ImportFileError(f"{path}: not a pytest-benchmark file (expected 'benchmarks' "
                                "and 'machine_info' at the top)")
    benchmarks = document["benchmarks"]
    if not benchmarks:
        raise m.ImportFileError(f"{path}: the file holds no benchmarks")
    commit = document.get("commit_info") or {}
    machine = document.get("machine_info") or {}
    if not isinstance(commit, dict) or not isinstance(machine, dict):
        raise m.ImportFileError(f"{path}: commit_info and machine_info must be objects")
    when = document.get("datetime") or commit.get("time")
    if when is None:
        raise m.ImportFileError(f"{path}: no 'datetime' saying when the benchmarks ran")
    batch = m.ImportBatch("pytest-benchmark")
    values: dict[str, float] = {}
    for i, bench in enumerate(benchmarks):
        where = f"{path}: benchmarks[{i}]"
        metric_id, hint, seconds = benchmark_metric(bench, where)
        if metric_id in values:
            raise m.ImportFileError(f"{where}: benchmark {hint.name!r} appears twice")
        values[metric_id] = seconds
        batch.hints[metric_id] = hint
    fields = {
        "recorded_at": m.timestamp(when, f"{path}: datetime"),
        "app": defaults.get("app") or m.text(commit.get("project"), f"{path}: project") or "default",
        "environment": defaults.get("environment") or "local",
        "host": m.text(machine.get("node"), f"{path}: machine_info.node"),
        # --commit / --branch only fill in what the file does not say
        "git_commit": _known(m.text(commit.get("id"), f"{path}: commit_info.id"))
        or defaults.get("git_commit"),
        "git_branch": _known(m.text(commit.get("branch"), f"{path}: commit_info.branch"))
        or defaults.get("git_branch"),
        "python_version": m.text(machine.get("python_version"), f"{path}: python_version"),
        "platform": (m.text(machine.get("system"), f"{path}: system") or "").lower() or None,
        "is_cold_start": False, "status": "ok",
    }
    batch.snapshots.append(m.ImportedSnapshot(fields, values))
    return m.apply_privacy(batch)


# what pytest-benchmark writes when it could not tell (no git, a detached HEAD, ...)
# ("(unknown)", "unversioned", "(detached)"; compared without brackets, in lower case)
_PLACEHOLDERS = {"", "unversioned", "unknown", "none", "null", "n/a", "detached", "no branch",
                 "head"}


def _known(value: str | None) -> str | None:
    """A commit id or branch name, or None for a placeholder that says nothing."""
    if value is None or value.strip("()<> ").lower() in _PLACEHOLDERS:
        return None
    return value


def benchmark_metric(bench: Any, where: str) -> tuple[str, m.MetricHint, float]:
    """(metric id, hint, seconds) of one benchmark object as pytest-benchmark writes it
    (`fullname` or `name`, `group`, `stats.median` or `stats.mean`); the pytest plugin
    records its benchmarks through this too, so both give a benchmark the same metric."""
    if not isinstance(bench, dict):
        raise m.ImportFileError(f"{where}: expected an object")
    name = bench.get("fullname") or bench.get("name")
    if not isinstance(name, str) or not name.strip():
        raise m.ImportFileError(f"{where}: the benchmark has no name")
    stats = bench.get("stats")
    if not isinstance(stats, dict):
        raise m.ImportFileError(f"{where} ({name}): stats are missing")
    key = "median" if "median" in stats else "mean"
    seconds = m.number(stats.get(key), f"{where} ({name}): stats.{key}")
    if seconds < 0:
        raise m.ImportFileError(f"{where} ({name}): stats.{key} is negative")
    group = bench.get("group")
    description = "pytest-benchmark median time per round" + (f", group {group}" if group else "")
    hint = m.MetricHint(m.metric_slug(name), name[:200], "s", "lower", description,
                        "pytest-benchmark", rescale=True)
    return hint.id, hint, seconds
