"""What the catalog dialogs (edit target lines, add a metric) share: the inline problem line,
the write that answers with TargetSaved or TargetRejected, and escape to cancel."""

from __future__ import annotations

from typing import Callable

from rich.text import Text
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Static

from perftui.tui.css import tcss
from perftui.tui.messages import TargetRejected, TargetSaved
from perftui.tui.screens.base import describe_failure


class CatalogForm(ModalScreen[dict | None]):
    CSS_PATH = tcss("dialogs")
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]
    PROBLEM_ID = ""  # the Static that shows what is wrong, inline

    def show_error(self, text: str | None) -> None:
        error = self.query_one(f"#{self.PROBLEM_ID}", Static)
        error.update(Text(text, style="bold") if text else "")
        error.set_class(bool(text), "-visible")

    def write(self, change: Callable[[], dict], what: str = "saved") -> None:
        """Run `change` (a core call, in the caller's worker thread) and answer with a message;
        a refusal is shown inline and the store is unchanged."""
        try:
            row = change()
        except Exception as exc:  # noqa: BLE001 - shown inline; nothing was written
            _, text, _ = describe_failure(exc, write=True)
            self.post_message(TargetRejected(text))
            return
        self.post_message(TargetSaved(row, what))

    def on_target_rejected(self, message: TargetRejected) -> None:
        message.stop()
        self.show_error(message.error)

    def on_target_saved(self, message: TargetSaved) -> None:
        message.stop()
        self.dismiss(message.metric)

    def action_cancel(self) -> None:
        self.dismiss(None)
