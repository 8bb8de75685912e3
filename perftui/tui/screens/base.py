"""What every data screen shares: the navigation bar, the footer, and the worker plumbing.

A `DataScreen` loads through thread workers; `call_source()` runs one source call inside the
worker and turns any failure into a message (`StoreFailed` for the store itself, `ActionFailed`
for a refused request), so no traceback ever reaches the terminal. The app bumps a
*generation* whenever the store changed; the visible screen reloads at once, the others when
they are shown again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget

from perftui.tui.messages import ActionFailed, StoreFailed
from perftui.tui.widgets.navbar import NavBar

FAILED = object()


class FooterStandIn(Widget):
    """What the footer shows in the app's first frame, an empty bar (KeysFooter builds its keys
    only after that frame): the same bar without Textual's Footer, whose module, styles and
    widgets the first frame would otherwise pay for. The screen puts the KeysFooter in its
    place right after the first frame."""

    DEFAULT_CSS = """
    FooterStandIn { dock: bottom; height: 1; background: $panel; }
    """

    def render(self) -> str:
        return ""   # (a plain Widget would show its class name)


def describe_failure(exc: BaseException, write: bool = False) -> tuple[type, str, str]:
    """(message class, one-line text, kind) for an exception raised by a source call.

    A store that cannot be read is a `StoreFailed` (the error screen, with retry), whatever
    the reason, a read-only store included (a screen must never stay on "Loading…"); a write
    refused because the store is read-only or another process holds the lock is only an
    `ActionFailed` (a notice: the screen's data is still good), as is bad input."""
    from perftui.errors import PerftuiError, StoreError

    if isinstance(exc, StoreError):
        kind = type(exc).__name__
        if write and kind in ("StoreReadOnly", "StoreLocked"):
            return ActionFailed, str(exc), kind
        return StoreFailed, str(exc), kind
    if isinstance(exc, PerftuiError):  # bad input, a file that cannot be written
        return ActionFailed, str(exc), type(exc).__name__
    return ActionFailed, f"internal error: {type(exc).__name__}: {exc}", "internal"


class DataScreen(Screen):
    """Base of the four main screens."""

    MODE = "status"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.generation = -1
        self._resumed = False

    def compose_navbar(self) -> ComposeResult:
        yield NavBar(self.MODE, id="navbar")

    def compose_footer(self) -> ComposeResult:
        if getattr(self.app, "first_frame_shown", True):
            from perftui.tui.widgets.footer import KeysFooter

            yield KeysFooter()
        else:
            yield FooterStandIn()
            self.app.after_first_frame(self._mount_footer, self)

    def _mount_footer(self) -> None:
        from perftui.tui.widgets.footer import KeysFooter

        stand_ins = self.query(FooterStandIn)
        footer = KeysFooter()
        with self.app.batch_update():
            self.mount(footer)
            stand_ins.remove()
        # Footer builds its keys when the screen's bindings change; they did before it was here
        footer.call_later(footer.bindings_changed, self)

    def on_mount(self) -> None:
        self.app.update_navbar(self)

    def _compositor_refresh(self) -> None:
        """Textual's, except while the app batches updates (all of its start-up): a frame
        rendered then is thrown away unseen (`App._display` drops it), and rendering one is a
        good part of the first frame's cost. The screen is marked for a repaint instead, which
        it does as soon as the batch ends."""
        if self.app._batch_count and self is self.app.screen and not self.app.is_inline:
            self._repaint_required = True
            return
        super()._compositor_refresh()

    def on_screen_resume(self, event) -> None:
        # (runs before Textual's own handler, on Screen.) The first time a screen is shown,
        # right after it was mounted, its nodes were styled as they were mounted: restyling
        # them all again would only delay the frame
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False
        self.app.update_navbar(self)
        if self.generation != self.app.generation:
            self.reload()

    def reload(self) -> None:
        """Load (again) what the screen shows; overridden by each screen."""
        self.generation = self.app.generation

    # -- worker side ------------------------------------------------------------------------------
    def call_source(self, fn: Callable[..., Any], *args, write: bool = False, **kwargs) -> Any:
        """Call a source method from a worker thread; failures become messages (FAILED)."""
        try:
            return fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - every failure becomes one line on screen
            cls, text, kind = describe_failure(exc, write)
            self.post_message(cls(text, kind))
            return FAILED

    @property
    def source(self):
        return self.app.source

    def scope_args(self) -> tuple[str | None, str | None]:
        return self.app.scope_args()

    def on_action_failed(self, message: ActionFailed) -> None:
        message.stop()
        self.notify(message.error, title="Not done", severity="error", timeout=6)
