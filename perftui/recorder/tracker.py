"""PerformanceTracker: the recorder that lives inside someone else's application.

It keeps timers and metrics in memory and writes one snapshot per call to
`record_baseline_snapshot()`, in one transaction. It never raises into the host app: a broken
store logs one warning and the app goes on. Importing it costs a few milliseconds: no ORM,
no numpy, no Textual (the store is opened through the standard library's sqlite3).
"""

from __future__ import annotations

import _thread
import os
import sys
import time

from perftui.recorder import context as ctx
from perftui.recorder.sanitize import hash_session_id, safe_number, sanitize_context, valid_name

TYPE_CHECKING = False  # typing costs milliseconds inside a host app's start-up
if TYPE_CHECKING:
    from typing import Any, Callable

_TRUE = ("1", "true", "yes", "on")


def _env_flag(name: str) -> bool | None:
    value = os.environ.get(name)
    if value is None or value == "":
        return None
    return value.strip().lower() in _TRUE


def _default_app_name() -> str:
    argv0 = sys.argv[0] if sys.argv and sys.argv[0] else ""
    base = os.path.basename(argv0)
    if base in ("__main__.py", "-c", "-m", ""):
        base = os.path.basename(os.path.dirname(argv0)) if base == "__main__.py" else ""
    stem = base[:-3] if base.endswith(".py") else base
    return stem if valid_name(stem) else "default"


class PerformanceTracker:
    """Timers, metrics and snapshots for one application run.

        tracker = PerformanceTracker.get_instance()
        tracker.start_operation("app_startup")
        ...
        tracker.stop_operation("app_startup")          # -> milliseconds
        tracker.record_metric("prompt_token_count", 2800)
        result = tracker.record_baseline_snapshot()    # -> RecordResult (snapshot_id, alerts) or None

    Configuration: arguments, else PERFTUI_DB, PERFTUI_APP, PERFTUI_ENV, PERFTUI_LOG_DIR,
    PERFTUI_SUMMARY (print the start-up summary; default: only when stderr is a terminal),
    PERFTUI_COLD_START; PERFTUI_DISABLE=1 makes every method a cheap no-op.
    """

    _instance: "PerformanceTracker | None" = None
    _instance_lock = _thread.allocate_lock()  # _thread: no import cost in host apps

    def __init__(self, db: str | os.PathLike | None = None, app: str | None = None,
                 environment: str | None = None, app_version: str | None = None, *,
                 disabled: bool | None = None, summary: bool | None = None,
                 log_dir: str | os.PathLike | None = None, cold_start: bool | None = None,
                 session_id: str | None = None, git_dir: str | os.PathLike | None = None,
                 busy_timeout_ms: int | None = None,
                 clock: Callable[[], float] = time.perf_counter):
        env = os.environ
        flag = _env_flag("PERFTUI_DISABLE")
        self.disabled = bool(disabled if disabled is not None else flag)
        self.db = str(db) if db else None
        from perftui.store.location import env_scope

        app, environment = env_scope(app, environment)
        self.app = app or _default_app_name()
        self.environment = environment or "local"
        self.app_version = app_version or env.get("PERFTUI_APP_VERSION")
        self.summary = summary if summary is not None else _env_flag("PERFTUI_SUMMARY")
        self.log_dir = str(log_dir) if log_dir else env.get("PERFTUI_LOG_DIR")
        self.cold_start = cold_start if cold_start is not None else _env_flag("PERFTUI_COLD_START")
        # A random id needs no hashing; one the app supplies is hashed (privacy).
        self.session_id = hash_session_id(session_id) if session_id else os.urandom(8).hex()
        self.git_dir = git_dir
        if busy_timeout_ms is None:
            try:
                busy_timeout_ms = int(env.get("PERFTUI_BUSY_TIMEOUT_MS") or 2000)
            except ValueError:
                busy_timeout_ms = 2000
        self.busy_timeout_ms = busy_timeout_ms
        self._clock = clock
        self._lock = _thread.allocate_lock()
        self._starts: dict[str, list[float]] = {}
        self._ops: dict[str, list] = {}          # name -> [total_ms, calls, errors, metric_id]
        self._metrics: dict[str, float] = {}
        self._errors: dict[str, str] = {}
        self._cache_stats: dict[str, dict[str, float]] = {}
        self._warned: set[str] = set()
        self._conn = None
        self._rss_at_start = None if self.disabled else ctx.current_rss_mb()
        self.last_result = None

    # -- singleton -------------------------------------------------------------------------
    @classmethod
    def get_instance(cls, **kwargs: Any) -> "PerformanceTracker":
        """The process-wide tracker, created on first use (kwargs apply to that creation)."""
        instance = cls._instance
        if instance is None:
            with cls._instance_lock:
                if cls._instance is None:
                    cls._instance = cls(**kwargs)
                instance = cls._instance
        return instance

    @classmethod
    def reset_instance(cls) -> None:
        """Forget the process-wide tracker (closes its store connection). For tests and forks."""
        with cls._instance_lock:
            if cls._instance is not None:
                cls._instance.close()
            cls._instance = None

    # -- timers ----------------------------------------------------------------------------
    def start_operation(self, operation_name: str) -> None:
        """Start timing an operation; nested starts of the same name are matched last-in first-out."""
        if self.disabled:
            return
        # dict.setdefault and list.append are atomic under the GIL: no lock on the hot path.
        self._starts.setdefault(operation_name, []).append(self._clock())

    def stop_operation(self, operation_name: str, error: BaseException | None = None,
                       metric_id: str | None = None) -> float:
        """Stop the innermost timer of this name; returns its duration in milliseconds.

        A stop without a start logs one warning and returns 0.0. `error` marks the call as
        failed (only the exception's type is kept). `metric_id` records the duration under that
        metric ("VAL-001"); otherwise the catalog's operation mapping, else "<name>_time_ms".
        """
        if self.disabled:
            return 0.0
        now = self._clock()
        try:
            start = self._starts[operation_name].pop()
        except (KeyError, IndexError):
            self._warn(f"unmatched:{operation_name}",
                       f"perftui: stop_operation({operation_name!r}) without a matching start")
            return 0.0
        duration = (now - start) * 1000.0
        self.add_duration(operation_name, duration, error, metric_id)
        return duration

    def add_duration(self, operation_name: str, duration_ms: float,
                     error: BaseException | None = None, metric_id: str | None = None) -> None:
        """Add one measured call of an operation (used by the decorator and context manager)."""
        if self.disabled:
            return
        with self._lock:
            entry = self._ops.get(operation_name)
            if entry is None:
                self._ops[operation_name] = [duration_ms, 1, 0 if error is None else 1, metric_id]
            else:
                entry[0] += duration_ms
                entry[1] += 1
                if error is not None:
                    entry[2] += 1
                if metric_id:
                    entry[3] = metric_id
            if error is not None:
                self._errors[operation_name] = type(error).__name__

    def measure(self, operation_name: str, metric_id: str | None = None):
        """`with tracker.measure("validation", "VAL-001"): ...`"""
        from perftui.recorder.decorators import Measure

        return Measure(operation_name, metric_id, tracker=self)

    # -- metrics ---------------------------------------------------------------------------
    def record_metric(self, metric_id: str, value: Any) -> None:
        """Record a metric by id ("API-002") or key ("prompt_token_count"). Non-numbers are dropped."""
        if self.disabled:
            return
        number = safe_number(value)
        if number is None or not valid_name(metric_id):
            self._warn(f"bad:{metric_id}",
                       f"perftui: ignored metric {metric_id!r}: a finite number is required")
            return
        with self._lock:
            self._metrics[metric_id] = number

    def record_cache_stats(self, cache: str, stats: dict) -> None:
        """Hit/miss counts and sizes of a cache; only numbers under safe keys are kept."""
        if self.disabled or not valid_name(cache):
            return
        with self._lock:
            self._cache_stats[cache] = sanitize_context(stats)

    def operations(self) -> dict[str, dict]:
        with self._lock:
            return {name: {"total_ms": round(e[0], 3), "calls": e[1], "errors": e[2],
                           "mean_ms": round(e[0] / e[1], 3) if e[1] else 0.0,
                           **({"metric": e[3]} if e[3] else {})}
                    for name, e in self._ops.items()}

    # -- snapshot --------------------------------------------------------------------------
    def record_baseline_snapshot(self, notes: str | None = None, *, cold_start: bool | None = None,
                                 failed: bool = False, reset: bool = True):
        """Write the collected metrics as one snapshot, evaluate it, and return the result.

        Returns a RecordResult (`.snapshot_id`, `.alerts`, `.performance_index`; `int(result)`
        is the id), or None when disabled or when the store could not be written (one warning
        is logged; the host app goes on). `notes` is not stored (no free text leaves the app);
        it is accepted for compatibility with the original API.
        """
        if self.disabled:
            return None
        try:
            result = self._record_with_retry(cold_start, failed)
        except Exception as exc:  # never raise into the host app
            self._warn("store", f"perftui: snapshot not recorded ({_describe(exc)})")
            return None
        if reset:
            with self._lock:
                self._ops.clear()
                self._metrics.clear()
                self._errors.clear()
                self._cache_stats.clear()
        self.last_result = result
        self._report(result)
        return result

    def _connection(self):
        if self._conn is None:
            from perftui.store.location import resolve_store_path
            from perftui.store.sqlite import connect

            self.db = resolve_store_path(self.db)
            self._conn = connect(self.db, busy_timeout_ms=self.busy_timeout_ms)
        return self._conn

    def _record_with_retry(self, cold_start: bool | None, failed: bool, attempts: int = 3):
        """Write the snapshot; a store still locked after the busy timeout is tried again."""
        from perftui.errors import StoreLocked

        for attempt in range(attempts):
            try:
                return self._record(cold_start, failed)
            except StoreLocked:
                if attempt == attempts - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    def _record(self, cold_start: bool | None, failed: bool):
        from perftui.recorder.evaluate import SnapshotInput, record_snapshot
        from perftui.store.metrics import load_catalog

        conn = self._connection()
        catalog = load_catalog(conn)  # for the operation -> metric mapping
        with self._lock:
            metrics = dict(self._metrics)
            ops = {name: list(e) for name, e in self._ops.items()}
            errors = dict(self._errors)
            cache_stats = dict(self._cache_stats)
        for name, (total, calls, _errs, metric_id) in ops.items():
            if not calls:
                continue
            target = metric_id
            if target is None:
                row = catalog.by_operation.get(name)
                target = row.code if row else f"{name}_time_ms"
            if valid_name(target) and target not in metrics:
                metrics[target] = total / calls
        peak = ctx.peak_rss_mb()
        if peak is not None and not ({"MEM-001", "peak_memory_mb"} & metrics.keys()):
            metrics["MEM-001"] = round(peak, 2)
        now_rss = ctx.current_rss_mb()
        if (now_rss is not None and self._rss_at_start is not None
                and not ({"MEM-002", "memory_growth_mb"} & metrics.keys())):
            metrics["MEM-002"] = round(max(0.0, now_rss - self._rss_at_start), 2)
        commit, branch = ctx.git_info(self.git_dir)
        system = ctx.system_context()
        cold = cold_start if cold_start is not None else self.cold_start
        if cold is None:
            cold = self._first_since_boot(conn, system["host"])
        snapshot = SnapshotInput(
            metrics=metrics, app=self.app, environment=self.environment,
            session_id=self.session_id, git_commit=commit, git_branch=branch,
            app_version=self.app_version, is_cold_start=bool(cold),
            status="failed" if failed else "ok", operations=self.operations_from(ops),
            cache_stats=cache_stats or None, errors=errors or None, **system)
        return record_snapshot(conn, snapshot, catalog=catalog)

    @staticmethod
    def operations_from(ops: dict[str, list]) -> dict[str, dict] | None:
        if not ops:
            return None
        return {name: {"total_ms": round(e[0], 3), "calls": e[1], "errors": e[2]}
                for name, e in ops.items()}

    def _first_since_boot(self, conn, host: str | None) -> bool:
        """Auto cold-start: the first run of this app on this host since the machine booted."""
        booted = ctx.boot_time()
        if booted is None:
            return False
        from datetime import datetime, timezone

        from perftui.store.snapshots import has_snapshot_since
        from perftui.timefmt import to_iso

        since = to_iso(datetime.fromtimestamp(booted, timezone.utc))
        return not has_snapshot_since(conn, self.app, self.environment, host, since)

    def _report(self, result) -> None:
        try:
            from perftui.recorder import output

            show = self.summary
            if show is None:
                show = bool(getattr(sys.stderr, "isatty", lambda: False)())
            if show:
                output.print_summary(result, stream=sys.stderr)
            log_dir = self.log_dir or os.path.join(os.path.dirname(os.path.abspath(self.db)), "logs")
            output.append_log_line(result, log_dir, session_id=self.session_id)
        except Exception as exc:
            self._warn("output", f"perftui: summary/log not written ({_describe(exc)})")

    # -- misc ------------------------------------------------------------------------------
    def _warn(self, key: str, message: str) -> None:
        if key in self._warned:
            return
        self._warned.add(key)
        import logging

        logging.getLogger("perftui").warning(message)

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:
                pass
            self._conn = None


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
