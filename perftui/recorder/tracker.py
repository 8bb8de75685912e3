"""PerformanceTracker: the recorder that lives inside someone else's application.

It keeps timers and metrics in memory and writes one snapshot per call to
`record_baseline_snapshot()`, in one transaction. It never raises into the host app and never
holds it up longer than the busy timeout: a store that is busy or unavailable gets the run later
(it waits in the spool, `perftui.recorder.spool`, until the next successful write), a broken
store logs one warning, and the app goes on. Importing it costs a few milliseconds: no ORM,
no numpy, no Textual (the store is opened through the standard library's sqlite3).
"""

from __future__ import annotations

import _thread
import os
import sys
import time

from perftui.recorder import context as ctx
from perftui.recorder.sanitize import (hash_session_id, private_reason, safe_number,
                                       sanitize_context, shown_name, valid_name)

TYPE_CHECKING = False  # typing costs milliseconds inside a host app's start-up
if TYPE_CHECKING:
    from typing import Any, Callable

_TRUE = ("1", "true", "yes", "on")


def _profiling_allowed(choice: bool | None) -> bool:
    """PERFTUI_PROFILE=0 (false, no, off): never; else the `profile` argument; else
    PERFTUI_PROFILE=1; else on, except on a CI runner."""
    value = (os.environ.get("PERFTUI_PROFILE") or "").strip().lower()
    if value in ("0", "false", "no", "off"):
        return False
    if choice is not None:
        return bool(choice)
    if value in _TRUE:
        return True
    return not ctx.ci_runner()


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

    Profiles beside alerts (`perftui.recorder.profiling`, docs/profiles.md): after a regression
    alert on an operation timed with `measure_performance`/`measure()`, its next call is run
    under cProfile and the profile stored with the alert. `profile=False` switches that off,
    `profile=True` on even on a CI runner (where it is off by default); PERFTUI_PROFILE=0 switches
    it off whatever the code says, PERFTUI_PROFILE=1 on on CI; PERFTUI_PROFILE_BASELINE_DAYS
    (default 7, 0 = never) is how old a healthy run's profile may get before another is taken.
    """

    _instance: "PerformanceTracker | None" = None
    _instance_lock = _thread.allocate_lock()  # _thread: no import cost in host apps

    def __init__(self, db: str | os.PathLike | None = None, app: str | None = None,
                 environment: str | None = None, app_version: str | None = None, *,
                 disabled: bool | None = None, summary: bool | None = None,
                 log_dir: str | os.PathLike | None = None, cold_start: bool | None = None,
                 session_id: str | None = None, git_dir: str | os.PathLike | None = None,
                 busy_timeout_ms: int | None = None, process_memory: bool = True,
                 profile: bool | None = None,
                 clock: Callable[[], float] = time.perf_counter):
        env = os.environ
        flag = _env_flag("PERFTUI_DISABLE")
        self.disabled = bool(disabled if disabled is not None else flag)
        self.db = str(db) if db else None
        # store.location.env_scope's rule, spelled out: that module loads only when needed
        self.app = app or env.get("PERFTUI_APP") or _default_app_name()
        self.environment = environment or env.get("PERFTUI_ENV") or "local"
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
        self._deliveries_left = self.DELIVER_PER_START
        # this process's peak memory and growth as MEM-001/MEM-002, unless the process is not
        # the thing measured (the pytest plugin: pytest's memory is not the suite's)
        self.process_memory = process_memory
        self._rss_at_start = (ctx.current_rss_mb() if process_memory and not self.disabled
                              else None)
        self.last_result = None
        # profiles (perftui.recorder.profiling): the plan is read on the first timed call
        self.profile = not self.disabled and _profiling_allowed(profile)
        self._profile_plan: dict | None = None if self.profile else {}  # operation -> requests
        self._plan_file: str | None = None
        self._plan_checked = 0.0       # when baselines were last looked up (from the plan)
        self._baseline_days = 0.0
        self._measured_ops: set[str] = set()  # timed by Measure: the ones that can be profiled
        self._profiling: dict[int, int] = {}  # thread id -> profiles running on it
        self._profiling_ops: set[str] = set()
        self._profiled: set[tuple] = set()    # requests taken in this process
        self._profiles_held: list = []

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
        if self.disabled or self._private("operation", operation_name):
            return
        if self._profiling and _thread.get_ident() in self._profiling:
            return  # it ran under the profiler of a call it is nested in: not a fair timing
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

    def _profile_begin(self, operation: str):
        """For `Measure`, on the first timed call of the process (the plan is read then) and
        on a call of an operation the plan names: a token when this call is to be profiled
        (`perftui.recorder.profiling.begin`), else None."""
        plan = self._profile_plan
        if plan is None:
            plan = self._profile_plan = self._load_profile_plan()
        wanted = plan.get(operation)
        if not wanted:
            return None
        from perftui.recorder import profiling

        return profiling.begin(self, operation, wanted)

    def _load_profile_plan(self) -> dict:
        """This app's and environment's requests in the plan file beside the store: one failed
        open when there is none; `perftui.recorder.profiling` loads only if a line is there."""
        try:
            env = os.environ
            try:
                days = float(env.get("PERFTUI_PROFILE_BASELINE_DAYS") or 7)
            except ValueError:
                days = 7.0
            self._baseline_days = max(0.0, days)
            if not self.db:
                self.db = env.get("PERFTUI_DB") or None
            if not self.db:
                from perftui.store.location import resolve_store_path

                self.db = resolve_store_path(None)
            self._plan_file = _plan_path(self.db)
            plan, self._plan_checked = _plan_requests(_plan_lines(self._plan_file), self.app,
                                                      self.environment, time.time(),
                                                      skip=self._profiled)
            return plan
        except Exception:  # the recorder never breaks the host app: no profiles then
            self.profile = False
            return {}

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
        if self._private("metric", metric_id):
            return
        with self._lock:
            self._metrics[metric_id] = number

    def record_cache_stats(self, cache: str, stats: dict) -> None:
        """Hit/miss counts and sizes of a cache; only numbers under safe keys are kept."""
        if self.disabled or not valid_name(cache) or self._private("cache", cache):
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
        is logged; the host app goes on). One attempt, bounded by the busy timeout: a store that
        is busy or unavailable (locked, full, read-only, unwritable, a server that does not
        answer) gets the snapshot later, from the spool (see `perftui.recorder.spool`), on the
        next successful write. `notes` is not stored (no free text leaves the app); it is
        accepted for compatibility with the original API.
        """
        if self.disabled:
            return None
        import gc

        # No cycle collection while perftui loads its modules and judges the run: what it
        # allocates (code objects, the catalog, histories) lives on or is freed by reference
        # counting, and the 15-odd collections it set off cost about 0.6 ms of a host's start.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._record_now(cold_start, failed, reset)
        finally:
            if collecting:
                gc.enable()

    def _record_now(self, cold_start: bool | None, failed: bool, reset: bool):
        from perftui.timefmt import now_iso

        taken = now_iso()  # the run's time, should it have to wait in the spool
        built: list = []
        try:
            result = self._record(cold_start, failed, built)
        except Exception as exc:  # never raise into the host app
            self._profiles_held = []  # profiles go with a recorded run only
            try:
                from perftui.recorder.keep import keep_run  # only after a failed write

                kept = keep_run(self, exc, built, cold_start, failed, taken)
            except Exception:
                kept = False
            if kept and reset:  # the spool holds these numbers now: do not count them twice
                self._clear()
            return None
        if reset:
            self._clear()
        self.last_result = result
        self._report(result)
        cache = sys.modules.get("perftui._codecache")
        if cache is not None:
            cache.save()   # the modules this recording loaded, for the next start (once)
        return result

    def _clear(self) -> None:
        with self._lock:
            self._ops.clear()
            self._metrics.clear()
            self._errors.clear()
            self._cache_stats.clear()

    def _connection(self):
        if self._conn is not None and self._conn.moved():
            self.close()    # the store was deleted or replaced: write to what is there now
        if self._conn is None:
            # an explicit path, else PERFTUI_DB, else the user data directory (the rule of
            # store.location.resolve_store_path, which loads only for that last case)
            if not self.db:
                self.db = os.environ.get("PERFTUI_DB") or None
            if not self.db:
                from perftui.store.location import resolve_store_path

                self.db = resolve_store_path(None)
            if _is_url(self.db):  # a team's PostgreSQL store: every statement is bounded too
                from perftui.store.postgres import connect as connect_postgres

                self._conn = connect_postgres(self.db, busy_timeout_ms=self.busy_timeout_ms,
                                              statement_timeout_ms=self.busy_timeout_ms)
            else:
                from perftui.store.sqlite import connect

                self._conn = connect(self.db, busy_timeout_ms=self.busy_timeout_ms)
        return self._conn

    def _record(self, cold_start: bool | None, failed: bool, built: list | None = None):
        """Write the snapshot: one attempt, no retry (the busy timeout bounds the wait).

        Snapshots waiting in the spool for this store go first (oldest first, at most
        DELIVER_PER_START per tracker), so every run is judged against the runs before it. The
        snapshot is appended to `built` once made, for the caller to spool should this fail.
        """
        from perftui.recorder.evaluate import record_snapshot
        from perftui.store.metrics import load_catalog

        conn = self._connection()
        self._deliver_spooled(conn)
        catalog = load_catalog(conn)  # for the operation -> metric mapping
        op_codes = {op: row.code for op, row in catalog.by_operation.items()}
        snapshot = self._snapshot(cold_start, failed, op_codes, conn)
        snapshot.metrics = self._possible_values(snapshot.metrics, catalog)
        if built is not None:
            built.append(snapshot)
        result = record_snapshot(conn, snapshot, catalog=catalog)
        if (self.profile and self._profile_plan is not None
                and self._profiles_due(result, catalog, op_codes)):
            try:  # the run is committed: nothing here may lose it or reach the host app
                from perftui.recorder.profiling import after_record

                after_record(self, conn, result, catalog, op_codes)
            except Exception as exc:
                self._warn("profile", f"perftui: profiles not stored ({_describe(exc)})")
        return result

    def _profiles_due(self, result, catalog, op_codes: dict[str, str]) -> bool:
        """Whether this recording has work for `perftui.recorder.profiling` (asked before that
        module is imported): profiles held; a new alert on an operation timed by `Measure`;
        or, at most once a day, such an operation judged normal (a baseline profile may be
        due)."""
        if self._profiles_held:
            return True
        if not self._measured_ops:
            return False
        check = (self._baseline_days > 0
                 and time.time() - self._plan_checked >= _PLAN_CHECK_EVERY_S)
        wanted = {a.metric_id for a in result.alerts if a.is_new and a.alert_type != "anomaly"}
        if check:
            wanted.update(_healthy_codes(result))
        if not wanted:
            return False
        with self._lock:
            ops = [(name, e[3]) for name, e in self._ops.items() if name in self._measured_ops]
        for name, metric_id in ops:
            row = catalog.find(_op_metric(name, metric_id, op_codes))
            if row is not None and row.code in wanted:
                return True
        return False

    def _possible_values(self, metrics: dict, catalog) -> dict:
        """The metrics whose values their unit allows; one impossible value (a hit rate of
        1.02, a negative duration) is left out with one warning instead of losing the run."""
        from perftui.recorder.evaluate import check_value

        kept = {}
        for name, value in metrics.items():
            row = catalog.find(name)
            if row is None:
                from perftui.store.catalog import guess_metric  # a metric new to the store

                unit = guess_metric(name)["unit"]
            else:
                unit = row.unit
            try:
                check_value(name, value, unit)
            except ValueError as exc:  # RecordError (perftui.errors loads only when raised)
                self._warn(f"value:{name}", f"perftui: {exc}; left out of this snapshot")
                continue
            kept[name] = value
        return kept

    def _snapshot(self, cold_start: bool | None, failed: bool, op_codes: dict[str, str],
                  conn=None):
        """The SnapshotInput of what was collected. `op_codes` maps operation names to metric
        codes; `conn` answers the automatic cold-start question (without one: warm). It gets its
        uid now, so that a write whose commit went through unacknowledged (a server connection
        lost at that moment) and its copy in the spool are recognised as one run."""
        from perftui.recorder.evaluate import SnapshotInput
        from perftui.store.snapshots import new_uid

        with self._lock:
            metrics = dict(self._metrics)
            ops = {name: list(e) for name, e in self._ops.items()}
            errors = dict(self._errors)
            cache_stats = dict(self._cache_stats)
        for name, (total, calls, _errs, metric_id) in ops.items():
            if not calls:
                continue
            target = _op_metric(name, metric_id, op_codes)
            if valid_name(target) and target not in metrics and not self._private("metric",
                                                                                 target):
                metrics[target] = total / calls
        if self.process_memory:
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
            cold = self._first_since_boot(conn, system["host"]) if conn is not None else False
        return SnapshotInput(
            metrics=metrics, app=self.app, environment=self.environment,
            session_id=self.session_id, git_commit=commit, git_branch=branch,
            app_version=self.app_version, is_cold_start=bool(cold),
            status="failed" if failed else "ok", operations=self.operations_from(ops),
            cache_stats=cache_stats or None, errors=errors or None, uid=new_uid(), **system)

    # -- the spool -------------------------------------------------------------------------
    DELIVER_PER_START = 50  # spooled snapshots one tracker delivers; the rest go next time

    def _deliver_spooled(self, conn) -> None:
        """Deliver snapshots spooled for this store, within this tracker's budget. A store
        failure propagates (the write this precedes would meet it too); any other failure is
        silent and the snapshots stay spooled."""
        if self._deliveries_left <= 0:
            return
        location = self.db
        # the cheap look on every start: for a store file, one stat of `<store>.spool`
        # (spool.spool_dir's rule); the spool module is imported only when something may wait
        if not _is_url(location) and not os.path.isdir(location + ".spool"):
            return
        from perftui.errors import StoreError
        from perftui.recorder import spool

        try:
            self._deliveries_left -= spool.deliver(conn, location, limit=self._deliveries_left)
        except StoreError:
            raise
        except Exception:
            self._deliveries_left = 0  # do not try again in this process

    @staticmethod
    def operations_from(ops: dict[str, list]) -> dict[str, dict] | None:
        if not ops:
            return None
        return {name: {"total_ms": round(e[0], 3), "calls": e[1], "errors": e[2]}
                for name, e in ops.items()}

    def _first_since_boot(self, conn, host: str | None) -> bool:
        """Auto cold-start: the first run of this app on this host since the machine booted.
        Never on a CI runner (`ctx.ci_runner()`): a fresh runner is a new machine for every job,
        so every run there would be "first since boot" and none would ever be judged."""
        if ctx.ci_runner():
            return False
        booted = ctx.boot_time()
        if booted is None:
            return False
        from perftui.store.snapshots import has_snapshot_since
        from perftui.timefmt import iso_from_epoch

        since = iso_from_epoch(booted)
        return not has_snapshot_since(conn, self.app, self.environment, host, since)

    def _report(self, result) -> None:
        try:
            show = self.summary
            if show is None:
                show = bool(getattr(sys.stderr, "isatty", lambda: False)())
            if show:
                from perftui.recorder.output import print_summary  # rich: only for a summary

                print_summary(result, stream=sys.stderr)
            log_dir = self.log_dir
            if not log_dir and _is_url(self.db):  # a server's store: the user's data directory
                from perftui.store.location import user_data_dir

                log_dir = os.path.join(user_data_dir(), "logs")
            elif not log_dir:
                log_dir = os.path.join(os.path.dirname(os.path.abspath(self.db)), "logs")
            append_log_line(result, log_dir, session_id=self.session_id)
        except Exception as exc:
            self._warn("output", f"perftui: summary/log not written ({_describe(exc)})")

    # -- misc ------------------------------------------------------------------------------
    def _private(self, kind: str, name: object) -> bool:
        """Whether a metric, operation or cache name is private (see perftui.recorder.sanitize):
        such a name is dropped with one warning per name, which never repeats the secret."""
        reason = private_reason(name)
        if reason is None:
            return False
        self._warn(f"private:{name}", f"perftui: ignored {kind} {shown_name(str(name), reason)}: "
                                      f"its name is private ({reason}); perftui stores no "
                                      "personal data or secrets")
        return True

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


# -- the profile plan (perftui.recorder.profiling documents it): read here, so that a run with
# nothing to profile reads it without loading that module
_PLAN_FIELDS = {"checked": 4, "baseline": 6, "regression": 7}
_PLAN_REQUEST_DAYS = 7.0  # an unfulfilled request is dropped after this long
_PLAN_CHECK_EVERY_S = 86400.0  # baselines are looked up in the store at most this often


def _op_metric(name: str, metric_id: str | None, op_codes: dict[str, str]) -> str:
    """The metric an operation's timings are recorded under: the id given when it was timed,
    else the catalog's operation mapping, else `<name>_time_ms`."""
    return metric_id or op_codes.get(name) or f"{name}_time_ms"


def _healthy_codes(result) -> set[str]:
    """The metrics this run judged normal against a baseline of enough runs for a statistical
    verdict (the detector's min_confidence): the runs a baseline profile may come from."""
    from perftui.analysis.types import DEFAULT_CONFIG  # loaded by the recording already

    least = DEFAULT_CONFIG.min_confidence
    return {v.metric_id for v in result.verdicts if v.severity == "ok"
            and v.baseline is not None and v.baseline.confidence + 1e-12 >= least}


def _plan_path(location: str) -> str:
    """The plan file of the store at `location`: `<store path>.profiles` beside an SQLite
    store; for a postgresql:// URL, `<user data dir>/spool/<hash>.profiles` beside that URL's
    spool, the hash a 64-bit FNV-1a of the URL without its password (no hashlib: it costs a
    host's start-up 3 ms; the modules imported here load for a URL store's run anyway)."""
    if not _is_url(location):
        return os.path.abspath(location) + ".profiles"
    from perftui._atomic import name_hash
    from perftui.recorder.spool import url_without_password
    from perftui.store.location import user_data_dir

    return os.path.join(user_data_dir(), "spool",
                        f"{name_hash(url_without_password(location))}.profiles")


def _plan_lines(path: str) -> list[list[str]]:
    """The plan's lines split in fields; a missing, unreadable or garbled file gives what parses
    (at most the first 64 KB are read)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return []
    try:
        data = os.read(fd, 65536)
    except OSError:
        return []
    finally:
        os.close(fd)
    out = []
    for line in data.decode("utf-8", "replace").splitlines():
        fields = line.split(" ", 6)
        n = _PLAN_FIELDS.get(fields[0])
        if n is None:
            continue
        fields = line.split(" ", n - 1)
        if len(fields) != n or not all(fields):
            continue
        try:
            float(fields[1])
            if fields[0] == "regression":
                int(fields[5])
        except ValueError:
            continue
        out.append(fields)
    return out


def _plan_requests(lines: list[list[str]], app: str, environment: str, now: float,
                   skip=()) -> tuple[dict[str, list[tuple]], float]:
    """(operation -> [(kind, metric code, alert id or None)], when baselines were last checked)
    for one app and environment, leaving out expired requests and those in `skip` (keys)."""
    plan: dict[str, list[tuple]] = {}
    checked = 0.0
    oldest = now - _PLAN_REQUEST_DAYS * 86400.0
    for fields in lines:
        if fields[2] != app or fields[3] != environment:
            continue
        at = float(fields[1])
        if fields[0] == "checked":
            checked = max(checked, at if at <= now + 3600 else 0.0)
            continue
        if not oldest <= at <= now + 3600:
            continue
        request = _plan_request(fields)
        operation = fields[-1]
        if _request_key(app, environment, operation, request) in skip:
            continue
        plan.setdefault(operation, []).append(request)
    return plan, checked


def _plan_request(fields: list[str]) -> tuple:
    """(kind, metric code, alert id or None) of a parsed `baseline` or `regression` line."""
    if fields[0] == "regression":
        return ("regression", fields[4], int(fields[5]))
    return ("baseline", fields[4], None)


def _request_key(app: str, environment: str, operation: str, request: tuple) -> tuple:
    kind, code, alert_id = request
    return (kind, app, environment, operation, code if alert_id is None else alert_id)


# -- the daily log (original design §7.2): one JSON line per snapshot -------------------------
# (here rather than in perftui.recorder.output, which loads only for a summary: a module costs a
# host application's start-up about 0.1 ms to import whatever its size)

def log_record(result, session_id: str | None = None) -> dict:
    confidence = result.baseline_confidence
    return {
        "timestamp": result.recorded_at,
        "snapshot_id": result.snapshot_id,
        "app": result.app,
        "environment": result.environment,
        "session_id": session_id,
        "metrics": result.values,
        "alerts": [{"metric_id": a.metric_id, "severity": a.severity, "type": a.alert_type,
                    "message": a.message, "deviation": a.deviation_percent, "new": a.is_new}
                   for a in result.alerts],
        "performance_index": None if result.performance_index is None
        else round(result.performance_index, 1),
        "regression_score": None if result.regression_score is None
        else round(result.regression_score, 2),
        "flags": result.flags,
        "baseline_confidence": None if confidence is None else round(confidence, 2),
    }


def append_log_line(result, log_dir: str, session_id: str | None = None) -> str | None:
    """Append the JSON line to <log_dir>/performance_YYYYMMDD.log (created 0600); returns the
    file's path, or None when that name is a symbolic link (never followed: no line is
    written, and the recording goes on)."""
    os.makedirs(log_dir, mode=0o700, exist_ok=True)
    day = result.recorded_at[:10].replace("-", "")
    path = os.path.join(log_dir, f"performance_{day}.log")
    from perftui._json import dumps

    line = dumps(log_record(result, session_id), sort_keys=True)
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, 0o600)
    except OSError:
        if os.path.islink(path):     # planted in logs/: refused (ELOOP), not followed
            return None
        raise
    with os.fdopen(fd, "a", encoding="utf-8") as f:
        f.write(line + "\n")
    return path


def _is_url(location: str | None) -> bool:
    """A database server's URL (postgresql://…) rather than an SQLite file."""
    return bool(location) and "://" in location


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
