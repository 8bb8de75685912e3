"""Notifications from the TUI (issue 13): what the store's channels have not been told yet is
sent from a worker thread once the first frame is out, and again whenever the store changes
(a run another process recorded, an acknowledgement made here). The recorder only leaves
alerts behind; a perftui process sends them, and an open TUI is one.

Never in a read-only session (`--read-only`, `perftui serve`) and never with PERFTUI_NOTIFY=0.
Two perftui processes sending at once are kept from sending twice by the channel's lease
(`perftui.core.notify`). A failed send is a warning toast, retried on the next change.
"""

from __future__ import annotations

import os
from functools import partial


def enabled(app) -> bool:
    return (not getattr(app.source, "read_only", False)
            and os.environ.get("PERFTUI_NOTIFY", "").strip() != "0")


def send_pending(app) -> None:
    """Start a send in a worker thread (one at a time; a later change waits for the next)."""
    if enabled(app):
        app.run_worker(partial(_send, app), thread=True, exclusive=True, group="notify",
                       name="notify", exit_on_error=False)


def _send(app) -> None:
    from perftui.core.notify import send_after_command

    for line in send_after_command(app.source.path):
        app.call_from_thread(app.notify, line, title="Notifications", severity="warning",
                             timeout=8)
