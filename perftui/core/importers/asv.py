"""airspeed velocity (asv) results: a result file, a machine directory or a whole results tree.

Each result file (schema version 2, older dict form tolerated) is one run of one environment
on one machine for one commit: one snapshot at the commit's date (asv orders history by commit
date), in environment `env_name`, on host `params.machine`. Each benchmark value becomes a
metric; a parameterised benchmark gives one metric per parameter combination, named
`benchmark(p1, p2)`. Units come from `benchmarks.json` next to the machine directories
(`time` benchmarks are seconds and are stored in a readable unit); the project name from
`asv.conf.json` above the results directory is the app. Failed benchmarks (null) are skipped.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

from perftui.core.importers import model as m

_SKIP = {"machine.json", "benchmarks.json"}


def looks_like(document: Any) -> bool:
    return isinstance(document, dict) and "results" in document and (
        "commit_hash" in document or "result_columns" in document)


def looks_like_dir(path: Path) -> bool:
    return path.is_dir() and (any(path.glob("*/machine.json")) or (path / "machine.json").exists())


def read(path: Path, defaults: dict) -> m.ImportBatch:
    files, root = _result_files(path)
    if not files:
        raise m.ImportFileError(f"{path}: no asv result files found")
    benchmarks = _optional_json(root / "benchmarks.json") if root else {}
    config = _optional_json(root.parent / "asv.conf.json") if root else {}
    branches = config.get("branches") if isinstance(config, dict) else None
    conf = root.parent / "asv.conf.json" if root else path
    context = {
        "app": defaults.get("app") or (m.text(config.get("project"), f"{conf}: project")
                                       if isinstance(config, dict) else None) or "default",
        "branch": (m.text(branches[0], f"{conf}: branches[0]")
                   if isinstance(branches, list) and len(branches) == 1 else None)
        or defaults.get("git_branch"),
    }
    batch = m.ImportBatch("asv")
    for file in files:
        batch.snapshots.append(_result_file(file, benchmarks, context, defaults, batch))
    return m.apply_privacy(batch)


def _result_files(path: Path) -> tuple[list[Path], Path | None]:
    if path.is_file():
        root = path.parent.parent if (path.parent / "machine.json").exists() else path.parent
        return [path], root
    if not path.is_dir():
        raise m.ImportFileError(f"no such file or directory: {path}")
    if (path / "machine.json").exists():
        return sorted(p for p in path.glob("*.json") if p.name not in _SKIP), path.parent
    files = sorted(p for p in path.glob("*/*.json") if p.name not in _SKIP)
    return files, path


def _optional_json(path: Path) -> Any:
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}


def _result_file(file: Path, benchmarks: dict, context: dict, defaults: dict,
                 batch: m.ImportBatch) -> m.ImportedSnapshot:
    document = m.load_json(file)
    if not looks_like(document):
        raise m.ImportFileError(f"{file}: not an asv result file (no commit_hash and results)")
    columns = document.get("result_columns") or ["result", "params"]
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        raise m.ImportFileError(f"{file}: result_columns must be a list of names")
    results = document["results"]
    if not isinstance(results, dict):
        raise m.ImportFileError(f"{file}: results must be an object")
    values: dict[str, float] = {}
    for name, entry in results.items():
        for label, value in _values(name, entry, columns, f"{file}: results[{name!r}]"):
            hint = _hint(label, name, benchmarks.get(name) if isinstance(benchmarks, dict) else None)
            batch.hints.setdefault(hint.id, hint)
            values[hint.id] = value
    params = document.get("params") if isinstance(document.get("params"), dict) else {}
    when = document.get("date")
    if when is None:
        raise m.ImportFileError(f"{file}: no 'date' for the commit")
    fields = {
        "recorded_at": m.timestamp(when, f"{file}: date"),
        "app": context["app"],
        "environment": defaults.get("environment") or m.text(document.get("env_name"),
                                                             f"{file}: env_name") or "local",
        "host": m.text(params.get("machine"), f"{file}: params.machine"),
        "git_commit": m.text(document.get("commit_hash"), f"{file}: commit_hash")
        or defaults.get("git_commit"),
        "git_branch": context["branch"],
        "python_version": m.text(document.get("python") or params.get("python"), f"{file}: python"),
        "is_cold_start": False, "status": "ok",
    }
    return m.ImportedSnapshot(fields, values)


def _values(name: str, entry: Any, columns: list, where: str) -> list[tuple[str, float]]:
    if isinstance(entry, list):
        row = dict(zip(columns, entry))
        result, params = row.get("result"), row.get("params") or []
    elif isinstance(entry, dict):
        result, params = entry.get("result"), entry.get("params") or []
    else:
        result, params = [entry], []
    if result is None:
        return []
    if not isinstance(result, list):
        result = [result]
    if not isinstance(params, list) or not all(isinstance(p, list) for p in params):
        raise m.ImportFileError(f"{where}: params must be a list of lists of parameter values")
    size = 1
    for values in params:
        size *= len(values)
    if params and size != len(result):
        raise m.ImportFileError(f"{where}: {len(result)} results for {size} parameter "
                                "combinations")
    for values in params:
        for value in values:
            if value is not None:
                m.text(value, f"{where}: params", 100_000)   # text or a number, not nested
    combos = [", ".join(str(p) for p in c) for c in itertools.product(*params)] if params else [""]
    out = []
    for combo, value in zip(combos, result):
        if value is None or (isinstance(value, float) and value != value):
            continue  # a failed or skipped benchmark
        out.append((f"{name}({combo})" if combo else name, m.number(value, where)))
    return out


def _hint(label: str, name: str, info: Any) -> m.MetricHint:
    kind = info.get("type") if isinstance(info, dict) else None
    unit = info.get("unit") if isinstance(info, dict) else None
    short = name.rsplit(".", 1)[-1]
    kind = kind or ("time" if short.startswith("time_") else
                    "memory" if short.startswith(("mem_", "peakmem_")) else "track")
    if kind == "time" or unit == "seconds":
        return m.MetricHint(m.metric_slug(label), label[:200], "s", "lower",
                            "asv time benchmark", "asv", rescale=True)
    if kind in ("memory", "peakmemory") or unit == "bytes":
        return m.MetricHint(m.metric_slug(label), label[:200], "bytes", "lower",
                            "asv memory benchmark", "asv")
    return m.MetricHint(m.metric_slug(label), label[:200], str(unit or "")[:20], "lower",
                        "asv tracked value", "asv")
