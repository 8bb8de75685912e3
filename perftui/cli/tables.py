"""Tables for the commands' text output: terminal width on a terminal, wide when piped (so
`perftui alerts | grep VAL` never sees truncated cells).

Markup is off: metric names come from users and benchmark tools (`test_x[0]`), so brackets are
printed as they are; colour is applied with `styled`.
"""

from __future__ import annotations

import sys
from typing import Sequence

PIPED_WIDTH = 200


def console(stream=None):
    from rich.console import Console

    stream = stream or sys.stdout
    tty = bool(getattr(stream, "isatty", lambda: False)())
    return Console(file=stream, highlight=False, soft_wrap=False, markup=False,
                   width=None if tty else PIPED_WIDTH)


def styled(text: str, style: str | None):
    """`text` in a rich style (e.g. "bold red"); plain when the style is empty."""
    from rich.text import Text

    return Text(str(text), style=style or "")


def table(columns: Sequence[tuple[str, str]]):
    """A borderless rich table; columns are (header, 'left' | 'right')."""
    from rich.table import Table

    t = Table(box=None, pad_edge=False, header_style="bold")
    for header, justify in columns:
        t.add_column(header, justify=justify)
    return t
