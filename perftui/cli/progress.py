"""A rich progress bar on stderr for long commands, and nothing at all when stderr is piped."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Callable, Iterator

Callback = Callable[..., None]


def _interactive() -> bool:
    stream = sys.stderr
    return bool(getattr(stream, "isatty", lambda: False)())


@contextmanager
def progress_bar(description: str, enabled: bool | None = None) -> Iterator[Callback]:
    """Yield `update(done, total, phase=None)`; draws on a terminal, does nothing otherwise.

    The bar is transient: it disappears when the work is done, leaving only the command's
    own output.
    """
    if enabled is None:
        enabled = _interactive()
    if not enabled:
        yield _noop
        return
    from rich.console import Console
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                               TimeElapsedColumn)

    console = Console(file=sys.stderr)
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=True) as bar:
        task = bar.add_task(description, total=None)

        def update(done: int, total: int | None = None, phase: str | None = None) -> None:
            label = f"{description}: {phase}" if phase else description
            bar.update(task, completed=done, total=total, description=label)

        yield update


def _noop(*_args, **_kwargs) -> None:
    return None
