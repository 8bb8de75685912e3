"""Screen 2, Trends: one metric over time.

A plotext chart of the runs in a time range (r cycles 24 h / 7 d / 30 d / all) with the
baseline median and p5-p95 band, the target lines and alert marks; cold starts shown or
hidden (c); a table of the newest runs on demand (t); another metric with m (a picker) or
[ and ]. Histories of any length arrive downsampled to the chart's width
(`perftui.core.trends`).
"""

from __future__ import annotations

import threading

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from perftui.tui.charts import trend_spec
from perftui.tui.css import tcss
from perftui.tui.format import format_percent, short_time, value_or_dash
from perftui.tui.messages import (PointsLoaded, StatusLoaded, StoreChanged, TargetsLoaded,
                                  TrendLoaded)
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
            self._rollups_behind()

    def _rollups_behind(self) -> None:
        """A chart folds at most ROLLUP_REFRESH_LIMIT new runs into the hourly rollups before it
        draws; a store further behind (recorders never fold, and nobody charted or reported it
        for a long while) is read run by run until they are built. So they are built now, in
        the background, once a session: each chart after that costs its hours, not its runs."""
        from perftui.core.trends import ROLLUP_REFRESH_LIMIT

        app = self.app
        building = app.rollups_building
        if app.rollups_tried or not building.acquire(blocking=False):
            return   # done, failed or under way
        try:
            behind = self.source.rollups_pending()
        except Exception:  # noqa: BLE001 - only a chance to speed charts up; nothing to report
            behind = 0
        if behind <= ROLLUP_REFRESH_LIMIT:
            building.release()
            return
        app.rollups_tried = True
        try:
            # a daemon thread, not a worker: quitting must not wait for a fold of a million
            # runs (what it committed stays; the next build goes on from there)
            threading.Thread(target=build_rollups, args=(app, self.source, behind),
                             name="perftui-rollups", daemon=True).start()
        except Exception:  # noqa: BLE001 - no thread: the charts read runs as before
            building.release()

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


def build_rollups(app, source, behind: int) -> None:
    """Build the hourly rollups (`TrendsScreen._rollups_behind`), saying when it starts and how
    it ended; the visible screen reloads from them when they are built."""
    from perftui.tui.screens.base import describe_failure

    def tell(text: str, **options) -> None:
        try:
            app.call_from_thread(app.notify, text, title="Rollups", **options)
        except Exception:  # noqa: BLE001 - the app is gone
            pass

    built, failure = False, None
    try:
        tell(f"Summarising {behind:,} runs into hourly rollups in the background; long charts "
             "read them once they are built.", timeout=8)
        built = source.build_rollups()
    except Exception as exc:  # noqa: BLE001 - reported below, never as a store error
        failure = describe_failure(exc, True)[1]
    finally:
        app.rollups_building.release()
    if built:
        tell("Hourly rollups built: a chart of any length now costs its hours, not its runs.",
             timeout=6)
        app.post_message(StoreChanged())
    else:
        tell(f"Hourly rollups not built ({failure or 'the store is busy or not yours to write'})"
             ": long charts are read run by run.", severity="warning", timeout=8)
