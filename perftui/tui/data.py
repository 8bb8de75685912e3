"""Where the TUI's data comes from: `StoreSource`, a thin, blocking adapter over `perftui.core`.

Screens never touch the store: their thread workers call a source method and post the answer
back as a message. The source is injected (`PerftuiApp(source=StoreSource(path))`), so tests
point it at a temporary store and a fixed clock. Every call takes the source's lock: the one
open store is shared by all worker threads, and reads are short, so serialising them costs
nothing a person would notice. The store is opened through `perftui.core.session`: the TUI
never opens a database itself.

Heavy imports (the core modules) happen on first use, inside a worker thread, so the first paint
never waits for them; at launch the first status read goes to a forked child process instead
(`start_early_status`, `perftui.tui.early`), so this process does not import them at all before
its first frame.
"""

from __future__ import annotations

import threading
from datetime import datetime
from collections.abc import Callable
from typing import Any


class StoreSource:
    """Blocking data access for the TUI; call from worker threads only."""

    def __init__(self, path: str | None = None, read_only: bool = False,
                 clock: Callable[[], datetime] | None = None):
        from perftui.core.session import shown_location, store_location

        self.path = store_location(path)
        self.shown = shown_location(path)   # for titles and messages: a URL without password
        self.read_only = read_only
        self._clock = clock
        self._store = None
        self._lock = threading.RLock()
        self._early: EarlyRead | None = None

    # -- plumbing -----------------------------------------------------------------------------
    def now(self) -> datetime:
        if self._clock is not None:
            return self._clock()
        from perftui.timefmt import utcnow

        return utcnow()

    def _open(self):
        if self._store is not None and self._store.outdated():
            # the file was deleted or replaced, or (read without locks, someone else's store)
            # written since: read what is at the path now; a deleted store is reported as
            # missing, never created again
            self.close()
        if self._store is None:
            from perftui.core.session import open_session

            self._store = open_session(self.path, readonly=self.read_only)
        return self._store

    def _read(self, fn: Callable[..., Any], *args, **kwargs) -> Any:
        """Every read and write answer passes here: its text comes back `safe`."""
        with self._lock:
            return safe(fn(self._open(), *args, **kwargs))

    def _write(self, what: str, fn: Callable[..., Any], *args, **kwargs) -> Any:
        if self.read_only:
            from perftui.errors import StoreReadOnly

            raise StoreReadOnly(f"the store is open read-only: {what} is not available "
                                "(reopen without --read-only)")
        return self._read(fn, *args, **kwargs)

    def check(self) -> None:
        """Open the store (raises the StoreError a person can act on)."""
        with self._lock:
            self._open()

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None

    def reset(self) -> None:
        """Forget the open store so the next call opens it afresh (retry after an error)."""
        self.close()

    # -- reads ----------------------------------------------------------------------------------
    def resolve_scope(self, app: str | None, environment: str | None) -> tuple[str, str] | None:
        from perftui.core.scope import resolve_scope

        return self._read(resolve_scope, app, environment)

    def status(self, app: str | None, environment: str | None) -> dict:
        early = self._early
        if early is not None and early.key == (app, environment):
            self._early = None
            return early.result()       # read while the UI was being imported
        return self._status(app, environment)

    def _status(self, app: str | None, environment: str | None) -> dict:
        from perftui.core.status import status

        return self._read(status, app, environment)

    # -- the first read, before the UI exists ------------------------------------------------
    def start_early_status(self, app: str | None, environment: str | None, *,
                           fork: bool | None = None) -> None:
        """Read the status screen's data now, while the caller goes on to import the UI
        (Textual takes far longer to import than the read takes); the first `status()` call
        with the same scope gets it.

        The read runs in a child process forked now (`perftui.tui.early`), off this process's
        GIL, when `fork` is True or, left None, when `fork_early()` says so; if it cannot
        fork, or the child fails, the read is done in this process as without it. Either way
        a thread of this process waits for the answer (`EarlyRead`)."""
        def read() -> dict:
            return self._status(app, environment)

        child = None
        if fork or (fork is None and self.fork_early()):
            if self._store is None and not self._is_url():   # no connection shared with it
                from perftui.tui import early

                child = early.fork_read(read, after=self.close, timeout=None if self.read_only
                                        else early.TIMEOUT_WRITING_S)
        if child is None:
            self._early = EarlyRead((app, environment), read)
        else:
            self._early = EarlyRead((app, environment), lambda: child.result(fallback=read))
        self._early.child = child

    def fork_early(self) -> bool:
        """Whether the first read is forked unless told: on POSIX, for an SQLite store (a
        PostgreSQL read waits on the server, not on the GIL, and a second login per start is
        not worth it), when a second core is likely free (`early.spare_core`: on a busy
        machine a child gains nothing), not for a source with an injected clock.
        PERFTUI_EARLY_FORK=0: never (the test suite's conftest sets it: a child of the test
        process would run the test's monkeypatches where the test cannot see them; a test asks
        with `fork=True`); =1: whatever the load (A/B benchmarks); the other conditions hold
        either way."""
        import os

        choice = os.environ.get("PERFTUI_EARLY_FORK", "")
        if choice == "0" or not (hasattr(os, "fork") and self._clock is None
                                 and not self._is_url()):
            return False
        if choice == "1":
            return True
        from perftui.tui.early import spare_core

        return spare_core()

    def _is_url(self) -> bool:
        from perftui.core.session import is_url   # (faces ask core, never the store)

        return is_url(str(self.path))

    def early_status(self, app: str | None, environment: str | None) -> dict | None:
        """The early read's data if it has already arrived (never waits), else None."""
        early = self._early
        if early is None or early.key != (app, environment) or not early.ready:
            return None
        try:
            return self.status(app, environment)
        except Exception:  # noqa: BLE001 - the screen's own load reports it
            return None

    def trend(self, metric: str, app: str, environment: str, range: str, cold_starts: bool,
              max_points: int):
        from perftui.core.trends import trend

        return self._read(trend, metric, app, environment, range, cold_starts, max_points,
                          self.now())

    def rollups_pending(self) -> int:
        """Snapshots the hourly rollups have not folded yet; 0 on a store opened read-only
        (nothing is ever written to it)."""
        if self.read_only:
            return 0
        from perftui.core.trends import rollups_behind

        return self._read(rollups_behind)

    def build_rollups(self) -> bool:
        """Fold every pending snapshot into the hourly rollups, however many, on a connection of
        its own: the screens go on reading meanwhile, and the fold's short transactions leave
        recorders their turn (`perftui.core.trends.build_rollups`). True when they are current."""
        from perftui.core.session import open_session
        from perftui.core.trends import build_rollups

        store = open_session(self.path, readonly=self.read_only)
        try:
            return build_rollups(store)
        finally:
            store.close()

    def trend_points(self, metric: str, app: str, environment: str, range: str,
                     cold_starts: bool, limit: int = 500) -> dict:
        from perftui.core.trends import trend_points

        return self._read(trend_points, metric, app, environment, range, cold_starts, limit,
                          self.now())

    def alerts(self, app: str | None, environment: str | None, severity: str | None,
               status: str, unacknowledged: bool) -> list[dict]:
        from perftui.core.alerts import list_alerts

        return self._read(lambda store: list_alerts(
            store, severity=severity, status=status, unacknowledged=unacknowledged, app=app,
            environment=environment, limit=2000))

    def alert_detail(self, alert_id: int) -> tuple[dict, list[tuple[int, str, float]]]:
        from perftui.core.alerts import alert_history, get_alert

        def both(store):
            alert = get_alert(store, alert_id)
            return alert, alert_history(store, alert)

        return self._read(both)

    def alert_profile(self, alert_id: int, limit: int = 15) -> dict:
        """The profile of an alert as `perftui.core.profiles.alert_profile` gives it (what grew
        since the baseline, the top functions); {"missing": why} when it has none yet and
        {"damaged": why} when it cannot be read (said in the screen, not as an error)."""
        from perftui.core.profiles import NoProfile, ProfileUnreadable, alert_profile

        def read(store):
            try:
                return alert_profile(store, alert_id, limit)
            except NoProfile as exc:
                return {"missing": str(exc)}
            except ProfileUnreadable as exc:
                return {"damaged": str(exc)}

        return self._read(read)

    def current_vs_target(self, app: str | None, environment: str | None) -> dict:
        from perftui.core.bars import current_vs_target

        return self._read(current_vs_target, app, environment)

    def heatmap(self, app: str, environment: str, range: str, metric: str | None) -> dict:
        from perftui.core.heatmap import heatmap

        return self._read(heatmap, app, environment, range, metric, self.now())

    def targets(self) -> list[dict]:
        from perftui.core.targets import list_targets

        return self._read(list_targets)

    def audit(self, metric: str | None = None) -> list[dict]:
        from perftui.core.targets import audit_trail

        return self._read(audit_trail, metric)

    def export(self, path: str, app: str | None = None,
               environment: str | None = None, *, force: bool = False) -> dict:
        """Export to `path` (.csv: wide CSV, else full-fidelity JSON) through
        `perftui.core.export`, written whole or not at all, readable by the user only; an
        existing file is replaced only with `force` (the store never is)."""
        from perftui.core.export import export_to

        fmt = "csv" if path.lower().endswith(".csv") else "json"
        return self._read(lambda store: export_to(store, path, fmt, app=app,
                                                  environment=environment, force=force))

    def retention_plan(self) -> dict:
        from perftui.core.retention import plan

        return self._read(lambda store: plan(store, now=self.now()))

    # -- writes ---------------------------------------------------------------------------------
    def acknowledge(self, alert_ids: list[int], notes: str | None) -> list[dict]:
        from perftui.core.alerts import acknowledge, acknowledge_many

        if len(alert_ids) == 1:
            return [self._write("acknowledging", acknowledge, alert_ids[0], None, notes)]
        return self._write("acknowledging", acknowledge_many, alert_ids, None, notes)

    def accept_baseline(self, alert_id: int, notes: str | None) -> list[dict]:
        from perftui.core.alerts import accept_as_baseline

        return self._write("accepting a new baseline", accept_as_baseline, alert_id, None, notes)

    def set_target(self, metric: str, *, reason: str | None = None, **fields) -> dict:
        from perftui.core.targets import set_target

        return self._write("editing targets", lambda store: set_target(
            store, metric, reason=reason, **fields))

    def add_metric(self, entry: dict) -> dict:
        from perftui.core.targets import add_metric

        return self._write("adding a metric", add_metric, entry)

    def prune(self) -> dict:
        from perftui.core.retention import prune

        return self._write("pruning", lambda store: prune(store, now=self.now()))


# Terminal safety: stored text (names, units, notes, branches, hosts, imported benchmark names)
# may hold terminal control sequences ("\x1b]2;…\x07" renames the terminal or tmux pane). The
# screens only see what a source method returns, so that is the one place they are neutralised:
# every C0/C1 control character but tab and newline is shown as its escape ("\\x1b").
_CONTROL_ESCAPES = {c: f"\\x{c:02x}" for c in [*range(0x00, 0x20), *range(0x7F, 0xA0)]
                    if c not in (0x09, 0x0A)}


class EarlyRead:
    """One read running in its own thread; `result()` waits for it and returns its value or
    raises its error."""

    def __init__(self, key: tuple, read: Callable[[], Any]):
        self.key = key
        self.child = None   # the forked child doing the read (perftui.tui.early), if any
        self._read = read
        self._value: Any = None
        self._error: BaseException | None = None
        self._done = threading.Event()
        threading.Thread(target=self._run, name="perftui-early", daemon=True).start()

    def _run(self) -> None:
        try:
            self._value = self._read()
        except BaseException as exc:  # noqa: BLE001 - handed to whoever takes the result
            self._error = exc
        finally:
            self._done.set()

    @property
    def ready(self) -> bool:
        return self._done.is_set()

    def result(self) -> Any:
        self._done.wait()
        if self._error is not None:
            raise self._error
        return self._value


def safe(value: Any) -> Any:
    """`value` with every string in it (in dicts, lists, tuples and dataclasses, keys too)
    cleaned of terminal control characters; everything else as it is."""
    if value is None or isinstance(value, (int, float)):   # most of a series
        return value
    if isinstance(value, str):
        return value if value.isprintable() else value.translate(_CONTROL_ESCAPES)
    if isinstance(value, dict):
        return {safe(k): safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [safe(v) for v in value]
    if isinstance(value, tuple):
        items = [safe(v) for v in value]
        return value._make(items) if hasattr(value, "_make") else tuple(items)
    import dataclasses

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(value, **{f.name: safe(getattr(value, f.name))
                                             for f in dataclasses.fields(value) if f.init})
    return value
