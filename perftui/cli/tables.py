"""Tables for the commands' text output: terminal width on a terminal, wide when piped (so
`perftui alerts | grep VAL` never sees truncated cells).

Markup is off: metric names come from users and benchmark tools (`test_x[0]`), so brackets are
printed as they are; colour is applied with `styled`.

Terminal safety: stored text (names, notes, branches, imported benchmark names) may hold
terminal control sequences. Every string the text commands print goes through `clean`: the
console's `render_str` (every `out.print(str)` and every str table cell, measured and drawn),
`styled` and `echo` (the plain `print` lines). Each printed string is one line
(the commands print line by line), so newline and tab are escaped too. A control character is
shown as its escape (`\\x1b`), never sent raw.
"""

from __future__ import annotations

import sys
from typing import Sequence

PIPED_WIDTH = 200

# C0 controls (tab and newline too: every printed string is one line), DEL and C1 controls.
_CONTROL = {c: f"\\x{c:02x}" for c in [*range(0x00, 0x20), *range(0x7F, 0xA0)]}


def clean(text) -> str:
    """`text` as one line with every C0/C1 control character replaced by its visible escape
    (ESC is shown as the four characters \\x1b)."""
    return str(text).translate(_CONTROL)


def echo(*parts, sep: str = " ", file=None) -> None:
    """`print` for the plain text lines of the commands, through `clean` (one line each)."""
    print(clean(sep.join(str(p) for p in parts)), file=file)


def console(stream=None):
    from rich.console import Console

    class SafeConsole(Console):
        def render_str(self, text, **kwargs):
            return super().render_str(clean(text), **kwargs)

    stream = stream or sys.stdout
    tty = bool(getattr(stream, "isatty", lambda: False)())
    return SafeConsole(file=stream, highlight=False, soft_wrap=False, markup=False,
                       width=None if tty else PIPED_WIDTH)


def styled(text: str, style: str | None):
    """`text` in a rich style (e.g. "bold red"); plain when the style is empty."""
    from rich.text import Text

    return Text(clean(text), style=style or "")


def table(columns: Sequence[tuple[str, str]]):
    """A borderless rich table; columns are (header, 'left' | 'right'). Its str cells are
    cleaned by the console's `render_str`, its `styled` cells by `styled`."""
    from rich.table import Table

    t = Table(box=None, pad_edge=False, header_style="bold")
    for header, justify in columns:
        t.add_column(header, justify=justify)
    return t
