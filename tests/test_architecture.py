"""The layers of DESIGN.md, checked on the source: every "never" arrow fails this test.

    faces      perftui/cli, perftui/tui
    use cases  perftui/core
    recorder   perftui/recorder
    analysis   perftui/analysis      (pure)
    store      perftui/store         (the only code that knows the schema and speaks SQL)

Arrows point down only. The leaf modules at the package root (errors, severity, fmt,
timefmt) import nothing of perftui and may be used by every layer. Every import counts,
including those inside functions (perftui imports lazily to keep start-up cheap), except those
under `if TYPE_CHECKING:`, which never run.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import perftui
from tests._ast import runtime_nodes

PACKAGE = Path(perftui.__file__).parent
LEAVES = {"perftui", "perftui.errors", "perftui.severity", "perftui.fmt", "perftui.timefmt"}
LAYERS = ("cli", "tui", "core", "recorder", "analysis", "store")

# layer -> what it must never import (perftui layers, and outside packages)
NEVER = {
    "store": {"perftui.analysis", "perftui.recorder", "perftui.core", "perftui.cli",
              "perftui.tui", "textual", "rich", "plotext", "numpy", "psutil"},
    "analysis": {"perftui.store", "perftui.recorder", "perftui.core", "perftui.cli",
                 "perftui.tui", "sqlite3", "peewee", "textual", "rich", "plotext"},
    "recorder": {"perftui.core", "perftui.cli", "perftui.tui", "peewee", "textual", "plotext",
                 "numpy"},
    "core": {"perftui.cli", "perftui.tui", "textual", "plotext", "sqlite3", "peewee"},
    # faces call core only: no store, no recorder internals, no database drivers
    "cli": {"perftui.store", "perftui.recorder", "perftui.analysis", "sqlite3", "peewee",
            "textual.app"},
    "tui": {"perftui.store", "perftui.recorder", "perftui.analysis", "perftui.cli", "sqlite3",
            "peewee"},
}
# The CLI starts the TUI (one face opening the other) and nothing else of it.
ALLOWED = {("cli", "perftui.tui.app")}
SQL = re.compile(r"""["'](\s*)(SELECT|INSERT|UPDATE|DELETE|BEGIN|PRAGMA|CREATE|ALTER|DROP)\s""")


def _module_name(path: Path) -> str:
    parts = path.with_suffix("").parts
    parts = parts[len(parts) - 1 - parts[::-1].index("perftui"):]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Absolute names of every module `path` imports (relative imports resolved)."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            found.add(prefix)
            found.update(f"{prefix}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id == "__import__" and node.args \
                and isinstance(node.args[0], ast.Constant):
            found.add(node.args[0].value)
    return found


def sources(layer: str, package: Path = PACKAGE) -> list[Path]:
    files = sorted((package / layer).rglob("*.py"))
    assert files, layer
    return files


def _matches(name: str, banned: str) -> bool:
    return name == banned or name.startswith(banned + ".")


def wrong_arrows(layer: str, package: Path = PACKAGE) -> list[str]:
    wrong = []
    for path in sources(layer, package):
        for name in sorted(imports(path)):
            if (layer, name) in ALLOWED:
                continue
            if any(_matches(name, banned) for banned in NEVER[layer]):
                wrong.append(f"{path.relative_to(package.parent)} imports {name}")
    return wrong


@pytest.mark.parametrize("layer", LAYERS)
def test_no_arrow_points_the_wrong_way(layer):
    wrong = wrong_arrows(layer)
    assert not wrong, "\n".join(wrong)


def test_root_leaf_modules_import_nothing_of_perftui():
    for name in LEAVES - {"perftui"}:
        path = PACKAGE / f"{name.split('.')[-1]}.py"
        assert not {i for i in imports(path) if _matches(i, "perftui")}, name


@pytest.mark.parametrize("layer", [layer for layer in LAYERS if layer != "store"])
def test_only_the_store_speaks_sql(layer):
    speaking = []
    for path in sources(layer):
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if SQL.search(line):
                speaking.append(f"{path.relative_to(PACKAGE.parent)}:{lineno}: {line.strip()}")
    assert not speaking, "\n".join(speaking)


@pytest.mark.parametrize("layer", ["cli", "tui"])
def test_faces_never_hold_a_connection(layer):
    """No face reaches through a store handle to its driver connection or its SQL."""
    reaching = []
    for path in sources(layer):
        text = path.read_text(encoding="utf-8")
        for needle in (".raw()", ".conn.", "execute(", "connection_context", "__module__"):
            if needle in text:
                reaching.append(f"{path.relative_to(PACKAGE.parent)} uses {needle}")
    assert not reaching, "\n".join(reaching)


def test_the_checker_sees_a_wrong_arrow(tmp_path):
    """The test itself: planted wrong arrows (lazy, relative) are caught."""
    face = tmp_path / "perftui" / "cli"
    face.mkdir(parents=True)
    (face / "bad.py").write_text("def f():\n    from perftui.store.db import open_store\n")
    (face / "worse.py").write_text("from ..recorder import tracker\n")
    assert wrong_arrows("cli", tmp_path / "perftui") == [
        "perftui/cli/bad.py imports perftui.store.db",
        "perftui/cli/bad.py imports perftui.store.db.open_store",
        "perftui/cli/worse.py imports perftui.recorder",
        "perftui/cli/worse.py imports perftui.recorder.tracker"]
