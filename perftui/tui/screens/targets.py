"""Screen 4, Targets: the metric catalog.

A table of metrics with their unit, good direction, target / warning / error lines and
whether they are active. e or enter edits the lines (validated, store unchanged on error),
space switches a metric on or off, n adds a metric, t shows the audit trail of the selected
metric (T: of all metrics).
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from perftui.tui.css import tcss
from perftui.tui.format import value_or_dash
from perftui.tui.messages import TargetSaved, TargetsLoaded
from perftui.tui.screens.base import FAILED, DataScreen
from perftui.tui.widgets.tables import KeyTable


COLUMNS = (("id", 9), ("name", 20), ("unit", 6), ("better", 6), ("target", 6),
           ("warn", 6), ("error", 6), ("on", 3))


class TargetsScreen(DataScreen):
    CSS_PATH = tcss("targets")
    MODE = "targets"
    BINDINGS = [
        Binding("e", "edit", "Edit", tooltip="Edit target, warning and error lines",
                id="targets.edit"),
        Binding("space", "toggle_active", "On/off", tooltip="Enable or disable the metric",
                id="targets.toggle"),
        Binding("n", "add_metric", "Add", tooltip="Add a metric to the catalog",
                id="targets.add"),
        Binding("t", "audit", "Audit", tooltip="Audit trail of the selected metric",
                id="targets.audit"),
        Binding("T", "audit_all", "Audit all", show=False, id="targets.audit_all"),
    ]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.metrics: list[dict] = []

    def compose(self) -> ComposeResult:
        yield from self.compose_navbar()
        yield KeyTable(id="targets-table")
        yield Static("", id="target-info")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one("#targets-table", KeyTable)
        for label, width in COLUMNS:
            table.add_column(label, key=label, width=width)
        table.focus()
        self.reload()

    def on_resize(self) -> None:
        """Give the name column what the screen has to spare."""
        table = self.query_one("#targets-table", KeyTable)
        fixed = sum(w for label, w in COLUMNS if label != "name") + 2 * len(COLUMNS) + 2
        column = table.columns.get("name")
        if column is not None:
            column.width = max(12, min(40, self.size.width - fixed))
            table.refresh()

    def reload(self) -> None:
        super().reload()
        self.load_targets()

    @work(thread=True, exclusive=True, group="targets")
    def load_targets(self) -> None:
        metrics = self.call_source(self.source.targets)
        if metrics is not FAILED:
            self.post_message(TargetsLoaded(metrics))

    def on_targets_loaded(self, message: TargetsLoaded) -> None:
        table = self.query_one("#targets-table", KeyTable)
        current = self.selected_metric()
        self.metrics = message.metrics
        table.clear()
        for m in self.metrics:
            unit = "ratio" if m["unit"] == "ratio" else ""  # the unit column names the rest
            active = Text("on", style="bold") if m["active"] else Text("off", style="dim")
            table.add_row(m["metric_id"], m["name"], m["unit"] or "—",
                          "lower" if m["direction"] == "lower" else "higher",
                          value_or_dash(m["target"], unit), value_or_dash(m["warning"], unit),
                          value_or_dash(m["error"], unit), active, key=m["metric_id"])
        if current is not None:
            ids = [m["metric_id"] for m in self.metrics]
            if current["metric_id"] in ids:
                table.move_cursor(row=ids.index(current["metric_id"]), animate=False)
        self._show_info()

    def selected_metric(self) -> dict | None:
        table = self.query_one("#targets-table", KeyTable)
        if not self.metrics or table.row_count == 0:
            return None
        return self.metrics[min(table.cursor_row, len(self.metrics) - 1)]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_info()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_edit()

    def _show_info(self) -> None:
        m = self.selected_metric()
        info = self.query_one("#target-info", Static)
        if m is None:
            info.update("")
            return
        text = Text()
        text.append(f"{m['metric_id']}", style="bold")
        if m.get("key"):
            text.append(f" ({m['key']})", style="dim")
        text.append(f"  {m['description'] or m['name']}\n")
        text.append(f"source: {m['source'] or '—'} · updated {(m['updated_at'] or '')[:16]}"
                    f" by {m['updated_by'] or '—'}", style="dim")
        info.update(text)

    # -- actions ------------------------------------------------------------------------------
    def _writable(self, what: str) -> bool:
        if self.source.read_only:
            self.notify(f"The store is open read-only: {what} is not available.",
                        title="Read-only", severity="warning")
            return False
        return True

    def action_edit(self) -> None:
        from perftui.tui.dialogs.edit_target import EditTarget

        metric = self.selected_metric()
        if metric is None or not self._writable("editing targets"):
            return

        def done(row: dict | None) -> None:
            if row is not None:
                self.notify(f"{row['metric_id']}: target {value_or_dash(row['target'], row['unit'])}"
                            f", warning {value_or_dash(row['warning'], row['unit'])}, error "
                            f"{value_or_dash(row['error'], row['unit'])}", title="Target saved")
                self.app.data_changed()

        self.app.push_screen(EditTarget(metric), done)

    def action_toggle_active(self) -> None:
        metric = self.selected_metric()
        if metric is None or not self._writable("enabling or disabling metrics"):
            return
        self.write_active(metric["metric_id"], not metric["active"])

    @work(thread=True, exclusive=True, group="targets-write")
    def write_active(self, metric: str, active: bool) -> None:
        row = self.call_source(self.source.set_target, metric, active=active, write=True,
                               reason="enabled in the TUI" if active else "disabled in the TUI")
        if row is not FAILED:
            self.post_message(TargetSaved(row, "enabled" if active else "disabled"))

    def on_target_saved(self, message: TargetSaved) -> None:
        self.notify(f"{message.metric['metric_id']} {message.what}", title="Catalog")
        self.app.data_changed()

    def action_add_metric(self) -> None:
        from perftui.tui.dialogs.add_metric import AddMetric

        if not self._writable("adding metrics"):
            return

        def done(row: dict | None) -> None:
            if row is not None:
                self.notify(f"{row['metric_id']} added", title="Catalog")
                self.app.data_changed()

        self.app.push_screen(AddMetric(), done)

    def action_audit(self) -> None:
        from perftui.tui.dialogs.audit import AuditTrail

        metric = self.selected_metric()
        self.app.push_screen(AuditTrail(metric["metric_id"] if metric else None))

    def action_audit_all(self) -> None:
        from perftui.tui.dialogs.audit import AuditTrail

        self.app.push_screen(AuditTrail(None))
