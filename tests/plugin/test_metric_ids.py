"""The plugin's metrics are the importers' metrics: a test's id is the one `perftui import
--format junit` gives its JUnit test case, a benchmark's the one `--format pytest-benchmark`
gives it, so an imported history continues. In process, on `build_batch`."""

from __future__ import annotations

import json
from pathlib import Path

from perftui.core.importers import read_file
from perftui.pytest_plugin.record import SESSION_METRIC, build_batch

LONG = ("tests/integration/very/deeply/nested/package/test_module_with_a_long_name.py::"
        "TestSomething::test_case[a-very-long-parameter-id-0123456789-abcdefghij]")


def _junit(tmp_path: Path, cases: list[tuple[str, str, float]]) -> Path:
    rows = "".join(f'<testcase classname="{c}" name="{n}" time="{t}"/>' for c, n, t in cases)
    path = tmp_path / "junit.xml"
    path.write_text(f'<testsuites><testsuite name="pytest" timestamp="2026-12-01T10:00:00+00:00">'
                    f"{rows}</testsuite></testsuites>")
    return path


def test_test_ids_are_the_junit_importers(tmp_path):
    nodes = {"tests/test_a.py::test_x[1-2]": 0.012, "tests/test_a.py::TestK::test_y": 0.3,
             LONG: 0.05}
    batch, notes = build_batch(nodes, {}, 5.0, 1.5)
    imported = read_file(_junit(tmp_path, [
        ("tests.test_a", "test_x[1-2]", 0.012), ("tests.test_a.TestK", "test_y", 0.3),
        ("tests.integration.very.deeply.nested.package.test_module_with_a_long_name."
         "TestSomething", "test_case[a-very-long-parameter-id-0123456789-abcdefghij]", 0.05),
    ]), "junit", {})
    mine = set(batch.snapshots[0].metrics) - {SESSION_METRIC}
    assert mine == set(imported.snapshots[0].metrics)
    for metric_id in mine:
        assert len(metric_id) <= 80
        assert batch.hints[metric_id].name == imported.hints[metric_id].name  # the node id
    assert notes == ["perftui: 3 test(s) and the session's wall time"]


def test_long_parametrised_ids_stay_short_stable_and_distinct():
    nodes = {LONG.replace("0123456789", str(i) * 10): 0.05 for i in range(5)}
    first, _ = build_batch(nodes, {}, 5.0, None)
    again, _ = build_batch(nodes, {}, 5.0, None)
    ids = list(first.snapshots[0].metrics)
    assert ids == list(again.snapshots[0].metrics)          # stable from run to run
    assert len(set(ids)) == 5 and all(len(i) <= 80 for i in ids)
    assert {first.hints[i].name for i in ids} == set(nodes)  # full node id as the name


def test_benchmark_ids_are_the_pytest_benchmark_importers(tmp_path):
    bench = {"fullname": "tests/test_b.py::test_sort[big]", "group": "sorting",
             "stats": {"median": 0.0021}}
    batch, _ = build_batch({"tests/test_a.py::test_x": 0.05},
                           {bench["fullname"]: bench}, 5.0, None)
    document = {"machine_info": {"node": "h"}, "commit_info": {},
                "datetime": "2026-12-01T10:00:00+00:00",
                "benchmarks": [dict(bench, name="test_sort[big]")]}
    path = tmp_path / "bench.json"
    path.write_text(json.dumps(document))
    imported = read_file(path, "pytest-benchmark", {})
    (metric_id,) = imported.snapshots[0].metrics
    assert batch.snapshots[0].metrics[metric_id] == 0.0021
    assert vars(batch.hints[metric_id]) == vars(imported.hints[metric_id])


def test_short_tests_clashes_and_private_names_are_left_out_with_a_note():
    nodes = {"tests/t.py::test_a[x y]": 0.05, "tests/t.py::test_a[x-y]": 0.05,
             "tests/t.py::test_a[x_y]": 0.05, "tests/t.py::test_quick": 0.001,
             "tests/t.py::test_user@example.com": 0.05}
    batch, notes = build_batch(nodes, {}, 5.0, None)
    assert list(batch.snapshots[0].metrics) == ["tests/t.py::test_a_x_y", "tests/t.py::test_a_x-y"]
    assert notes[0] == "perftui: 2 test(s) (1 test(s) under 5 ms left out)"
    assert any("private" in n for n in notes), notes
    assert any("left out 1 test(s) whose metric id another test already has" in n
               for n in notes), notes


def test_plugin_stands_where_a_face_stands():
    """The plugin is a face (DESIGN.md's layers): it records through the recorder's public
    tracker and calls `perftui.core`; it never opens the store itself nor reaches below."""
    from tests.test_architecture import PACKAGE, imports

    never = ("perftui.store", "perftui.analysis", "perftui.cli", "perftui.tui", "sqlite3",
             "peewee", "textual", "numpy", "psutil", "plotext")
    wrong = [f"{path.name} imports {name}"
             for path in sorted((PACKAGE / "pytest_plugin").glob("*.py"))
             for name in sorted(imports(path))
             if any(name == n or name.startswith(n + ".") for n in never)]
    assert not wrong, wrong
