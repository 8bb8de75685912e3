"""Screen 2, Trends: one metric over time.

A plotext chart of the runs in a time range (r cycles 24 h / 7 d / 30 d / all) with the
baseline median and p5-p95 band, the target lines and alert marks; cold starts shown or
hidden (c); a table of the newest runs on demand (t); another metric with m (a picker) or
[ and ]. Histories of any length arrive downsampled to the chart's width
(`perftui.core.trends`).
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from perftui.tui.charts import trend_spec
from perftui.tui.css import tcss
from perftui.tui.format import format_percent, short_time, value_or_dash
from perftui.tui.messages import PointsLoaded, StatusLoaded, TargetsLoaded, TrendLoaded
from perftui.tui.rollups import build_if_behind
from perftui.tui.screens.base import FAILED, DataScreen
from perftui.tui.widgets.cards import SHORT_UNITS
from perftui.tui.widgets.plot import Plot
from perftui.tui.widgets.tables import KeyTable

POINTS_LIMIT = 500


class TrendsScreen(DataScreen):
    CSS_PATH = tcss("trends")
    MODE = "trends"
    BINDINGS = [
        Binding("r", "cycle_range", "Range", tooltip="Cycle the time range: 24h, 7d, 30d, all",
                id="trends.range"),
        Binding("c", "toggle_cold", "Cold starts", tooltip="Show or hide cold starts",
                id="trends.cold"),
        Binding("t", "toggle_table", "Table", tooltip="Show or hide the table of runs",
                id="trends.table"),
        Binding("m", "pick_metric", "Metric", tooltip="Pick the metric to chart",
                id="trends.metric"),
        Binding("right_square_bracket", "next_metric(1)", "Next", show=False,
                id="trends.next"),
        Binding("left_square_bracket", "next_metric(-1)", "Previous", show=False,
                id="trends.previous"),
    ]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.metric: str | None = None
        self.range = "7d"
        self.cold_starts = True
        self.show_table = False
        self.trend = None
        self.metrics: list[dict] = []

    def compose(self) -> ComposeResult:
        yield from self.compose_navbar()
        yield Static("", id="trend-title")
        yield Static("", id="trend-info")
        yield Plot(id="trend-plot")
        yield Static(self._legend(None), id="trend-legend")
        table = KeyTable(id="points")
        table.display = False
        yield table
        yield from self.compose_footer()

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one("#points", KeyTable)
        table.add_columns("when (UTC)", "value", "vs base", "run", "commit", "host")
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._redraw())
        self.reload()

    def _redraw(self) -> None:
        """The chart's colours come from the theme: draw it again in the new one."""
        self.query_one("#trend-plot", Plot).update(trend_spec(self.trend, self.app))

    # -- loading ------------------------------------------------------------------------------
    def reload(self) -> None:
        super().reload()
        if not self.metrics:
            self.load_metrics()
        if self.metric is None:
            self.metric = self.app.default_metric()
        if self.metric is None:
            self.load_default()  # opened before the status screen answered: ask the store
            return
        self.query_one("#trend-title", Static).update(Text(f"{self.metric} …", style="bold"))
        self.load_trend(self.metric, self.range, self.cold_starts, self._max_points())
        if self.show_table:
            self.load_points(self.metric, self.range, self.cold_starts)

    def _max_points(self) -> int:
        return max(60, 2 * (self.size.width or 80))

    @work(thread=True, exclusive=True, group="trend")
    def load_trend(self, metric: str, range_: str, cold: bool, max_points: int) -> None:
        app_name, environment = self.app.resolved_scope()
        if app_name is None:
            self.post_message(TrendLoaded(None))
            return
        trend = self.call_source(self.source.trend, metric, app_name, environment, range_,
                                 cold, max_points)
        if trend is not FAILED:
            self.post_message(TrendLoaded(trend))
            build_if_behind(self.app, self.source)

    @work(thread=True, exclusive=True, group="points")
    def load_points(self, metric: str, range_: str, cold: bool) -> None:
        app_name, environment = self.app.resolved_scope()
        if app_name is None:
            return
        points = self.call_source(self.source.trend_points, metric, app_name, environment,
                                  range_, cold, POINTS_LIMIT)
        if points is not FAILED:
            self.post_message(PointsLoaded(points))

    @work(thread=True, exclusive=True, group="trend")
    def load_default(self) -> None:
        data = self.call_source(self.source.status, *self.scope_args())
        if data is not FAILED:
            self.post_message(StatusLoaded(data))

    def on_status_loaded(self, message: StatusLoaded) -> None:
        self.app.status_loaded(message.data)
        metric = self.app.default_metric()
        if metric is None and message.data["snapshot"] is None:
            self.post_message(TrendLoaded(None))
            return
        self.metric = metric or (self.metrics[0]["metric_id"] if self.metrics else None)
        if self.metric is not None:
            self.reload()

    @work(thread=True, exclusive=True, group="metrics")
    def load_metrics(self) -> None:
        metrics = self.call_source(self.source.targets)
        if metrics is not FAILED:
            self.post_message(TargetsLoaded(metrics))

    def on_targets_loaded(self, message: TargetsLoaded) -> None:
        message.stop()
        self.metrics = message.metrics

    def on_trend_loaded(self, message: TrendLoaded) -> None:
        self.trend = message.trend
        self.query_one("#trend-plot", Plot).update(trend_spec(self.trend, self.app))
        self.query_one("#trend-legend", Static).update(self._legend(self.trend))
        self._show_header()

    def on_points_loaded(self, message: PointsLoaded) -> None:
        points = message.points
        table = self.query_one("#points", KeyTable)
        unit = points["metric"]["unit"]
        table.clear()
        for row in points["rows"]:
            table.add_row(short_time(row["recorded_at"]), value_or_dash(row["value"], unit),
                          format_percent(row["change_percent"]),
                          "cold" if row["cold_start"] else "warm",
                          (row["commit"] or "—")[:8], row["host"] or "—",
                          key=str(row["snapshot_id"]))
        shown = len(points["rows"])
        table.border_title = (f"newest {shown:,} of {points['total']:,} runs"
                              if points["total"] > shown else f"{shown:,} runs")

    # -- header -------------------------------------------------------------------------------
    def _show_header(self) -> None:
        from perftui.core.trends import RANGE_LABELS

        trend = self.trend
        title = self.query_one("#trend-title", Static)
        info = self.query_one("#trend-info", Static)
        if trend is None:
            title.update(Text("No runs in this store yet.", style="bold"))
            info.update("")
            return
        m = trend.metric
        better = "lower is better" if m["direction"] == "lower" else "higher is better"
        head = Text()
        head.append(f"{m['metric_id']} {m['name']}", style="bold")
        head.append(f"  {m['unit'] or 'no unit'}, {better}", style="dim")
        if not m["active"]:
            head.append("  inactive", style="italic")
        title.update(head)
        text = Text()
        text.append(RANGE_LABELS[trend.range], style="bold")
        cold = (f", {trend.cold_total:,} cold" if trend.cold_starts
                else ", cold starts hidden")
        text.append(f" · {trend.total:,} runs{cold}")
        base = trend.baseline
        unit = m["unit"] if m["unit"] in SHORT_UNITS else ""
        if base:
            text.append(f" · baseline {value_or_dash(base['median'], unit)}")
            text.append(f" (p5 {value_or_dash(base['p5'], unit)}–p95 "
                        f"{value_or_dash(base['p95'], unit)})", style="dim")
        if m.get("target") is not None:
            text.append(f" · target {value_or_dash(m['target'], unit)}")
        if trend.daily_x:
            text.append(f" · {len(trend.daily_x)} earlier days as daily medians", style="dim")
        alerts = len(trend.alerts)
        if alerts:
            text.append(f" · {alerts} alert{'s' if alerts != 1 else ''}")
        info.update(text)

    def _legend(self, trend) -> Text:
        """What each mark means; entries for things not on this chart are left out."""
        entries = [("⣿", "runs")]
        if trend is None or trend.cold_x:
            entries.append(("•", "cold"))
        if trend is not None and trend.daily_x:
            entries.append(("⣀", "daily"))
        entries += [("─", "median"), ("·", "p5–p95"), ("╌", "target"), ("┄", "warn"),
                    ("━", "error"), ("x", "alert")]
        text = Text(" ", no_wrap=True, overflow="ellipsis")
        for symbol, label in entries:
            text.append(symbol, style="bold")
            text.append(f" {label}  ", style="dim")
        return text

    # -- actions ------------------------------------------------------------------------------
    def show_metric(self, metric: str) -> None:
        if metric != self.metric:
            self.metric = metric
            self.trend = None
            self.reload()

    def action_cycle_range(self) -> None:
        from perftui.core.trends import next_range

        self.range = next_range(self.range)
        self.reload()

    def action_toggle_cold(self) -> None:
        self.cold_starts = not self.cold_starts
        self.reload()

    def action_toggle_table(self) -> None:
        self.show_table = not self.show_table
        table = self.query_one("#points", KeyTable)
        table.display = self.show_table
        if self.show_table and self.metric:
            self.load_points(self.metric, self.range, self.cold_starts)
            table.focus()

    def action_next_metric(self, step: int) -> None:
        ids = [m["metric_id"] for m in self.metrics]
        if not ids:
            return
        index = ids.index(self.metric) if self.metric in ids else -1
        self.show_metric(ids[(index + step) % len(ids)])

    def action_pick_metric(self) -> None:
        from perftui.tui.dialogs.pick_metric import PickMetric

        if not self.metrics:
            return

        def chosen(metric: str | None) -> None:
            if metric:
                self.show_metric(metric)

        self.app.push_screen(PickMetric(self.metrics, self.metric), chosen)
