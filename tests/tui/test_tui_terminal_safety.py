"""Stored text never reaches the terminal raw in the TUI: every answer of `StoreSource` passes
through `perftui.tui.data.safe`, so a metric named with an OSC sequence (which renamed the tmux
pane) shows as its visible escape."""

from __future__ import annotations

import sqlite3

OSC = "\x1b]2;pwned\x07"


def _poison(path) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE metrics SET name = ?, unit = ? WHERE code = 'APP-001'",
                     (f"Startup{OSC}", "ms\x9b2J"))
        conn.execute("UPDATE snapshots SET host = ?, git_branch = ?",
                     ("build\x1b[2J", f"main{OSC}"))
    conn.close()


def _raw(text: str) -> list[str]:
    return [c for c in text if (ord(c) < 0x20 and c not in "\n\t") or 0x7F <= ord(c) < 0xA0]


async def test_status_screen_shows_control_sequences_escaped(store, h):
    _poison(store)
    app = h.make_app(store)
    async with app.run_test(size=h.SIZE) as pilot:
        assert await h.settle(pilot, lambda: len(app.screen.query("MetricCard")) == 4)
        card = next(c for c in app.screen.query("MetricCard") if c.metric_id == "APP-001")
        assert card.metric["name"] == "Startup\\x1b]2;pwned\\x07"
        shown = card.render().plain + str(card.border_title) + str(card.border_subtitle)
        assert _raw(shown) == []
        latest = str(app.screen.query_one("#latest-run").render())
        assert _raw(latest) == [] and "build\\x1b[2J" in latest
        text = h.screen_text(app)
        assert _raw(text) == []
        assert "\\x1b" in text


def test_safe_cleans_nested_data_and_keeps_the_rest():
    from perftui.core.trends import Trend
    from perftui.tui.data import safe

    data = {"a\x1b": [("x\x07", 1.5, None)], "b": {"c": "line\nnext\ttab\x9b"}, "n": 3}
    assert safe(data) == {"a\\x1b": [("x\\x07", 1.5, None)],
                          "b": {"c": "line\nnext\ttab\\x9b"}, "n": 3}
    trend = Trend(metric={"name": f"m{OSC}"}, app="a\x1b", environment="e", range="7d",
                  cold_starts=False, now=0.0, since=None, total=0, cold_total=0)
    cleaned = safe(trend)
    assert cleaned.metric["name"] == "m\\x1b]2;pwned\\x07" and cleaned.app == "a\\x1b"
