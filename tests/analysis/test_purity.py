"""perftui.analysis stays pure and light: stdlib only, no I/O, no clock, no printing."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import perftui.analysis
from tests._ast import runtime_nodes

PACKAGE = Path(perftui.analysis.__file__).parent
# No dataclasses or typing either: they cost milliseconds of a host app's start-up.
# sys: the package's lazy __getattr__ looks loaded modules up there.
ALLOWED = {"__future__", "math", "bisect", "operator", "collections", "collections.abc", "sys",
           # the C modules behind bisect and operator (their .py wrappers cost ~0.5 ms to load)
           "_bisect", "_operator",
           # perftui's own leaf modules (no imports of their own): the one severity order and
           # the one number format
           "perftui.severity", "perftui.fmt"}
FORBIDDEN_CALLS = {"open", "print", "input", "exec", "eval"}


def modules():
    files = sorted(PACKAGE.glob("*.py"))
    assert len(files) >= 8
    return files


def test_only_the_standard_library_is_imported():
    for path in modules():
        for node in runtime_nodes(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:  # relative import inside the package
                    continue
                names = [node.module]
            else:
                continue
            for name in names:
                assert name in ALLOWED, f"{path.name} imports {name}"


def test_no_io_clock_or_printing():
    for path in modules():
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in FORBIDDEN_CALLS, f"{path.name} calls {node.func.id}()"


def test_modules_stay_small():
    for path in modules():
        assert len(path.read_text().splitlines()) <= 320, path.name


def test_importing_the_analysis_package_pulls_in_nothing_heavy():
    # import perftui.analysis on its own (a bare parent package, so the recorder's imports do not
    # count) in a fresh interpreter and list what it loaded
    code = (
        "import sys, types\n"
        f"pkg = types.ModuleType('perftui'); pkg.__path__ = [{str(PACKAGE.parent)!r}]\n"
        "sys.modules['perftui'] = pkg\n"
        "before = set(sys.modules)\n"
        "import perftui.analysis\n"
        "perftui.analysis.evaluate_metric, perftui.analysis.plan_alerts\n"
        "print(' '.join(sorted(set(sys.modules) - before)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert "perftui.analysis.detect" in out and "perftui.analysis.lifecycle" in out
    assert "perftui.analysis.downsample" not in out  # names load lazily, one module at a time
    heavy = {"numpy", "peewee", "textual", "plotext", "statistics", "sqlite3", "logging", "random", "time"}
    assert not heavy & {m.split(".")[0] for m in out}
