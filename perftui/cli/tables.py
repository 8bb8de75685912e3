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

from perftui.fmt import middle  # noqa: F401 - the CLI's tables shorten names with it

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
                       width=columns_env() or (None if tty else PIPED_WIDTH))


def columns_env() -> int | None:
    """The width ``COLUMNS`` asks for (also when piped, so `COLUMNS=80 perftui alerts | less`
    fits 80 columns), or None when unset or not a width."""
    import os

    raw = os.environ.get("COLUMNS", "").strip()
    return int(raw) if raw.isdigit() and 20 <= int(raw) <= 1000 else None


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


class Col:
    """One column of a :func:`fitted` table.

    ``shrink``: the narrowest this column may become, cut in the middle (names); None keeps
    every character (numbers, dates: never cut). ``drop``: the order in which columns go when
    the rest still does not fit (1 goes first); None never goes.
    """

    __slots__ = ("header", "justify", "shrink", "drop")

    def __init__(self, header: str, justify: str = "left", shrink: int | None = None,
                 drop: int | None = None):
        self.header, self.justify, self.shrink, self.drop = header, justify, shrink, drop


COMFORTABLE = 24
"""Names give way down to this width before any column is dropped."""


def fit_widths(width: int, cols: Sequence[Col], rows: Sequence[Sequence[str]]) -> list[int | None]:
    """Each column's width in a table ``width`` characters wide (None: dropped).

    Columns are two characters apart. While the table does not fit with its names cut in the
    middle to :data:`COMFORTABLE`, low-value columns are dropped in their ``drop`` order (and
    put back, in reverse, where they fit after all); then the names give way, widest first, as
    far as needed and never below their own floor. Numbers are never cut: when even that does
    not fit, the table is wider than asked (the terminal wraps it rather than lose a digit).
    """
    natural = [max([len(c.header)] + [len(r[i]) for r in rows]) for i, c in enumerate(cols)]
    comfortable = [w if c.shrink is None else min(w, max(c.shrink, COMFORTABLE, len(c.header)))
                   for w, c in zip(natural, cols)]
    kept = [True] * len(cols)

    def total(ws: Sequence[int]) -> int:
        on = [w for w, k in zip(ws, kept) if k]
        return sum(on) + 2 * (len(on) - 1)

    dropped = []
    for i in sorted((i for i, c in enumerate(cols) if c.drop is not None), key=lambda i: cols[i].drop):
        if total(comfortable) <= width:
            break
        kept[i] = False
        dropped.append(i)
    for i in reversed(dropped[:-1]):  # the last one dropped made room: earlier ones may fit again
        kept[i] = True
        if total(comfortable) > width:
            kept[i] = False
    widths = list(natural)
    while total(widths) > width:
        names = [(w, i) for i, w in enumerate(widths)
                 if kept[i] and cols[i].shrink is not None and w > max(cols[i].shrink, len(cols[i].header))]
        if not names:
            break
        _, i = max(names)
        widths[i] -= 1
    return [w if k else None for w, k in zip(widths, kept)]


def print_fitted(out, cols: Sequence[Col], rows: Sequence[Sequence],
                 styles: Sequence | None = None) -> None:
    """Print ``rows`` (str cells) on console ``out`` as a table that fits its width (see
    :func:`fit_widths`). ``styles``: per row, None or {column index: rich style}."""
    plain = [[clean(c) for c in r] for r in rows]  # measured as shown: escapes included
    widths = fit_widths(out.width, cols, plain)
    kept = [w for w in widths if w is not None]
    needed = sum(kept) + 2 * (len(kept) - 1)
    # wider than the terminal only when the numbers alone do not fit: never cut one
    out.print(_fitted(cols, plain, widths, styles), width=max(out.width, needed))


def _fitted(cols: Sequence[Col], plain: list[list[str]], widths: list[int | None],
            styles: Sequence | None):
    keep = [i for i, w in enumerate(widths) if w is not None]
    t = table([(cols[i].header, cols[i].justify) for i in keep])
    for column, i in zip(t.columns, keep):
        column.no_wrap = True
        column.min_width = column.max_width = widths[i]
        column.overflow = "ellipsis" if cols[i].shrink is not None else "fold"
    for n, r in enumerate(plain):
        style = (styles[n] if styles else None) or {}
        cells = []
        for i in keep:
            text = middle(r[i], widths[i]) if cols[i].shrink is not None else r[i]
            cells.append(styled(text, style[i]) if i in style else text)
        t.add_row(*cells)
    return t
