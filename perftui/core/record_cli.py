"""Recording from the shell: `perftui record APP-001=412.5 VAL-001=890 --commit abc123`.

Values are parsed strictly (a finite number, nothing else) and the snapshot goes through
`record_snapshot` like any recording from inside an app, so it is evaluated and can raise
alerts. A metric the store does not know is registered on the fly (unit guessed from its
name), exactly as the recorder does; the result says which were new.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from typing import Any

from perftui.errors import InputError
from perftui.recorder import context
from perftui.recorder.evaluate import SnapshotInput, record_snapshot
from perftui.recorder.sanitize import private_reason, shown_name, valid_name
from perftui.store.engine import Database
from perftui.store.location import env_scope
from perftui.store.metrics import load_catalog
from perftui.store.snapshots import newest_scope
from perftui.timefmt import EARLIEST_RECORDED_AT, latest_recorded_at, parse_iso, to_iso



def parse_value(name: str, text: str) -> float:
    """A finite number, or InputError naming the metric and the text."""
    raw = text.strip()
    # float() also takes "1_000", full-width digits and "nan": only plain ASCII numbers here
    plain = raw.lstrip("+-").replace(".", "", 1).replace("e", "", 1).replace("E", "", 1)
    plain = plain.replace("+", "", 1).replace("-", "", 1)
    if not raw or not raw.isascii() or "_" in raw or not (plain.isdigit()
                                                         or raw.lower().lstrip("+-") in
                                                         ("nan", "inf", "infinity")):
        raise InputError(f"metric {name}: {text!r} is not a number")
    try:
        value = float(raw)
    except ValueError:
        raise InputError(f"metric {name}: {text!r} is not a number") from None
    if not math.isfinite(value):
        raise InputError(f"metric {name}: {text!r} is not a finite number (NaN and infinity "
                         "cannot be recorded)")
    return value


def parse_assignments(pairs: Sequence[str]) -> dict[str, float]:
    """['APP-001=412.5', 'startup_time_ms=400'] -> {name: value}; InputError on anything else."""
    if not pairs:
        raise InputError("give at least one KEY=VALUE, e.g. APP-001=412.5")
    values: dict[str, float] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        name = name.strip()
        if not sep:
            raise InputError(f"expected KEY=VALUE, got {pair!r}")
        if not valid_name(name):
            raise InputError(f"{name!r} is not a valid metric id or key (letters, digits and "
                             "_ . : / - only, at most 80 characters)")
        reason = private_reason(name)
        if reason is not None:
            raise InputError(f"metric {shown_name(name, reason)}: the name is private "
                             f"({reason}); perftui stores no personal data or secrets, "
                             "so nothing was recorded")
        if name in values:
            raise InputError(f"metric {name} is given twice")
        values[name] = parse_value(name, text)
    return values


def build_snapshot(values: dict[str, float], *, app: str | None, environment: str | None,
                   commit: str | None = None, branch: str | None = None,
                   version: str | None = None, at: str | None = None, cold: bool = False,
                   failed: bool = False) -> SnapshotInput:
    """A snapshot with this machine's context and the repository's commit and branch (read
    from the environment or .git) unless given."""
    if at is not None:
        try:
            moment = parse_iso(at)
        except (ValueError, OverflowError):   # OverflowError: year 1 east of UTC
            raise InputError(f"--at: {at!r} is not an ISO-8601 time "
                             "(e.g. 2026-01-31T12:00:00Z)") from None
        at = to_iso(moment)
        if at > latest_recorded_at():
            raise InputError(f"--at: {at} is in the future (a run is recorded when it happened)")
        if at < EARLIEST_RECORDED_AT:
            raise InputError(f"--at: {at} is before 1970")
    git_commit, git_branch = (commit, branch) if commit and branch else context.git_info()
    system = context.system_context()
    app, environment = env_scope(app, environment)
    return SnapshotInput(
        metrics=values, recorded_at=at,
        # None: filled from the store by `with_default_scope` (the newest snapshot's scope)
        app=app, environment=environment,
        host=system["host"], git_commit=commit or git_commit, git_branch=branch or git_branch,
        app_version=version or os.environ.get("PERFTUI_APP_VERSION"),
        python_version=system["python_version"], platform=system["platform"],
        cpu_count=system["cpu_count"], total_memory_mb=system["total_memory_mb"],
        is_cold_start=cold, status="failed" if failed else "ok")


def with_default_scope(conn: Database, snapshot: SnapshotInput) -> SnapshotInput:
    """Fill an app or environment nobody named with the newest snapshot's (the same default
    the read commands use), else 'default' / 'local' on an empty store."""
    if snapshot.app is None or snapshot.environment is None:
        newest = newest_scope(conn, snapshot.app, snapshot.environment)
        snapshot.app = snapshot.app or (newest[0] if newest else "default")
        snapshot.environment = snapshot.environment or (newest[1] if newest else "local")
    return snapshot


def record(conn: Database, snapshot: SnapshotInput) -> dict:
    """Store and evaluate one snapshot; returns its JSON-able result (see `result_dict`).
    A snapshot that cannot be stored raises RecordError (an InputError) naming the field."""
    snapshot = with_default_scope(conn, snapshot)
    catalog = load_catalog(conn)
    new = [name for name in snapshot.metrics if catalog.find(name) is None]
    result = record_snapshot(conn, snapshot)
    return result_dict(result, new)


def result_dict(result: Any, registered: list[str]) -> dict:
    """Shape: {snapshot_id, recorded_at, app, environment, evaluated, performance_index,
    regression_score, flags, baseline_confidence, metrics[...], alerts[...], resolved[...],
    registered_metrics[...]}."""
    return {
        "snapshot_id": result.snapshot_id, "recorded_at": result.recorded_at,
        "app": result.app, "environment": result.environment, "evaluated": result.evaluated,
        "performance_index": result.performance_index,
        "regression_score": result.regression_score, "flags": list(result.flags),
        "baseline_confidence": result.baseline_confidence, "metrics": list(result.metrics),
        "alerts": [a.to_dict() for a in result.alerts], "resolved": list(result.resolved),
        "registered_metrics": registered,
    }
