"""The one rule for text perftui stores: no terminal control characters.

Stored text (names, notes, reasons, who did it) is printed in terminals later; an escape
sequence in it could rename a tmux pane or rewrite the screen. Every path that accepts text
from a person or a file refuses C0 controls, DEL and C1 controls (`first_control`), except
the tabs and newlines a note may hold. Output is neutralised as well (cli.tables, tui.data),
for stores written by older versions.

Plain module, no imports: the recorder uses it inside host applications' start-up.
"""

from __future__ import annotations


def first_control(text: str, allowed: str = "") -> str | None:
    """The first C0/DEL/C1 control character of `text` not in `allowed`, else None."""
    if text.isprintable():
        return None
    for char in text:
        code = ord(char)
        if (code < 0x20 or 0x7F <= code < 0xA0) and char not in allowed:
            return char
    return None


def control_message(field: str, char: str) -> str:
    return f"{field}: a control character ({char!r}) is not allowed"
