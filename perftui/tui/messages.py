"""Messages the thread workers answer with (past tense: something happened).

A worker calls a `StoreSource` method and posts one of these to the screen (or dialog) that
started it; the handler updates widgets on the UI thread. Failures come back too, as
`StoreFailed` (the store itself: missing, locked, corrupt) or `ActionFailed` (bad input, a
read-only store), each with the one-line message to show. (Plain classes rather than
dataclasses: this module is imported before the first paint.)
"""

from __future__ import annotations

from typing import Any

from textual.message import Message


class StoreFailed(Message):
    """The store could not be opened or read."""

    def __init__(self, error: str, kind: str = "error"):
        super().__init__()
        self.error, self.kind = error, kind


class ActionFailed(Message):
    """A request was refused (bad input, read-only store, already resolved...)."""

    def __init__(self, error: str, action: str = ""):
        super().__init__()
        self.error, self.action = error, action


class StoreChanged(Message):
    """Another process (or we) committed to the store: visible data may be stale."""


class StatusLoaded(Message):
    def __init__(self, data: dict, now: Any = None):
        super().__init__()
        self.data, self.now = data, now


class TrendLoaded(Message):
    def __init__(self, trend: Any):
        super().__init__()
        self.trend = trend


class PointsLoaded(Message):
    def __init__(self, points: dict):
        super().__init__()
        self.points = points


class AlertsLoaded(Message):
    def __init__(self, alerts: list[dict], key: tuple = ()):
        super().__init__()
        self.alerts, self.key = alerts, key


class AlertDetailLoaded(Message):
    def __init__(self, alert: dict, history: list | None = None):
        super().__init__()
        self.alert, self.history = alert, history or []


class AlertAcknowledged(Message):
    def __init__(self, alerts: list[dict]):
        super().__init__()
        self.alerts = alerts


class BaselineAccepted(Message):
    def __init__(self, alert_id: int, resolved: list[dict]):
        super().__init__()
        self.alert_id, self.resolved = alert_id, resolved


class TargetsLoaded(Message):
    def __init__(self, metrics: list[dict]):
        super().__init__()
        self.metrics = metrics


class TargetSaved(Message):
    def __init__(self, metric: dict, what: str = "saved"):
        super().__init__()
        self.metric, self.what = metric, what


class TargetRejected(Message):
    def __init__(self, error: str):
        super().__init__()
        self.error = error


class AuditLoaded(Message):
    def __init__(self, changes: list[dict]):
        super().__init__()
        self.changes = changes


class PruneDone(Message):
    def __init__(self, result: dict):
        super().__init__()
        self.result = result


class AlertProfileLoaded(Message):
    """An alert's profile view (`StoreSource.alert_profile`): what grew since the baseline and
    the top functions, or why there is none to show ("missing", "damaged")."""

    def __init__(self, alert_id: int, view: dict):
        super().__init__()
        self.alert_id, self.view = alert_id, view
