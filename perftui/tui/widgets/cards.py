"""Metric cards for the status screen, in a grid you move through with the arrow keys or j/k.

A card shows one metric of the latest run: value, baseline median, change, target and a
sparkline of recent runs; its border takes the colour of the verdict (and names it, for
NO_COLOR). Cards are updated in place and only repaint when their data changed.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widget import Widget

from perftui.severity import SEVERITIES
from perftui.tui.format import SEVERITY_LABEL, format_percent, severity_color, sparkline, \
    value_or_dash

CARD_WIDTH = 38
SPARK_POINTS = 20
# Units short enough to repeat on every number; longer ones are shown once, on the value.
SHORT_UNITS = {"ms", "s", "us", "ns", "MB", "KB", "GB", "%", "ratio", "count", ""}


class MetricCard(Widget, can_focus=True):
    DEFAULT_CSS = """
    MetricCard { height: 4; }
    """

    def __init__(self, metric: dict, **kwargs):
        super().__init__(**kwargs)
        self.metric: dict = {}
        self._title_shown: str | None = None
        self.set_metric(metric)

    @property
    def metric_id(self) -> str:
        return self.metric["metric_id"]

    def set_metric(self, metric: dict) -> None:
        if metric == self.metric:
            return
        self.metric = metric
        severity = metric["severity"] if metric["active"] else "inactive"
        # one restyle, not one per class; none before it is mounted (styled then)
        self.update_classes({f"-{name}": name == severity for name in (*SEVERITIES, "inactive")},
                            update=self.is_mounted)
        self._show_title(self._title())
        label = "inactive" if not metric["active"] else SEVERITY_LABEL.get(severity, severity)
        if metric.get("alert_severity") and metric["active"]:
            label += f" · alert {SEVERITY_LABEL.get(metric['alert_severity'])}"
        self.border_subtitle = label
        self.refresh()

    def _title(self) -> str:
        """'APP-001 Application Startup Time'. A metric registered on first recording is named
        after its id, so the id alone; too long for the card, the middle gives way, since the
        end is what tells `bench.Suite.time_asgi_handler` from `….time_wsgi_handler`."""
        m = self.metric
        code, name = m["metric_id"], m["name"]
        plain = "".join(ch for ch in name.lower() if ch.isalnum())
        if plain != "".join(ch for ch in code.lower() if ch.isalnum()):
            return f"{code} {name}"  # catalog metrics: the id leads; the name's end may go
        title = code
        room = self.size.width - 6 if self.size.width else 0
        if room > 8 and len(title) > room:
            head = (room - 1) // 3
            title = title[:head] + "…" + title[len(title) - (room - 1 - head):]
        return title

    def on_resize(self) -> None:
        # only when the (width-dependent) title changes: setting it parses it as markup and
        # repaints the card, and every card is resized when the grid is first laid out
        if self.metric:
            title = self._title()
            if title != self._title_shown:
                self._show_title(title)

    def _show_title(self, title: str) -> None:
        self._title_shown = title
        self.border_title = title

    def render(self) -> Text:
        m = self.metric
        unit = m["unit"]
        base = m.get("baseline") or {}
        colour = severity_color(self.app, m["severity"]) if m["active"] else ""
        width = self.content_size.width
        line1 = Text(no_wrap=True, overflow="ellipsis")
        line1.append(value_or_dash(m["value"], unit), style=f"bold {colour}".strip())
        change = m.get("change_percent")
        if change is not None:
            worse = change > 0 if m["direction"] == "lower" else change < 0
            arrow = "▲" if change > 0 else "▼" if change < 0 else " "
            style = severity_color(self.app, "warning" if worse and abs(change) >= 10 else "ok")
            line1.append(f"  {arrow}{format_percent(change)}", style=style if m["active"] else "")
        room = width - line1.cell_len - 2
        if room >= 5:
            line1.append(" " * (width - line1.cell_len - min(room, SPARK_POINTS)))
            line1.append(sparkline(m.get("sparkline") or [], min(room, SPARK_POINTS)),
                         style=self.app.theme_variables.get("accent", ""))
        short = unit if unit in SHORT_UNITS else ""
        line2 = Text(no_wrap=True, overflow="ellipsis")
        line2.append("base ", style="dim")
        line2.append(value_or_dash(base.get("median"), short))
        line2.append("  target ", style="dim")
        line2.append(value_or_dash(m.get("target"), short))
        if base.get("p95") is not None and line2.cell_len + 14 < width:
            line2.append("  p95 ", style="dim")
            line2.append(value_or_dash(base.get("p95"), short))
        return Text("\n").join([line1, line2])


class MetricGrid(VerticalScroll):
    """A responsive grid of MetricCards; arrows/j/k move between cards, enter opens a trend."""

    BINDINGS = [
        Binding("down,j", "move(1)", "Down", show=False, id="cards.down"),
        Binding("up,k", "move(-1)", "Up", show=False, id="cards.up"),
        Binding("right,l", "step(1)", "Right", show=False, id="cards.right"),
        Binding("left,h", "step(-1)", "Left", show=False, id="cards.left"),
        Binding("enter", "open", "Trend", tooltip="Open the trend of the selected metric",
                id="status.trend"),
    ]

    class Chosen(Message):
        def __init__(self, metric_id: str):
            super().__init__()
            self.metric_id = metric_id

    def __init__(self, metrics: list[dict] | None = None, first: int | None = None, **kwargs):
        """`metrics`: cards to start with, composed so they are in the first frame; only the
        `first` of them (those that fit the screen) before that frame, the rest right after
        it (styling and laying out cards nobody sees yet would delay the frame)."""
        super().__init__(**kwargs)
        self.can_focus = False
        metrics = metrics or []
        cut = len(metrics) if first is None else max(1, first)
        self._initial, self._pending = metrics[:cut], metrics[cut:]

    def compose(self):
        yield from (MetricCard(m) for m in self._initial)

    def on_mount(self) -> None:
        if self._initial:
            first = self.query(MetricCard).first()
            self.app.after_first_frame(self._mount_pending, self)
            if self.screen.focused is None:
                # now, not after a refresh: the footer then builds its keys once, for the
                # bindings with a card focused, and the first frame shows the focused card
                self.screen.set_focus(first, scroll_visible=False)

    def _mount_pending(self) -> None:
        pending, self._pending = self._pending, []
        if pending:
            self.mount_all([MetricCard(m) for m in pending])

    @property
    def cards(self) -> list[MetricCard]:
        return list(self.query(MetricCard))

    @property
    def columns(self) -> int:
        return max(1, self.size.width // CARD_WIDTH)

    @staticmethod
    def fitting(width: int, height: int) -> int:
        """How many cards a grid of this size shows at once (a part row included)."""
        return max(1, width // CARD_WIDTH) * (max(1, height) // 4 + 1)

    def on_resize(self) -> None:
        self.styles.grid_size_columns = self.columns

    def set_metrics(self, metrics: list[dict]) -> None:
        """Update cards in place when the metrics are the same, rebuild otherwise."""
        cards = self.cards
        if [c.metric_id for c in cards] + [m["metric_id"] for m in self._pending] \
                == [m["metric_id"] for m in metrics]:
            for card, metric in zip(cards, metrics):
                card.set_metric(metric)
            if self._pending:
                self._pending = metrics[len(cards):]
            return
        self._pending = []
        focused = self.app.focused.metric_id if isinstance(self.app.focused, MetricCard) else None
        self.remove_children()
        self.scroll_home(animate=False)  # a new set of cards (another scope) starts at the top
        new = [MetricCard(m) for m in metrics]
        self.mount_all(new)
        target = next((c for c in new if c.metric_id == focused), new[0] if new else None)
        if target is not None and (focused or self.screen.focused is None):
            self.call_after_refresh(target.focus)

    def _index(self) -> int:
        cards = self.cards
        focused = self.screen.focused
        return cards.index(focused) if focused in cards else -1

    def _go(self, index: int) -> None:
        cards = self.cards
        if cards:
            card = cards[max(0, min(len(cards) - 1, index))]
            card.focus()
            card.scroll_visible(animate=False)

    def action_move(self, rows: int) -> None:
        self._go(max(0, self._index()) + rows * self.columns)

    def action_step(self, cards: int) -> None:
        self._go(max(0, self._index()) + cards)

    def action_open(self) -> None:
        index = self._index()
        if index >= 0:
            self.post_message(self.Chosen(self.cards[index].metric_id))
