"""Small text helpers shared by the commands (tables and consoles are in `perftui.cli.tables`)."""

from __future__ import annotations

SEVERITY_STYLE = {"ok": "green", "info": "cyan", "warning": "yellow", "error": "red",
                  "critical": "bold red"}


def short_commit(commit: str | None) -> str:
    return commit[:8] if commit else "—"
