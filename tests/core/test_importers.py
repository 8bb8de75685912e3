"""The importers on real files (tests/fixtures/importers) and on hand-made edge cases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from perftui.core.importers import ImportFileError, read_file
from perftui.core.importers.model import metric_slug
from perftui.core.importing import harmonise_units
from perftui.store.metrics import Catalog

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "importers"


def read(path, fmt="auto", **defaults):
    return read_file(Path(path), fmt, defaults)


def test_pytest_benchmark_3_with_trimmed_data():
    batch = read(FIXTURES / "pytest-benchmark/gab_pytest_several_units.json")
    assert batch.source_format == "pytest-benchmark"
    (snap,) = batch.snapshots
    assert snap.fields["git_commit"] == "b8e9e2af2493a1ee2f3fa758a9572cd9972e6db7"
    assert snap.fields["git_branch"] == "master" and snap.fields["host"] == "Corgi.local"
    assert snap.fields["recorded_at"].startswith("2019-12-06T08:58:58")
    assert snap.metrics["bench.py::test_sleep_2"] == pytest.approx(2.005124842999999)
    assert all(h.rescale and h.direction == "lower" for h in batch.hints.values())


def test_pytest_benchmark_2_schema():
    batch = read(FIXTURES / "pytest-benchmark/pytest-benchmark_0030_5b78858e_20150815_030419_"
                            "uncommitted-changes.json", app="lib", environment="ci")
    (snap,) = batch.snapshots
    assert (snap.fields["app"], snap.fields["environment"]) == ("lib", "ci")
    assert snap.fields["git_branch"] is None
    assert list(snap.metrics) == ["tests/test_normal.py::test_xfast_parametrized_0"]


def test_units_are_made_readable_and_kept_stable():
    batch = read(FIXTURES / "pytest-benchmark/gab_pytest_several_units.json")
    harmonise_units(batch, Catalog([]))
    units = {k: h.unit for k, h in batch.hints.items()}
    assert units == {"bench.py::test_fib_1": "ns", "bench.py::test_fib_10": "us",
                     "bench.py::test_fib_20": "ms", "bench.py::test_sleep_2": "s"}
    assert batch.snapshots[0].metrics["bench.py::test_sleep_2"] == pytest.approx(2.005, rel=1e-3)


def test_asv_results_tree():
    batch = read(FIXTURES / "asv/results")
    assert batch.source_format == "asv" and len(batch.snapshots) == 2
    commits = sorted(s.fields["git_commit"][:8] for s in batch.snapshots)
    assert commits == ["03988c5a", "4c4f8fd7"]
    snap = batch.snapshots[0]
    assert snap.fields["app"] == "Django" and snap.fields["environment"] == "conda-py3.12"
    assert snap.fields["git_branch"] == "main" and len(snap.metrics) == 66
    assert all(len(m) <= 80 for m in snap.metrics)


def test_asv_parameterised_and_failed(tmp_path):
    doc = {"commit_hash": "ab" * 20, "env_name": "py", "date": 1700000000000,
           "params": {"machine": "box"}, "version": 2,
           "result_columns": ["result", "params", "version"],
           "results": {"bench.time_sort": [[1.0, None, 3.0, 4.0], [["10", "100"], ["'a'", "'b'"]],
                                           "v"]}}
    path = tmp_path / "r.json"
    path.write_text(json.dumps(doc))
    (snap,) = read(path, "asv").snapshots
    assert snap.metrics == {"bench.time_sort_10_a": 1.0, "bench.time_sort_100_a": 3.0,
                            "bench.time_sort_100_b": 4.0}


def test_github_action_benchmark():
    batch = read(FIXTURES / "github-action-benchmark/data.js")
    assert batch.source_format == "github-action-benchmark"
    assert len(batch.snapshots) == 33
    hints = batch.hints
    py = [h for h in hints.values() if h.unit == "iter/sec"]
    js = [h for h in hints.values() if h.unit == "ops/sec"]
    assert py and js and all(h.direction == "higher" for h in py + js)
    catch2 = [h for h in hints.values() if "Catch2" in h.name]
    assert catch2 and all(h.rescale for h in catch2)      # ns / us switch between runs
    go = [h for h in hints.values() if h.name.startswith("Go Benchmark/")]
    assert all(" " not in h.unit for h in go)


def test_metric_slug():
    assert metric_slug("bench.py::test_fib[10]") == "bench.py::test_fib_10"
    long = "a.b." + "x" * 50 + ".c." + "y" * 40
    slug = metric_slug(long)
    assert len(slug) <= 80 and slug.endswith("y" * 40)
    assert len(metric_slug("z" * 200)) <= 80
    assert metric_slug("z" * 200) != metric_slug("z" * 199)


@pytest.mark.parametrize("content, fmt, message", [
    ('{"benchmarks": [], "machine_info": {}, "datetime": "2020-01-01"}', "auto", "no benchmarks"),
    ('{"benchmarks": [{"name": "t", "stats": {"median": "x"}}], "machine_info": {},'
     ' "datetime": "2020-01-01"}', "auto", "stats.median"),
    ('{"benchmarks": [{"name": "t", "stats": {"median": 1}}], "machine_info": {}}', "auto",
     "datetime"),
    ('window.BENCHMARK_DATA = {"entries": {"s": [{"date": 1, "benches": [{"name": "b", '
     '"value": "NaN", "unit": "ns"}]}]}}', "auto", "value"),
    ('{"snapshots": [{"recorded_at": "2026-01-01", "metrics": {"A": true}}]}', "auto", "number"),
    ('{"snapshots": [{"recorded_at": "2026-01-01", "metrics": {"A": 1}}]}', "csv", "recorded_at"),
])
def test_errors_name_the_problem(tmp_path, content, fmt, message):
    path = tmp_path / "f.txt"
    path.write_text(content)
    with pytest.raises(ImportFileError, match=message):
        read(path, fmt)


def test_the_readers_load_when_a_file_is_read_not_with_the_package():
    """The pytest plugin (in every session of a project that installs perftui) imports the
    importers' model; the eight readers wait until a file is read, and the package still gives
    them by name."""
    import subprocess
    import sys

    code = ("import sys, perftui.core.importers as p, perftui.core.importers.model\n"
            "loaded = sorted(m for m in sys.modules if m.startswith('perftui.core.importers.'))\n"
            "assert loaded == ['perftui.core.importers.model'], loaded\n"
            "assert p.asv.__name__ == 'perftui.core.importers.asv'\n"
            "from perftui.core.importers import junit\n"
            "print('ok')\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr
