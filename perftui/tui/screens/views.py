"""What the dashboard's extra views (current vs target, when it is slow) share: their messages,
and `read`, which calls a `perftui.core` function through the data source.

StoreSource has a method per read the four main screens make; these views call their core
function through the source's one gateway instead (its lock, and control characters neutralised
in the answer), so they need no change to it.
"""

from __future__ import annotations

from textual.message import Message


def read(source, fn, *args):
    """`fn(store, *args)` through `source`, from a worker thread."""
    return source._read(fn, *args)


class BarsLoaded(Message):
    def __init__(self, data: dict):
        super().__init__()
        self.data = data


class HeatmapLoaded(Message):
    def __init__(self, data: dict | None):
        super().__init__()
        self.data = data
