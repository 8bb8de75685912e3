"""One browser tab's TUI: what `perftui serve` runs for each websocket (textual-serve starts
`python -m perftui.tui.served [--allow-writes]` with PERFTUI_DB, PERFTUI_APP and PERFTUI_ENV
set by the server).

It is `perftui tui` with two differences that follow from its user being a browser, perhaps on
another machine: the store is read-only unless the server allows writes, and exporting is
refused, since an export writes a file on the server's disk (at a path the browser user types,
replacing one when asked twice), which is not the browser user's to write. `perftui export`
on the server does it.
"""

from __future__ import annotations

import sys

from perftui.tui.data import StoreSource

SERVER_PID = "PERFTUI_SERVE_PID"   # set by `perftui serve` for the sessions it starts
EXPORT_REFUSED = ("exporting writes a file on the server's disk, which a browser session "
                  "may not do: run `perftui export` on the server")


class ServedSource(StoreSource):
    """The TUI's source for a browser session: every read as in the terminal, no export."""

    def export(self, path: str, app: str | None = None, environment: str | None = None, *,
               force: bool = False) -> dict:
        from perftui.errors import InputError

        raise InputError(EXPORT_REFUSED)


def exit_with_parent(interval: float = 1.0) -> None:
    """End this process when the server that started it is gone (its parent changes): Textual's
    web driver does not end at the end of its input, so a server killed outright would leave
    its sessions running, each holding the store open and polling it. A TUI session holds
    nothing a sudden end loses (every write is one transaction)."""
    import os
    import threading
    import time

    # the server names itself (it may be gone before this process gets here)
    parent = int(os.environ.get(SERVER_PID) or os.getppid())

    def watch() -> None:
        while True:
            time.sleep(interval)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, name="perftui-parent", daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    exit_with_parent()
    source = ServedSource(None, read_only="--allow-writes" not in argv)
    source.start_early_status(None, None)   # as `perftui tui` does: data in the first frame
    from perftui.tui.app import run

    return run(source=source)


if __name__ == "__main__":
    raise SystemExit(main())
