"""Current-vs-target bars: one row per metric, drawn to the widget's width.

    ERROR  APP-001   ↓ ████████████████|██!█X██▶  167%  1,000ms / 600ms

A row says its state in a word (NO_COLOR reads the same), the metric, which way is better
(↓ lower, ↑ higher), a bar of the latest value as a share of the target on a scale shared by
every row, with the target (|), warning (!) and error (X) lines marked on it and ▶ when the
value lies beyond the scale, then the share and the value against the target. The rows come
ordered problems first (`perftui.core.bars`); colour only repeats what the words say.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from perftui.fmt import middle
from perftui.tui.format import format_value, severity_color

STATE_LABEL = {"critical": "CRIT", "error": "ERROR", "warning": "warn", "off target": "off",
               "ok": "ok"}
STATE_SEVERITY = {"critical": "critical", "error": "error", "warning": "warning",
                  "off target": "info", "ok": "ok"}
MIN_SCALE, MAX_SCALE = 1.25, 2.0
TARGET_MARK, WARNING_MARK, ERROR_MARK, BEYOND_MARK = "|", "!", "X", "▶"
LEGEND = "bar: latest value as a share of its target · | target  ! warning  X error"
SCALE_LEGEND = "scale 0 to {top:.0f}% (▶ beyond) · ↓ lower is better  ↑ higher is better"


def scale_for(bars: list[dict]) -> float:
    """The share the right end of every track stands for: room for each bar's lines and
    value, at least 125 %, at most 200 % (beyond it a bar ends in ▶)."""
    top = MIN_SCALE
    for bar in bars:
        for share in (bar["share"], bar["warning_share"], bar["error_share"]):
            if share is not None:
                top = max(top, share * 1.05)
    return min(top, MAX_SCALE)


def track(bar: dict, width: int, scale: float) -> str:
    """The bar itself: `width` cells, filled up to the share, lines marked on top."""
    if width <= 0:
        return ""
    def cell(share: float) -> int:
        return min(width - 1, max(0, round(share / scale * width) - 1))

    filled = 0 if bar["share"] <= 0 else min(width, max(1, round(bar["share"] / scale * width)))
    cells = ["█"] * filled + ["·"] * (width - filled)
    for share, mark in ((bar["error_share"], ERROR_MARK), (bar["warning_share"], WARNING_MARK),
                        (1.0, TARGET_MARK)):
        if share is not None and 0 < share <= scale:
            cells[cell(share)] = mark
    if bar["share"] > scale:
        cells[-1] = BEYOND_MARK
    return "".join(cells)


def versus(value: float, target: float, unit: str) -> str:
    """'639ms / 500ms', '92.7% / 90%', '2,799 / 3,000 tokens' (a long unit once)."""
    current, goal = format_value(value, unit), format_value(target, unit)
    if unit and current.endswith(f" {unit}"):
        current = current[:-len(unit) - 1]
    return f"{current} / {goal}"


def bar_rows(data: dict, width: int, app=None) -> Text:
    """The whole chart (legend, one row per bar, the metrics without a target) as text."""
    bars = data["bars"]
    out = Text()
    if not bars:
        out.append("No metric of the latest run has a target yet: set one on the targets "
                   "screen (4) or with `perftui targets set`." if data.get("snapshot")
                   else "No runs in this store yet.", style="dim")
    else:
        scale = scale_for(bars)
        id_width = min(14, max(len(b["metric_id"]) for b in bars))
        texts = [versus(b["value"], b["target"], b["unit"]) for b in bars]
        # state 5, id, arrow 1, track (8 at least), share 5, text; one space between each.
        # Numbers are never cut: a text too wide for its room drops the target (the marks on
        # the track show it), and a value wider still takes the room it needs.
        room = max(12, width - (5 + id_width + 1 + 8 + 5 + 5))
        texts = [t if len(t) <= room else format_value(b["value"], b["unit"])
                 for t, b in zip(texts, bars)]
        text_width = max(len(t) for t in texts)
        track_width = max(8, width - (5 + id_width + 1 + 5 + text_width + 5))
        out.append(f"{LEGEND}\n{SCALE_LEGEND.format(top=scale * 100)}\n", style="dim")
        for bar, text in zip(bars, texts):
            colour = severity_color(app, STATE_SEVERITY[bar["state"]]) or None
            metric_id = middle(bar["metric_id"], id_width)  # both ends of a long id stay
            arrow = "↓" if bar["direction"] == "lower" else "↑"
            out.append(f"{STATE_LABEL[bar['state']]:<5} ", style=f"bold {colour}" if colour
                       and bar["state"] != "ok" else colour)
            out.append(f"{metric_id:<{id_width}} {arrow} ",
                       style=None if bar["active"] else "dim")
            out.append(track(bar, track_width, scale), style=colour)
            out.append(f" {bar['share'] * 100:>4.0f}% {text}\n")
    if data.get("untargeted"):
        out.append(f"no target: {', '.join(data['untargeted'])}", style="dim")
    out.rstrip()
    return out


class BarChart(Widget):
    """The bars of `perftui.core.bars.current_vs_target`, redrawn to its width."""

    DEFAULT_CSS = """
    BarChart { height: auto; padding: 0 1; }
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.data: dict = {"bars": [], "untargeted": [], "snapshot": None}

    def show(self, data: dict) -> None:
        self.data = data
        self.refresh(layout=True)

    def render(self) -> Text:
        return bar_rows(self.data, self.content_size.width or 78, self.app)

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(bar_rows(self.data, width, self.app).wrap(self.app.console, width))
