"""Live refresh: a polling thread that notices when another process writes to the store.

Every `interval` seconds it reads the store's change token (`perftui.core.session.change_token`)
on a dedicated read-only handle (microseconds, no lock taken) and calls `on_change` when it moved. A store that cannot be
opened yet (missing, being created) is retried each interval, so a TUI started before the
first recording comes alive when it lands; one missing at the first reading is reported to the
screens at once (it may have gone after they loaded it). Switched off in tests with `live=False`.
"""

from __future__ import annotations

import threading
from typing import Callable


class StoreWatcher:
    def __init__(self, path: str, on_change: Callable[[], None], interval: float = 1.0):
        self.path = path
        self.on_change = on_change
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._conn = None
        self._version: int | None = None
        self._exists = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="perftui-watch", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=2)
        self._thread = None

    @property
    def ready(self) -> bool:
        """True once the first reading is taken (changes after it are noticed)."""
        return self._version is not None

    def _run(self) -> None:
        self.poll()  # the first reading: what is there now is what the screens load
        if self._exists is False:
            # No store to read now. The screens may have loaded it just before it went (this
            # starts after their first frame): they look again and say so. On a store that was
            # never there they find what they already show.
            self.on_change()
        while not self._stop.wait(self.interval):
            if self.poll():
                self.on_change()
        if self._conn is not None:
            self._conn.close()

    def poll(self) -> bool:
        """One check; True when the store changed since the previous check."""
        from perftui.core.session import change_token, open_session

        try:
            if self._conn is None:
                self._conn = open_session(self.path, readonly=True)
                appeared = self._version is None and self._exists is False
                self._version = change_token(self._conn)
                self._exists = True
                return appeared
            if self._conn.outdated():   # deleted, replaced, or an immutable read gone stale
                self._conn.close()
                self._conn = None
                self._version = None
                self._exists = True     # not "appeared" again when the next poll reopens it
                return True
            version = change_token(self._conn)
        except Exception:  # noqa: BLE001 - the poller outlives any failure; screens report it
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            self._exists = False
            self._version = None
            return False
        changed = version != self._version
        self._version = version
        return changed
