"""`KeyTable`: a DataTable that also moves with j and k (rows selected whole, striped)."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import DataTable


class KeyTable(DataTable):
    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, tooltip="Next row", id="table.down"),
        Binding("k", "cursor_up", "Up", show=False, tooltip="Previous row", id="table.up"),
    ]

    def __init__(self, **kwargs):
        kwargs.setdefault("cursor_type", "row")
        kwargs.setdefault("zebra_stripes", True)
        super().__init__(**kwargs)
