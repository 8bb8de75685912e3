"""A confirmation with a notes field: enter confirms (with the notes), escape cancels.

Used to acknowledge an alert, acknowledge every visible alert, accept a new baseline and
prune. Dismisses with the notes text ('' when left empty) or None when cancelled.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from perftui.tui.css import tcss


class NotesDialog(ModalScreen[str | None]):
    CSS_PATH = tcss("dialogs")
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, title: str, description: str | Text, *, placeholder: str = "notes (optional)",
                 confirm: str = "enter confirms", notes: bool = True, id: str | None = None):
        super().__init__(id=id)
        self.title_text = title
        self.description = description
        self.placeholder = placeholder
        self.confirm = confirm
        self.with_notes = notes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="notes-dialog"):
            yield Static(self.description, id="notes-description")
            yield Input(placeholder=self.placeholder, id="notes", max_length=2000)
            yield Static(Text(f"{self.confirm} · escape cancels", style="dim"),
                         classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one("#notes-dialog").border_title = self.title_text
        notes = self.query_one("#notes", Input)
        if not self.with_notes:
            notes.placeholder = "press enter to confirm"
        notes.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
