"""The dashboard's extra views (current vs target, when it is slow): how they open, and their
messages. The screens themselves load when first opened."""

from __future__ import annotations

from textual.message import Message


class BarsLoaded(Message):
    def __init__(self, data: dict):
        super().__init__()
        self.data = data


class HeatmapLoaded(Message):
    def __init__(self, data: dict | None):
        super().__init__()
        self.data = data


def open_view(app, view: str) -> None:
    """Push the `b` ("bars") or `w` ("heatmap") view on top of the current screen (escape goes
    back there): from the status screen's keys and from the command palette."""
    if view == "bars":
        from perftui.tui.screens.bars import BarsScreen

        app.push_screen(BarsScreen())
    else:
        from perftui.tui.screens.heatmap import HeatmapScreen

        app.push_screen(HeatmapScreen())
