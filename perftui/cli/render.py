"""Text rendering shared by commands: rich tables on a terminal, plain text when piped."""

from __future__ import annotations

import sys

SEVERITY_STYLE = {"ok": "green", "info": "cyan", "warning": "yellow", "error": "red",
                  "critical": "bold red"}


def console(stream=None):
    from rich.console import Console

    return Console(file=stream or sys.stdout, highlight=False, soft_wrap=False)


def age_text(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 90:
        return f"{seconds:.0f}s ago"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min ago"
    if seconds < 172800:
        return f"{seconds / 3600:.0f} h ago"
    return f"{seconds / 86400:.0f} days ago"


def short_commit(commit: str | None) -> str:
    return commit[:8] if commit else "—"
