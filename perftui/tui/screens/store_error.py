"""Shown instead of the data when the store cannot be used: missing, locked, corrupt, from a
newer perftui. One clear line, what to do about it, r to retry and q to quit; no traceback."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from perftui.tui.css import tcss

HINTS = {
    "StoreMissing": "Record a run from your app, run `perftui record KEY=VALUE`, or create a "
                    "demo store with `perftui demo`. This screen retries by itself when the "
                    "store appears.",
    "StoreLocked": "Another process holds a write lock. It is usually released in a moment: "
                   "press r to retry.",
    "StoreNotAStore": "Point --db at a perftui store, or move this file aside and record again.",
    "StoreCorrupt": "The file is damaged: restore it from a backup, or export what can still "
                    "be read with `perftui export`.",
    "StoreFull": "Free some disk space (or raise the file size limit), then press r to retry.",
    "StoreTooNew": "This store was written by a newer perftui: upgrade perftui to open it.",
    "StoreReadOnly": "Open it with --read-only, or fix the file's permissions.",
    "StoreUnwritable": "Check the path and its permissions, or choose another with --db.",
}


class StoreErrorScreen(ModalScreen[None]):
    CSS_PATH = tcss("dialogs")
    BINDINGS = [
        Binding("r", "retry", "Retry", tooltip="Try to open the store again", id="error.retry"),
        Binding("q", "app.quit", "Quit", id="error.quit"),
    ]

    def __init__(self, error: str, kind: str, path: str):
        super().__init__(id="store-error")
        self.error = error
        self.kind = kind
        self.path = path

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="store-error-box"):
            yield Static(Text(self.error, style="bold"), id="store-error-message")
            yield Static(Text(HINTS.get(self.kind, "Press r to retry."), style="dim"),
                         id="store-error-hint")
            yield Static(Text(f"store: {self.path}", style="dim"), id="store-error-path")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#store-error-box").border_title = "The store cannot be opened"

    def show(self, error: str, kind: str) -> None:
        """Show another failure. One that arrives before this screen is composed (two reads
        failing at once as the app starts) only replaces what compose will show."""
        self.error, self.kind = error, kind
        if not self.query("#store-error-message"):
            return
        self.query_one("#store-error-message", Static).update(Text(error, style="bold"))
        self.query_one("#store-error-hint", Static).update(
            Text(HINTS.get(kind, "Press r to retry."), style="dim"))

    def action_retry(self) -> None:
        self.app.retry_store()
