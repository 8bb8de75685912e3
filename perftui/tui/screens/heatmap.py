"""When it is slow (w on the status screen): the performance index, or one metric, by hour of
day and day of week over a time range, in the viewer's time zone, with the runs behind each
cell. r cycles the range, [ and ] the metric (the index first), the arrow keys move over the
cells; escape goes back. The numbers come from `perftui.core.heatmap`."""

from __future__ import annotations

import time

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from perftui.tui.css import tcss
from perftui.tui.rollups import build_if_behind
from perftui.tui.screens.base import FAILED, DataScreen
from perftui.tui.screens.views import HeatmapLoaded
from perftui.tui.widgets.heatmap import HeatMap, cell_text, legend_text

RANGES = ("24h", "7d", "30d", "all")
LIVE_INTERVAL = 10.0
INDEX = "index"


class HeatmapScreen(DataScreen):
    CSS_PATH = tcss("views")
    MODE = "status"
    BINDINGS = [
        Binding("escape,w", "app.pop_screen", "Back", tooltip="Back to the status screen",
                id="heatmap.back"),
        Binding("r", "cycle_range", "Range", tooltip="Cycle the time range: 24h, 7d, 30d, all",
                id="heatmap.range"),
        Binding("right_square_bracket", "next_metric(1)", "Next metric",
                tooltip="Map the next metric (the performance index first)",
                id="heatmap.next"),
        Binding("left_square_bracket", "next_metric(-1)", "Previous", show=False,
                tooltip="Map the previous metric", id="heatmap.previous"),
    ]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.range = "30d"
        self.metric = INDEX
        self.data: dict | None = None
        self._loaded_at = 0.0
        self._pending = None

    def compose(self) -> ComposeResult:
        yield from self.compose_navbar()
        yield Static(Text("When it is slow …", style="bold"), id="heatmap-title",
                      classes="view-title")
        yield Static("", id="heatmap-info", classes="view-note")
        yield HeatMap(id="heatmap")
        yield Static("", id="heatmap-cell", classes="view-note")
        yield Static("", id="heatmap-note", classes="view-note")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(HeatMap).focus()
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.query_one(
            HeatMap).refresh())
        self.reload()

    def reload(self) -> None:
        """The store changed (or the screen is shown again): a map of a few runs, or in a zone
        not a whole number of hours from UTC, reads every run in its range (others read hourly
        rollups), so a busy store redraws it at most every LIVE_INTERVAL seconds."""
        super().reload()
        wait = self._loaded_at + LIVE_INTERVAL - time.monotonic()
        if self.data is not None and wait > 0:
            if self._pending is None:
                self._pending = self.set_timer(wait, self.load_now)
            return
        self.load_now()

    def load_now(self) -> None:
        if self._pending is not None:
            self._pending.stop()
            self._pending = None
        self._loaded_at = time.monotonic()
        self.load_map(self.metric, self.range)

    @work(thread=True, exclusive=True, group="heatmap")
    def load_map(self, metric: str, range_: str) -> None:
        app_name, environment = self.app.resolved_scope()
        if app_name is None:
            self.post_message(HeatmapLoaded(None))
            return
        data = self.call_source(self.source.heatmap, app_name, environment, range_, metric)
        if data is not FAILED:
            self.post_message(HeatmapLoaded(data))
            build_if_behind(self.app, self.source)

    def on_heatmap_loaded(self, message: HeatmapLoaded) -> None:
        data = self.data = message.data
        title = self.query_one("#heatmap-title", Static)
        if data is None:
            title.update(Text("When it is slow", style="bold"))
            self.query_one("#heatmap-info", Static).update(
                "No runs in this store yet: try `perftui demo`.")
            return
        metric = data["metric"]
        name = ("performance index" if metric["metric_id"] == INDEX
                else f"{metric['metric_id']} {metric['name']}")
        # the range first: a long metric name is what gives way (the scope is in the bar above)
        heading = Text(f"When it is slow · {data['range_label']} · ", style="bold")
        heading.append(name)
        title.update(heading)
        better = "higher" if metric["direction"] == "higher" else "lower"
        info = (f"times in {data['zone']} · {data['runs']:,} warm runs · {better} is better\n"
                + (legend_text(data) or "no run in this range: every cell is empty"))
        self.query_one("#heatmap-info", Static).update(info)
        self.query_one(HeatMap).show(data)
        note = ""
        if data["pruned_days"]:
            note = (f"{data['pruned_days']:,} earlier day(s) ({data['pruned_runs']:,} runs) are "
                    "kept only as daily aggregates, which have no hour of day: not in this map.")
        self.query_one("#heatmap-note", Static).update(note)

    def on_heat_map_moved(self, message: HeatMap.Moved) -> None:
        if self.data is not None:
            self.query_one("#heatmap-cell", Static).update(cell_text(self.data, message.cursor))

    def action_cycle_range(self) -> None:
        self.range = RANGES[(RANGES.index(self.range) + 1) % len(RANGES)]
        self.load_now()

    def action_next_metric(self, step: int) -> None:
        choices = [INDEX] + [m["metric_id"] for m in self.app.known_metrics() if m["active"]]
        at = choices.index(self.metric) if self.metric in choices else 0
        self.metric = choices[(at + step) % len(choices)]
        self.load_now()
