"""Profiles beside alerts, the capture side (issue 13): which calls the recorder profiles, and
how the profiles get into the store. The format and the table are `perftui.store.profiles`.

When a run opens a regression alert on an operation the tracker timed, the next run of that
operation is profiled (`cProfile`) and the profile is stored with the alert; now and then a
healthy run of each operation is profiled too (kind `baseline`), so that the alert's profile
can be set against one from before it. docs/profiles.md says it for users.

What is asked for travels in **the plan file**, a few lines of text the next process reads on
its first timed call, before anything runs, without opening the store:

    <store path>.profiles                       beside an SQLite store
    <user data dir>/spool/<fnv64 hex>.profiles  for a postgresql:// store (beside the spools;
                                                the hash is of the URL without its password,
                                                FNV-1a, so no hashlib in a host's start-up)

    perftui-profiles 1
    checked <epoch> <app> <environment>
    baseline <epoch> <app> <environment> <metric code> <operation>
    regression <epoch> <app> <environment> <metric code> <alert id> <operation>

One request a line, fields split on single spaces (the operation, last, may hold spaces); a line
that does not parse is ignored; requests older than REQUEST_DAYS are dropped; `checked` says
when baselines were last looked up for that app and environment. Written whole (temporary file,
then `os.replace`), owner-only. Processes that run at once may both profile an operation: the
store keeps both; a regression profile is not stored twice for one alert.

Which alerts ask for a profile: new (not repeated) `regression`, `change_point` and `trend`
alerts; a new `threshold` alert only when the run is also worse than its baseline median by at
least the detector's min_effect (10 %: a line crossed because a target was tightened is no
change in the code, there is nothing for a profile to show). `anomaly` (one odd run) asks for none: the next run is
most likely normal again.

Baselines: when an operation's metric was judged normal in this run ("ok" against a baseline
of enough runs for a statistical verdict: the detector's min_confidence) and its latest
baseline profile is missing or older than PERFTUI_PROFILE_BASELINE_DAYS (7; 0: never), the
next run profiles it (a metric with no baseline yet asks for nothing: the profile would show a
state nobody judged). The store is asked at most once a day per app and environment (the
`checked` line). A baseline profile is not stored from a run whose other calls of the
operation were judged worse than normal; the request stays for the next run.

Saving: after the run's snapshot is committed, in one short transaction of its own; a store
that is busy or refuses it costs the profile and one warning, never the run (the request stays
in the plan). The recorder's own frames are taken out of a profile (`without_recorder`).

Only a call timed by `measure_performance` / `measure()` is profiled (`Measure`, whose enter and
exit run on one thread); `start_operation`/`stop_operation` may end on another thread, where a
profiler cannot be switched off, so they are never profiled, and operations timed only that way
are not asked for. This module loads only when something is due: a normal run reads the plan
(one failed `open` when there is none) and nothing more.
"""

from __future__ import annotations

import _thread
import os
import sys
import time

TYPE_CHECKING = False  # typing costs milliseconds inside a host app's start-up
if TYPE_CHECKING:
    from perftui.recorder.tracker import PerformanceTracker

# the plan's reader is the tracker's: a normal run reads the plan without loading this module
from perftui.recorder.tracker import _PLAN_CHECK_EVERY_S as CHECK_EVERY_S
from perftui.recorder.tracker import _PLAN_FIELDS as FIELDS  # noqa: F401
from perftui.recorder.tracker import _PLAN_REQUEST_DAYS as REQUEST_DAYS
from perftui.recorder.tracker import _healthy_codes as healthy_codes
from perftui.recorder.tracker import _op_metric as op_metric
from perftui.recorder.tracker import _plan_request as line_request
from perftui.recorder.tracker import _plan_lines as read_lines
from perftui.recorder.tracker import _plan_path as plan_path  # noqa: F401
from perftui.recorder.tracker import _plan_requests as scope_requests
from perftui.recorder.tracker import _request_key as request_key

HEADER = "perftui-profiles 1"
MAX_LINES = 200               # the plan keeps the newest lines beyond this
REQUEST_KINDS = ("regression", "change_point", "trend")


# -- the plan file ---------------------------------------------------------------------------
def _line_key(fields: list[str]) -> tuple:
    if fields[0] == "checked":
        return ("checked", fields[2], fields[3])
    return request_key(fields[2], fields[3], fields[-1], line_request(fields))


def rewrite(path: str, app: str, environment: str, *, done=(), new=(),
            checked: float | None = None, now: float | None = None) -> list[list[str]]:
    """Rewrite the plan as it is on disk now, less the requests in `done` (keys), plus `new`
    [(operation, request)] and this scope's `checked` time; expired and duplicate lines go.
    Returns the lines written."""
    now = time.time() if now is None else now
    oldest = now - REQUEST_DAYS * 86400.0
    kept: dict[tuple, list[str]] = {}
    for fields in read_lines(path):
        key = _line_key(fields)
        if key in done or (fields[0] != "checked" and float(fields[1]) < oldest):
            continue
        if checked is not None and key == ("checked", app, environment):
            continue
        kept.setdefault(key, fields)
    if checked is not None:
        kept[("checked", app, environment)] = ["checked", "%d" % checked, app, environment]
    for operation, request in new:
        key = request_key(app, environment, operation, request)
        if key in kept or key in done:
            continue
        kind, code, alert_id = request
        fields = [kind, "%d" % now, app, environment, code]
        if alert_id is not None:
            fields.append(str(alert_id))
        kept[key] = fields + [operation]
    lines = sorted(kept.values(), key=lambda f: float(f[1]))[-MAX_LINES:]
    text = HEADER + "\n" + "".join(" ".join(f) + "\n" for f in lines)
    folder = os.path.dirname(path)
    if folder and not os.path.isdir(folder):
        os.makedirs(folder, mode=0o700, exist_ok=True)
    from perftui._atomic import replace_private

    replace_private(path, text.encode("utf-8"))
    return lines


def plannable(text: str) -> bool:
    """Whether a name can stand in a plan line (app, environment, metric code: no spaces;
    an operation may hold spaces but no line breaks)."""
    return bool(text) and text.isprintable()


# -- profiling one call ----------------------------------------------------------------------
def begin(tracker: PerformanceTracker, operation: str, wanted: list[tuple]):
    """A profiler for this call of `operation` when allowed: no other profiler on this thread
    (`sys.getprofile()`), no profile of it running, its requests not taken yet in this
    process. Returns the token `end` takes, its profiler not yet enabled (the caller enables
    it as its last step, so that none of the recorder's own work is in the profile; on Python
    3.12+ enabling raises when another tool holds sys.monitoring: then `cancel`), or None
    (the call is then timed as usual)."""
    if sys.getprofile() is not None:
        return None
    keys = [request_key(tracker.app, tracker.environment, operation, r) for r in wanted]
    with tracker._lock:
        plan = dict(tracker._profile_plan or {})
        plan.pop(operation, None)
        tracker._profile_plan = plan  # later calls of it go by on a dict miss
        if operation in tracker._profiling_ops or all(k in tracker._profiled for k in keys):
            return None
        tracker._profiling_ops.add(operation)
        tracker._profiled.update(keys)
    import cProfile

    ident = _thread.get_ident()
    tracker._profiling[ident] = tracker._profiling.get(ident, 0) + 1
    return (cProfile.Profile(), operation, wanted, ident)


def _release(tracker: PerformanceTracker, token: tuple) -> None:
    _prof, operation, _wanted, ident = token
    left = tracker._profiling.get(ident, 0) - 1
    if left > 0:
        tracker._profiling[ident] = left
    else:
        tracker._profiling.pop(ident, None)
    tracker._profiling_ops.discard(operation)


def cancel(tracker: PerformanceTracker, token: tuple) -> None:
    """The profiler could not be enabled (another tool holds the slot): the call runs
    unprofiled and timed as usual."""
    _release(tracker, token)


def end(tracker: PerformanceTracker, token: tuple, duration_ms: float,
        metric_id: str | None) -> None:
    """Stop the profile (if the caller has not yet) and hold it for the next recording."""
    prof, operation, wanted, _ident = token
    prof.disable()
    _release(tracker, token)
    tracker._profiles_held.append((operation, metric_id, wanted, prof, duration_ms))


_HERE = os.path.dirname(os.path.abspath(__file__)) + os.sep
_DISABLE = "<method 'disable' of '_lsprof.Profiler' objects>"


def without_recorder(stats: dict) -> dict:
    """The stats less the recorder's own frames (the `__exit__` that stops the profiler, and
    the timers of operations nested in the profiled one) and the profiler's `disable`."""
    drop = {key for key in stats if str(key[0]).startswith(_HERE) or key[2] == _DISABLE}
    # and what only they called (perf_counter, get_ident...)
    drop.update(key for key, entry in stats.items()
                if entry[4] and all(caller in drop for caller in entry[4]))
    out = {}
    for key, (pc, nc, tt, ct, callers) in stats.items():
        if key in drop:
            continue
        if callers and not drop.isdisjoint(callers):
            callers = {c: v for c, v in callers.items() if c not in drop}
        out[key] = (pc, nc, tt, ct, callers)
    return out


# -- after a recording -----------------------------------------------------------------------
def asks_for_profile(alert, metric: dict | None) -> bool:
    """Whether a new alert asks for a profile of its operation (see the module's docstring)."""
    if alert.alert_type in REQUEST_KINDS:
        return True
    if alert.alert_type != "threshold" or metric is None:
        return False
    change = metric.get("change_percent")
    if change is None:
        return False
    from perftui.analysis.types import DEFAULT_CONFIG  # loaded by the recording already

    worse = change if metric.get("direction") != "higher" else -change
    return worse >= DEFAULT_CONFIG.min_effect * 100.0  # the detector's "a real change"


def after_record(tracker: PerformanceTracker, conn, result, catalog,
                 op_codes: dict[str, str]) -> None:
    """Store the profiles held (one transaction), make this run's requests, rewrite the plan.
    Never raises; a failure costs at most one warning, never the run (already committed). A
    profile the store cannot take now (busy) is dropped; its request stays for the next run."""
    from perftui.recorder.tracker import _describe

    held, tracker._profiles_held = tracker._profiles_held, []
    now = time.time()
    app, environment = tracker.app, tracker.environment
    with tracker._lock:
        measured = {name: e[3] for name, e in tracker._ops.items()
                    if e[1] and name in tracker._measured_ops}

    def row_of(name: str, metric_id: str | None):
        return catalog.find(op_metric(name, metric_id, op_codes))

    ops = {}
    for name, metric_id in measured.items():
        row = row_of(name, metric_id)
        if row is not None and plannable(name):
            ops[name] = row
    metrics = {m["metric_id"]: m for m in result.metrics}
    new: list[tuple[str, tuple]] = []
    for alert in result.alerts:
        if alert.is_new and asks_for_profile(alert, metrics.get(alert.metric_id)):
            for name, row in ops.items():
                if row.code == alert.metric_id:
                    new.append((name, ("regression", row.code, int(alert.alert_id))))
    done: set[tuple] = set()
    try:
        if held and not result.duplicate:
            _save(conn, tracker, result, held, row_of, metrics, done)
    except Exception as exc:
        done.clear()
        tracker._warn("profile", f"perftui: profile not stored ({_describe(exc)})")
    checked = None
    try:
        if tracker._baseline_days > 0 and now - tracker._plan_checked >= CHECK_EVERY_S:
            normal = healthy_codes(result)
            healthy = {name: row for name, row in ops.items() if row.code in normal}
            if healthy:
                from perftui.store.profiles import latest_baselines
                from perftui.timefmt import iso_from_epoch

                latest = latest_baselines(conn, app, environment)
                cutoff = iso_from_epoch(now - tracker._baseline_days * 86400.0)
                for name, row in healthy.items():
                    at = latest.get(row.id)
                    if at is None or str(at) < cutoff:
                        new.append((name, ("baseline", row.code, None)))
                checked = now
                tracker._plan_checked = now
    except Exception as exc:
        tracker._warn("profile", f"perftui: profiles not planned ({_describe(exc)})")
    if not (done or new or checked is not None):
        return
    if not (plannable(app) and plannable(environment) and " " not in app + environment):
        return
    try:
        lines = rewrite(tracker._plan_file, app, environment, done=done, new=new,
                        checked=checked, now=now)
        plan, _ = scope_requests(lines, app, environment, now, skip=tracker._profiled)
        tracker._profile_plan = plan  # a long-running process profiles what is asked, too
    except Exception as exc:
        tracker._warn("profile", f"perftui: profile plan not written ({_describe(exc)})")


def _save(conn, tracker: PerformanceTracker, result, held: list, row_of, metrics: dict,
          done: set) -> None:
    from perftui.store import profiles as store

    app, environment = tracker.app, tracker.environment
    alert_ids = [r[2] for h in held for r in h[2] if r[0] == "regression"]
    with conn.transaction():
        have = store.alerts_with_profiles(conn, alert_ids) if alert_ids else set()
        for operation, metric_id, wanted, prof, duration_ms in held:
            row = row_of(operation, metric_id)
            if row is None:
                continue
            doc = None
            for request in wanted:
                kind, _code, alert_id = request
                key = request_key(app, environment, operation, request)
                if kind == "regression" and alert_id in have:
                    done.add(key)  # another process profiled it first
                    continue
                metric = metrics.get(row.code)
                if kind == "baseline" and metric is not None and metric.get("severity") != "ok":
                    continue  # not from a run judged worse than normal: asked again next run
                if doc is None:
                    prof.create_stats()
                    doc = store.from_stats(without_recorder(prof.stats))
                store.save_profile(conn, metric_id=row.id, app=app, environment=environment,
                                   operation=operation, kind=kind, doc=doc,
                                   captured_at=result.recorded_at, duration_ms=duration_ms,
                                   alert_id=alert_id, snapshot_id=result.snapshot_id)
                if alert_id is not None:
                    have.add(alert_id)
                done.add(key)
