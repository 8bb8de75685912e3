"""The audit trail of catalog changes (who changed which line when, old -> new, why)."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from perftui.tui.css import tcss
from perftui.tui.format import short_time
from perftui.tui.messages import AuditLoaded
from perftui.tui.screens.base import describe_failure
from perftui.tui.widgets.tables import KeyTable


class AuditTrail(ModalScreen[None]):
    CSS_PATH = tcss("dialogs")
    BINDINGS = [Binding("escape,q", "dismiss(None)", "Close", id="dialog.close")]

    def __init__(self, metric: str | None):
        super().__init__()
        self.metric = metric

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="audit-dialog"):
            yield KeyTable(id="audit-table")
            yield Static("", id="audit-note")

    def on_mount(self) -> None:
        box = self.query_one("#audit-dialog")
        box.border_title = f"Audit trail: {self.metric}" if self.metric else "Audit trail"
        box.border_subtitle = "escape closes"
        table = self.query_one("#audit-table", KeyTable)
        table.add_columns("when (UTC)", "metric", "field", "old → new", "by", "reason")
        table.focus()
        self.load(self.metric)

    @work(thread=True, exclusive=True, group="audit")
    def load(self, metric: str | None) -> None:
        try:
            changes = self.app.source.audit(metric)
        except Exception as exc:  # noqa: BLE001
            _, text, _ = describe_failure(exc)
            self.app.call_from_thread(self.query_one("#audit-note", Static).update, text)
            return
        self.post_message(AuditLoaded(changes))

    def on_audit_loaded(self, message: AuditLoaded) -> None:
        table = self.query_one("#audit-table", KeyTable)
        for c in message.changes:
            table.add_row(short_time(c["changed_at"]), c["metric_id"], c["field"],
                          f"{c['old_value'] or '—'} → {c['new_value'] or '—'}",
                          c["changed_by"] or "—", c["reason"] or "", key=str(c["id"]))
        note = self.query_one("#audit-note", Static)
        note.update("No changes recorded yet." if not message.changes
                    else f"{len(message.changes)} change(s), newest first")
