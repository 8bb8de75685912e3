"""pytest-codspeed's local results (`pytest --codspeed`, walltime): `.codspeed/results_<ms>.json`.

Source of truth: pytest-codspeed 5.0.4, `plugin.py` (pytest_sessionfinish writes
`{**get_environment_metadata(), **instrument.get_result_dict()}` to
`<rootdir>/.codspeed/results_{time() * 1000:.0f}.json`, or `<profile>/results/<pid>.json` under
the CodSpeed runner), `utils.py` (`creator` = {name, version, pid}; `python` = {sysconfig,
dependencies}) and `instruments/walltime.py` (`instrument` = {type: "walltime", clock_info};
`benchmarks` = [{name, uri, config, stats}] with `stats` = {min_ns, max_ns, mean_ns, stdev_ns,
q1_ns, median_ns, q3_ns, rounds, total_time, iqr_outlier_rounds, stdev_outlier_rounds,
iter_per_round, warmup_iters}, every *_ns a time per iteration in nanoseconds).

One file is one run: one snapshot whose metrics are the benchmarks, each `stats.median_ns`
(the median time per iteration over the rounds, as pytest-benchmark's importer keeps the
median), stored in a readable time unit like every imported time. The metric id is made from
`uri` (the pytest node id relative to the git root, `tests/test_x.py::test_parse[small]`) the
way pytest-benchmark's importer makes it from `fullname` (the node id relative to pytest's
rootdir): the same test gets the same id whenever the two roots are one directory. The run's
time is the milliseconds in the file's name; a file named otherwise (the runner's
`<pid>.json`) takes the file's modification time, with a note. The CPU-simulation mode writes
no benchmarks (the runner uploads them): such a file is refused, saying so.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from perftui.core.importers import model as m

_NAME_TIME = re.compile(r"results_(\d{10,16})\.json\Z")


def looks_like(document: Any) -> bool:
    """A pytest-codspeed results object: `instrument` and a `creator` named pytest-codspeed
    (read before the `benchmarks` list when streamed)."""
    if not isinstance(document, dict):
        return False
    creator, instrument = document.get("creator"), document.get("instrument")
    return (isinstance(creator, dict) and creator.get("name") == "pytest-codspeed") or (
        isinstance(instrument, dict) and "type" in instrument
        and isinstance(document.get("benchmarks"), list) and "machine_info" not in document)


def read(path: Path, defaults: dict, document: Any = None) -> m.ImportBatch:
    document = m.load_json(path) if document is None else document
    if not looks_like(document):
        raise m.ImportFileError(f"{path}: not a pytest-codspeed results file (expected "
                                "'creator' and 'instrument' at the top)")
    instrument = document["instrument"] if isinstance(document.get("instrument"), dict) else {}
    benchmarks = document.get("benchmarks")
    if benchmarks is None and instrument.get("type") not in (None, "walltime"):
        raise m.ImportFileError(f"{path}: pytest-codspeed ran in {instrument.get('type')!r} "
                                "mode, which writes no results here (the CodSpeed runner "
                                "uploads them); only walltime results import")
    if not isinstance(benchmarks, list):
        raise m.ImportFileError(f"{path}: 'benchmarks' must be a list")
    if not benchmarks:
        raise m.ImportFileError(f"{path}: the file holds no benchmarks")
    batch = m.ImportBatch("pytest-codspeed")
    values: dict[str, float] = {}
    for i, bench in enumerate(benchmarks):
        where = f"{path}: benchmarks[{i}]"
        hint, seconds = _benchmark(bench, where)
        if hint.id in values:
            raise m.ImportFileError(f"{where}: benchmark {hint.name!r} appears twice")
        values[hint.id] = seconds
        batch.hints[hint.id] = hint
    fields = {
        "recorded_at": _run_time(path, batch),
        "app": defaults.get("app") or "default",
        "environment": defaults.get("environment") or "local",
        "git_commit": defaults.get("git_commit"), "git_branch": defaults.get("git_branch"),
        "python_version": _python_version(document, path),
        "is_cold_start": False, "status": "ok",
    }
    batch.snapshots.append(m.ImportedSnapshot(fields, values))
    return m.apply_privacy(batch)


def _run_time(path: Path, batch: m.ImportBatch) -> str:
    found = _NAME_TIME.search(path.name)
    if found:
        return m.timestamp(int(found.group(1)), f"{path}: the time in the file's name")
    try:
        mtime = path.stat().st_mtime
    except OSError as exc:
        raise m.ImportFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    batch.notes.append(f"{path.name}: the run time is the file's modification time (the name "
                       "is not results_<milliseconds>.json)")
    return m.timestamp(mtime, f"{path}: modification time")


def _python_version(document: dict, path: Path) -> str | None:
    python = document.get("python")
    sysconfig = python.get("sysconfig") if isinstance(python, dict) else None
    if not isinstance(sysconfig, dict):
        return None
    return m.text(sysconfig.get("py_version"), f"{path}: python.sysconfig.py_version")


def _benchmark(bench: Any, where: str) -> tuple[m.MetricHint, float]:
    if not isinstance(bench, dict):
        raise m.ImportFileError(f"{where}: expected an object")
    name = bench.get("uri") or bench.get("name")
    if not isinstance(name, str) or not name.strip():
        raise m.ImportFileError(f"{where}: the benchmark has no uri or name")
    m.check_controls(name, f"{where}: uri")
    stats = bench.get("stats")
    if not isinstance(stats, dict):
        raise m.ImportFileError(f"{where} ({name}): stats are missing")
    nanoseconds = m.number(stats.get("median_ns"), f"{where} ({name}): stats.median_ns")
    if nanoseconds < 0:
        raise m.ImportFileError(f"{where} ({name}): stats.median_ns is negative")
    hint = m.MetricHint(m.metric_slug(name), name[:200], "s", "lower",
                        "pytest-codspeed (walltime) median time per iteration",
                        "pytest-codspeed", rescale=True)
    return hint, nanoseconds * 1e-9
