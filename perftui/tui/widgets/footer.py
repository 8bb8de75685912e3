"""Textual's Footer, without the start-up work it repeats.

Every change of the screen's bindings (the screen shown, focus moving) makes Textual's Footer
schedule a recompose; at start-up several come one after the other and each rebuilds every key.
Each new key also starts `compact` and then takes the footer's value, and each of the two steps
restyles it. This one builds its keys once the app's first frame is out (the footer is an empty
bar in that frame, for a moment), then once per batch of changes, and builds keys in their final
state; what it shows is Textual's.
"""

from __future__ import annotations

from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeysFooter(Footer):
    _recompose_pending = False
    _waiting_for_frame = False

    def bindings_changed(self, screen) -> None:
        app = self.app
        if not getattr(app, "first_frame_shown", True):
            if not self._waiting_for_frame:
                self._waiting_for_frame = True
                app.after_first_frame(lambda: self.bindings_changed(self.screen), self)
            return
        if self._recompose_pending:
            self._bindings_ready = True   # the recompose already scheduled shows these too
            return
        super().bindings_changed(screen)
        self._recompose_pending = self._bindings_ready and self.app.app_focus \
            and self.is_attached and screen is self.screen

    async def recompose(self) -> None:
        self._recompose_pending = False
        await super().recompose()

    def compose(self):
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                # already as it will be (the footer's value for keys bound to it, else its
                # own, which the command palette's key keeps): no restyle when it is set
                bound = "compact" in (getattr(widget, "_reactive_connect", None) or {})
                compact = self.compact if bound else widget.compact
                widget.set_reactive(FooterKey.compact, compact)
                widget.set_class(compact, "-compact", update=False)
            yield widget
