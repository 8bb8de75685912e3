"""Text rendering shared by commands: rich tables on a terminal, plain text when piped."""

from __future__ import annotations

import sys

from perftui.fmt import age_text  # noqa: F401  (re-exported for the commands)

SEVERITY_STYLE = {"ok": "green", "info": "cyan", "warning": "yellow", "error": "red",
                  "critical": "bold red"}


def console(stream=None):
    from rich.console import Console

    return Console(file=stream or sys.stdout, highlight=False, soft_wrap=False)


def short_commit(commit: str | None) -> str:
    return commit[:8] if commit else "—"
