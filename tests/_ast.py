"""Reading perftui's source as the import rules see it (shared by the purity and architecture
tests)."""

from __future__ import annotations

import ast


def runtime_nodes(tree: ast.AST):
    """Every node, except those under `if TYPE_CHECKING:` (never run)."""
    yield tree
    for child in ast.iter_child_nodes(tree):
        if isinstance(child, ast.If) and isinstance(child.test, ast.Name) \
                and child.test.id == "TYPE_CHECKING":
            continue
        yield from runtime_nodes(child)
