"""Record one snapshot and evaluate it: the one path every recording takes (lowest layer that
needs both the store and the analysis; the CLI and imports call it too).

The recorder inside a host app, `perftui record`, and `perftui import --replay` all come through
`record_snapshot`, so a snapshot is judged the same way wherever it came from. It runs on a plain
store `Database` (standard library sqlite3 underneath) and the pure `perftui.analysis`
functions, so it is cheap enough for a host application's start-up: no ORM, no numpy.

This is the only place a snapshot is judged. The verdict of each metric is stored with its
measurement (severity, tier, expected value, deviation, baseline runs); every reader reads it.
"""

from __future__ import annotations

import math
# the ABC itself, already loaded by the interpreter: collections.abc would import collections
from _collections_abc import Mapping

TYPE_CHECKING = False  # typing costs milliseconds to import inside a host app's start-up
if TYPE_CHECKING:
    from typing import Any

from perftui.analysis.detect import evaluate_metric
from perftui.analysis.index import evaluate_flags, performance_index, regression_score
from perftui.analysis.lifecycle import OpenAlert, plan_alerts
from perftui.analysis.types import (DEFAULT_CONFIG, DetectorConfig, MetricSpec, MetricVerdict,
                                    severity_rank)
from perftui.recorder.sanitize import (private_reason, redact_text, sanitize_breakdown, shown_name,
                                       store_session_id)
from perftui.store import alerts as store_alerts
from perftui.store import snapshots
from perftui.store.engine import Database
from perftui.store.meta import flag_rules
from perftui.store.metrics import Catalog, MetricRow, load_catalog, register_metric
from perftui.timefmt import EARLIEST_RECORDED_AT, latest_recorded_at, normalise_iso, now_iso


class SnapshotInput:
    """One run to record. `metrics` maps metric id ("APP-001") or key ("startup_time_ms") to a
    number; the rest is context. (Plain slotted classes here, not dataclasses: this module runs
    inside host applications' start-up, where dataclasses cost milliseconds.)"""

    __slots__ = ("metrics", "recorded_at", "app", "environment", "host", "session_id",
                 "git_commit", "git_branch", "app_version", "python_version", "platform",
                 "cpu_count", "total_memory_mb", "is_cold_start", "status", "operations",
                 "cache_stats", "errors", "notes", "uid")

    def __init__(self, metrics: Mapping[str, Any], recorded_at: str | None = None,
                 app: str = "default", environment: str = "local", host: str | None = None,
                 session_id: str | None = None, git_commit: str | None = None,
                 git_branch: str | None = None, app_version: str | None = None,
                 python_version: str | None = None, platform: str | None = None,
                 cpu_count: int | None = None, total_memory_mb: int | None = None,
                 is_cold_start: bool = False, status: str = "ok", operations: Any = None,
                 cache_stats: Any = None, errors: Any = None, notes: str | None = None,
                 uid: str | None = None):
        self.metrics, self.recorded_at, self.app, self.environment = metrics, recorded_at, app, environment
        self.host, self.session_id, self.git_commit, self.git_branch = host, session_id, git_commit, git_branch
        self.app_version, self.python_version, self.platform = app_version, python_version, platform
        self.cpu_count, self.total_memory_mb, self.is_cold_start = cpu_count, total_memory_mb, is_cold_start
        self.status, self.operations, self.cache_stats = status, operations, cache_stats
        self.errors, self.notes = errors, notes
        self.uid = uid  # stable identity; None: a new one is made when the run is stored


class AlertEvent:
    """An alert raised (is_new) or repeated by one recording."""

    __slots__ = ("alert_id", "metric_id", "metric_name", "unit", "alert_type", "severity",
                 "message", "current_value", "expected_value", "deviation_percent", "is_new")

    def __init__(self, alert_id: int, metric_id: str, metric_name: str, unit: str,
                 alert_type: str, severity: str, message: str, current_value: float,
                 expected_value: float | None, deviation_percent: float | None, is_new: bool):
        self.alert_id, self.metric_id, self.metric_name, self.unit = alert_id, metric_id, metric_name, unit
        self.alert_type, self.severity, self.message = alert_type, severity, message
        self.current_value, self.expected_value = current_value, expected_value
        self.deviation_percent, self.is_new = deviation_percent, is_new

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__slots__}

    def __repr__(self) -> str:
        return f"AlertEvent({self.metric_id} {self.alert_type} {self.severity} id={self.alert_id})"


class RecordResult:
    """What one recording did: the snapshot id, alerts raised or repeated, resolved ids,
    verdicts, scores and flags. `int(result)` is the snapshot id."""

    def __init__(self, snapshot_id: int, recorded_at: str, app: str, environment: str,
                 values: dict[str, float]):
        self.snapshot_id, self.recorded_at, self.app = snapshot_id, recorded_at, app
        self.environment, self.values = environment, values
        self.alerts: list[AlertEvent] = []
        self.resolved: list[int] = []
        self.verdicts: list[MetricVerdict] = []
        self.performance_index: float | None = None
        self.regression_score: float | None = None
        self.flags: list[str] = []
        self.baseline_confidence: float | None = None
        self.evaluated = False
        self.duplicate = False  # the store already held this run (same uid): nothing written
        self.metrics: list[dict] = []  # per metric: code, name, unit, target, value, verdict

    def __int__(self) -> int:
        return self.snapshot_id

    def __repr__(self) -> str:
        return f"RecordResult(snapshot_id={self.snapshot_id}, alerts={len(self.alerts)})"


def _record_error(message: str):
    """perftui.errors.RecordError, imported only when a snapshot is refused (the error classes
    cost a host application's start-up a few hundred microseconds)."""
    from perftui.errors import RecordError

    return RecordError(message)


MAX_MAGNITUDE = 1e15   # no measurement is this large in any unit: a unit or file mix-up
# units whose values cannot be below zero (a duration, a size, a count, a cost)
NON_NEGATIVE_UNITS = frozenset(("ms", "us", "µs", "ns", "s", "MB", "KB", "GB", "bytes",
                                "tokens", "count", "cents"))
_TEXT_FIELDS = ("app", "environment", "host", "session_id", "git_commit", "git_branch",
                "app_version", "python_version", "platform", "notes", "uid")


def check_value(name: str, value: Any, unit: str | None = None) -> float:
    """A finite number of sane magnitude, or RecordError naming the metric. With the metric's
    `unit`, also one that unit allows: no negative time, size, count or cost; a ratio in
    [0, 1]."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _record_error(f"metric {name}: value must be a number, got {value!r}")
    try:
        value = float(value)
    except OverflowError:
        raise _record_error(f"metric {name}: value is out of range (an integer of "
                            f"{value.bit_length()} bits)") from None
    if not math.isfinite(value):
        raise _record_error(f"metric {name}: value must be finite, got {value}")
    if abs(value) > MAX_MAGNITUDE:
        raise _record_error(f"metric {name}: value {value:g} is out of range "
                            f"(at most {MAX_MAGNITUDE:g})")
    if unit is not None:
        if value < 0 and unit in NON_NEGATIVE_UNITS:
            raise _record_error(f"metric {name}: value {value:g} is negative, but {unit} "
                                "cannot be")
        if unit == "ratio" and not 0.0 <= value <= 1.0:
            raise _record_error(f"metric {name}: value {value:g} is not a ratio "
                                "between 0 and 1")
    return value


def _check_text(name: str, value: Any) -> None:
    """Text that can be stored: no lone surrogates (what a non-UTF-8 argv or a JSON "\\ud800"
    decodes to)."""
    if isinstance(value, str) and not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise _record_error(f"{name}: not valid Unicode text (a lone surrogate)") from None


def _check_controls(name: str, value: Any) -> None:
    """No terminal control characters (C0, DEL, C1) in stored text: names and identifiers are
    one line; `notes` may hold tabs and newlines."""
    if not isinstance(value, str) or value.isprintable():  # printable: no control character
        return
    from perftui.textrules import control_message, first_control

    char = first_control(value, "\t\n" if name == "notes" else "")
    if char is not None:
        raise _record_error(control_message(name, char))


def _check_breakdown(name: str, value: Any) -> None:
    """operations / cache_stats / errors: JSON-able, with finite numbers only."""
    stack = [(value, name, 0)]
    while stack:
        item, where, depth = stack.pop()
        if depth > 64:
            raise _record_error(f"{name}: nested more than 64 levels deep")
        if isinstance(item, dict):
            for key, inner in item.items():
                _check_text(f"{where}: key", key)
                stack.append((inner, f"{where}.{key}", depth + 1))
        elif isinstance(item, (list, tuple)):
            stack.extend((inner, f"{where}[{i}]", depth + 1) for i, inner in enumerate(item))
        elif isinstance(item, float) and not math.isfinite(item):
            raise _record_error(f"{where}: must be a finite number, got {item}")
        elif isinstance(item, int) and not isinstance(item, bool) and abs(item) > MAX_MAGNITUDE:
            raise _record_error(f"{where}: {item:.3g} is out of range")
        elif isinstance(item, str):
            _check_text(where, item)


def make_private(snapshot: SnapshotInput) -> None:
    """The privacy policy (perftui.recorder.sanitize) on what a snapshot stores besides its
    metrics, in place: the session id hashed, notes redacted, private breakdown keys dropped.
    Idempotent, so a snapshot that comes back from the spool or an import is not changed again."""
    snapshot.session_id = store_session_id(snapshot.session_id)
    snapshot.notes = redact_text(snapshot.notes)
    for name in ("operations", "cache_stats", "errors"):
        value = getattr(snapshot, name)
        if value is not None:
            setattr(snapshot, name, sanitize_breakdown(value))


def validate(snapshot: SnapshotInput) -> tuple[str, dict[str, float]]:
    """Check everything before anything is written; returns (recorded_at, values)."""
    if not isinstance(snapshot.metrics, Mapping):
        raise _record_error("metrics must be a mapping of metric id or key to a number")
    values = {str(name): check_value(str(name), v) for name, v in snapshot.metrics.items()}
    for name in values:
        if not name or not name.isprintable() or name != name.strip():
            raise _record_error(f"metric {name!r}: not a valid metric id or key (a control "
                                "character or surrounding space in the name)")
        reason = private_reason(name)
        if reason is not None:
            raise _record_error(f"metric {shown_name(name, reason)}: the name is private "
                                f"({reason}); perftui stores no personal data or secrets")
    if snapshot.status not in ("ok", "failed"):
        raise _record_error(f"status must be 'ok' or 'failed', got {snapshot.status!r}")
    for name in ("app", "environment"):
        text = getattr(snapshot, name)
        if not isinstance(text, str) or not text.strip() or len(text) > 100:
            raise _record_error(f"{name} must be a non-empty name of at most 100 characters")
    for name in _TEXT_FIELDS:
        _check_text(name, getattr(snapshot, name))
        _check_controls(name, getattr(snapshot, name))
    for name in ("cpu_count", "total_memory_mb"):
        count = getattr(snapshot, name)
        if count is not None and (isinstance(count, bool) or not isinstance(count, (int, float))
                                  or not 0 <= count <= MAX_MAGNITUDE):
            raise _record_error(f"{name} must be a whole number of at least 0, got {count!r}")
    for name in ("operations", "cache_stats", "errors"):
        if getattr(snapshot, name) is not None:
            _check_breakdown(name, getattr(snapshot, name))
    make_private(snapshot)
    if not snapshot.recorded_at:
        return now_iso(), values
    try:
        recorded_at = normalise_iso(snapshot.recorded_at)
    except (ValueError, OverflowError) as exc:
        raise _record_error(f"recorded_at: {exc}") from None
    if recorded_at < EARLIEST_RECORDED_AT:
        raise _record_error(f"recorded_at: {recorded_at} is before 1970")
    if recorded_at > latest_recorded_at():
        raise _record_error(f"recorded_at: {recorded_at} is in the future (a run is recorded "
                            "when it happened)")
    return recorded_at, values


def record_snapshot(db: Database, snapshot: SnapshotInput, *,
                    config: DetectorConfig = DEFAULT_CONFIG, evaluate: bool = True,
                    catalog: Catalog | None = None) -> RecordResult:
    """Store a snapshot with its measurements and, for a warm successful run, evaluate it and
    store the verdicts.

    Everything happens in one write transaction (joining the caller's, if one is open): a
    killed process leaves no half snapshot. Raises RecordError before writing on bad input.
    """
    recorded_at, values = validate(snapshot)
    with db.transaction():
        return _record(db, snapshot, recorded_at, values, config, evaluate, catalog)


def _record(conn: Database, snap: SnapshotInput, recorded_at: str,
            values: dict[str, float], config: DetectorConfig, evaluate: bool,
            catalog: Catalog | None = None) -> RecordResult:
    if catalog is None:
        catalog = load_catalog(conn)
    rows: list[tuple[MetricRow, float]] = []
    seen: set[int] = set()
    for name, value in values.items():
        row = catalog.find(name) or register_metric(conn, catalog, name)
        check_value(row.code if name == row.code else f"{row.code} ({name})", value,
                    row.unit)   # what the metric's unit allows
        if row.id in seen:
            raise _record_error(f"metric {row.code} given twice (as {name!r} and another name)")
        seen.add(row.id)
        rows.append((row, value))

    fields = {k: getattr(snap, k) for k in snapshots.SNAPSHOT_FIELDS
              if k in SnapshotInput.__slots__}
    fields["recorded_at"] = recorded_at
    snapshot_id = snapshots.insert_snapshot(conn, fields)
    if snapshot_id is None:  # this very run is stored already (delivered twice): nothing to do
        result = RecordResult(snapshots.snapshot_by_uid(conn, snap.uid), recorded_at, snap.app,
                              snap.environment, {})
        result.duplicate = True
        return result

    by_code = {row.code: v for row, v in rows}
    result = RecordResult(snapshot_id, recorded_at, snap.app, snap.environment, by_code)
    specs = {row.code: MetricSpec(row.code, row.direction, row.target, row.warning, row.error,
                                  row.name, row.unit)
             for row, _ in rows if row.active}
    if evaluate and snap.status == "ok" and not snap.is_cold_start:
        _evaluate(conn, snap, recorded_at, snapshot_id, rows, specs, config, result)
        result.evaluated = True
    result.performance_index = performance_index(
        {c: v for c, v in by_code.items() if c in specs}, specs)
    result.regression_score = regression_score(result.verdicts) if result.verdicts else None
    result.flags = evaluate_flags(by_code, flag_rules(conn))
    confidences = [v.baseline.confidence for v in result.verdicts if v.baseline is not None]
    result.baseline_confidence = (sum(confidences) / len(confidences)) if confidences else (
        0.0 if result.evaluated else None)
    verdict_by_code = {v.metric_id: v for v in result.verdicts}
    for row, value in rows:
        verdict = verdict_by_code.get(row.code)
        result.metrics.append({
            "metric_id": row.code, "key": row.key, "name": row.name, "unit": row.unit,
            "direction": row.direction, "target": row.target, "warning": row.warning,
            "error": row.error, "value": value,
            "baseline_median": verdict.baseline.median if verdict and verdict.baseline else None,
            "change_percent": verdict.change_percent if verdict else None,
            "severity": verdict.severity if verdict else "ok",
        })
    snapshots.insert_measurements(conn, [(row.id, snapshot_id, value,
                                          *verdict_columns(verdict_by_code.get(row.code)))
                                         for row, value in rows])
    snapshots.update_snapshot_scores(conn, snapshot_id, result.performance_index,
                                     result.regression_score, result.flags)
    return result


def verdict_columns(verdict: MetricVerdict | None) -> tuple:
    """(severity, tier, expected, deviation, baseline runs) as stored with a measurement;
    all None for a metric that was not judged."""
    if verdict is None:
        return (None, None, None, None, None)
    base = verdict.baseline
    tier = None
    if verdict.findings:
        tier = max(verdict.findings, key=lambda f: severity_rank(f.severity)).alert_type
    return (verdict.severity, tier, base.median if base is not None else None,
            verdict.change_percent, base.sample_size if base is not None else None)


def _evaluate(conn: Database, snap: SnapshotInput, recorded_at: str, snapshot_id: int,
              rows: list[tuple[MetricRow, float]], specs: dict[str, MetricSpec],
              config: DetectorConfig, result: RecordResult) -> None:
    resets = snapshots.baseline_resets(conn, snap.app, snap.environment, recorded_at)
    # (id, metric_id, alert_type, severity, normal_streak, status, expected_value) by metric
    open_by_metric: dict[int, list[tuple]] = {}
    for alert in store_alerts.open_alerts(conn, snap.app, snap.environment):
        open_by_metric.setdefault(alert[1], []).append(alert)
    baseline_snapshot = snapshots.last_warm_snapshot(conn, snap.app, snap.environment,
                                                     recorded_at)
    pasts = snapshots.histories(conn, [row.id for row, _ in rows if row.code in specs],
                                snap.app, snap.environment, recorded_at, config.history, resets)
    for row, value in rows:
        spec = specs.get(row.code)
        if spec is None:
            continue
        past = pasts[row.id]
        verdict = evaluate_metric(value, past, spec, config)
        result.verdicts.append(verdict)
        mine = open_by_metric.get(row.id, ())
        current = [OpenAlert(a_id, row.code, kind, severity, streak, status, expected)
                   for a_id, _metric, kind, severity, streak, status, expected in mine]
        expected_of = {a[0]: a[6] for a in mine}
        plan = plan_alerts(verdict, current, config)
        base_ctx = verdict.baseline.to_dict() if verdict.baseline is not None else None
        for finding in plan.new:
            alert_id = store_alerts.insert_alert(
                conn, snapshot_id=snapshot_id, baseline_snapshot_id=baseline_snapshot,
                metric_id=row.id, app=snap.app, environment=snap.environment,
                alert_type=finding.alert_type, severity=finding.severity,
                current_value=finding.current_value, expected_value=finding.expected_value,
                deviation_percent=finding.deviation_percent, message=finding.message,
                at=recorded_at, context={"baseline": base_ctx, **finding.details})
            result.alerts.append(_event(alert_id, row, finding, True))
        for alert_id, finding in plan.repeats:
            expected, deviation = _expectation(finding, expected_of.get(alert_id), row.direction)
            store_alerts.repeat_alert(conn, alert_id, alert_type=finding.alert_type,
                                severity=finding.severity,
                                current_value=finding.current_value, expected_value=expected,
                                deviation_percent=deviation,
                                message=_message(finding, expected, deviation, specs[row.code]),
                                at=recorded_at)
            result.alerts.append(_event(alert_id, row, finding, False))
        for alert_id, streak in plan.streaks:
            store_alerts.set_normal_streak(conn, alert_id, streak)
        for alert_id in plan.resolve:
            store_alerts.auto_resolve(conn, alert_id, recorded_at,
                                 f"auto-resolved: back to normal for {config.resolve_after} runs")
            result.resolved.append(alert_id)


def _expectation(finding: Any, previous: float | None,
                 direction: str) -> tuple[float | None, float | None]:
    """Expected value and deviation (+ = worse) of a repeated alert.

    A statistical alert keeps the better of the level it was raised against and the current
    baseline: once a rolling baseline absorbs a regression, the alert still measures from the
    level before it (and so stays open, see analysis.lifecycle.still_regressed); if the baseline
    has improved since, the newer, better level is the one this run is worse than.
    Threshold alerts measure from their line and trend findings report the change their fitted
    line projects over its window: both keep what the finding says.
    """
    if finding.alert_type in ("threshold", "trend", "anomaly") or not previous \
            or not finding.expected_value:
        return finding.expected_value, finding.deviation_percent
    sign = 1.0 if direction == "lower" else -1.0
    expected = finding.expected_value
    if sign * (previous - expected) >= 0:  # the current baseline is the better level
        return finding.expected_value, finding.deviation_percent
    # a change point judges the recent runs' level, a regression this run's value
    observed = (finding.details or {}).get("recent_level", finding.current_value)
    return previous, sign * (observed - previous) / abs(previous) * 100.0


def _message(finding: Any, expected: float | None, deviation: float | None,
             spec: MetricSpec) -> str:
    """The finding's message, or one that names the level the alert still measures from when
    that is not the finding's own (so message and numbers always agree)."""
    if expected is None or deviation is None or expected == finding.expected_value:
        return finding.message
    from perftui.analysis.messages import still_worse_message

    sign = 1.0 if spec.direction == "lower" else -1.0
    return still_worse_message(spec, finding.current_value, expected, deviation, sign)


def _event(alert_id: int, row: MetricRow, finding: Any, is_new: bool) -> AlertEvent:
    return AlertEvent(alert_id, row.code, row.name, row.unit, finding.alert_type, finding.severity,
                      finding.message, finding.current_value, finding.expected_value,
                      finding.deviation_percent, is_new)


def judge_unjudged(db: Database, config: DetectorConfig = DEFAULT_CONFIG) -> int:
    """Judge the newest snapshot of every scope whose measurements carry no verdict yet: stores
    written before verdicts were stored (migration 0004), and bulk writes (demo, import) that
    store history without judging each run. No alerts are raised; returns how many snapshots
    were judged."""
    judged = 0
    with db.transaction():
        catalog = load_catalog(db)
        by_id = {row.id: row for row in catalog.by_code.values()}
        for scope in snapshots.scope_list(db):
            app, environment = scope["app"], scope["environment"]
            snap = snapshots.latest_snapshot(db, app, environment)
            if snap is None or snap["is_cold_start"] or snap["status"] != "ok":
                continue
            rows = snapshots.unjudged_values(db, snap["id"])
            if not rows:
                continue
            resets = snapshots.baseline_resets(db, app, environment, snap["recorded_at"])
            verdicts = []
            for metric_id, value in rows:
                row = by_id.get(metric_id)
                if row is None or not row.active:
                    continue
                past = snapshots.history(db, metric_id, app, environment, snap["recorded_at"],
                                         config.history, resets.get(metric_id))
                spec = MetricSpec(row.code, row.direction, row.target, row.warning, row.error,
                                  row.name, row.unit)
                verdict = evaluate_metric(value, past, spec, config)
                verdicts.append((metric_id, *verdict_columns(verdict)))
            snapshots.set_verdicts(db, snap["id"], verdicts)
            judged += 1
    return judged
