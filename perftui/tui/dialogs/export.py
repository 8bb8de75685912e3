"""Export from the palette: a file name (.json: full fidelity, re-importable; .csv: a row per
run), written through `perftui.core.export` in a worker; enter exports, escape cancels.

The name should be new: for a file that exists the dialog says so and waits; enter again (on
the same name) replaces it. The store itself is never written over, confirmed or not."""

from __future__ import annotations

import os

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from perftui.tui.css import tcss
from perftui.tui.screens.base import describe_failure


class ExportDialog(ModalScreen[dict | None]):
    CSS_PATH = tcss("dialogs")
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, scope: tuple[str, str] | None, default_name: str):
        super().__init__()
        self.scope = scope
        self.default_name = default_name
        self.confirming: str | None = None  # the existing file a second enter replaces

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="export-dialog"):
            yield Static(self._description(), id="export-description")
            yield Input(self.default_name, id="export-path")
            yield Static("", id="export-problem")
            yield Static(Text("enter exports to a new file (on an existing one, enter again "
                              "replaces it) · escape cancels", style="dim"),
                         classes="dialog-help")

    def _description(self) -> Text:
        what = (f"the runs of {self.scope[0]}/{self.scope[1]}" if self.scope
                else "the whole store")
        return Text.assemble(("Export ", "bold"), what, "\n",
                             (".json keeps everything (perftui import reads it back); "
                              ".csv has a row per run and a column per metric.", "dim"))

    def on_mount(self) -> None:
        self.query_one("#export-dialog").border_title = "Export"
        self.query_one("#export-path", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        path = event.value.strip()
        if not path:
            self._problem("give a file name ending in .json or .csv")
            return
        force = path == self.confirming
        if not force and os.path.lexists(os.path.expanduser(path)):
            self.confirming = path
            self._problem(f"{path} exists; press enter again to replace it, or give a new name")
            return
        self._problem(None)
        self.query_one("#export-description", Static).update("Exporting…")
        self.export(path, force)

    def _problem(self, text: str | None) -> None:
        if text:  # the export is over: put the description back (it said "Exporting…")
            self.query_one("#export-description", Static).update(self._description())
        problem = self.query_one("#export-problem", Static)
        problem.update(Text(text, style="bold") if text else "")
        problem.set_class(bool(text), "-visible")

    @work(thread=True, exclusive=True, group="export")
    def export(self, path: str, force: bool = False) -> None:
        app_name, environment = self.scope or (None, None)
        try:
            summary = self.app.source.export(path, app_name, environment, force=force)
        except Exception as exc:  # noqa: BLE001 - shown inline; no half file is left
            _, text, _ = describe_failure(exc)
            self.app.call_from_thread(self._problem, text)
            return
        self.app.call_from_thread(self.dismiss, summary)

    def action_cancel(self) -> None:
        self.dismiss(None)
