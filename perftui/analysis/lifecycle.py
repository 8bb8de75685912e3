"""The alert state machine, pure: what the store should insert, bump, count and resolve.

The store (and the detection harness, so both use the same logic) calls :func:`plan_alerts`
once per metric per run, with the metric's verdict and the alerts currently open for it
(status ``open`` or ``acknowledged``), and applies the returned :class:`AlertPlan`.

Rules:

* dedup key = (metric_id, alert_type), except that the three statistical types ``regression``,
  ``change_point`` and ``trend`` share one key: they are one event, "this metric got worse than
  its own past", seen by three tests (a fast point test, a slower median test, a line fit), and
  one incident often shows up as one type on a run and another on the next. So while any of
  them is open, a finding of the others repeats it.
  A finding whose key has an open alert is a *repeat*: the store raises the occurrence count,
  sets last_seen, keeps the worse of the two severities (the row keeps its first alert_type) and
  resets the alert's normal streak to 0. Otherwise it is *new*: insert a row.
* An open alert of this metric that is not repeated has had a *normal* run for its key: its
  normal streak grows by one (``streaks``). When it reaches ``config.resolve_after`` the alert is
  resolved (``resolve``; its id is also in ``streaks``).
* Findings below ``config.record_min_severity`` are ignored (and count as normal runs).
* A new incident is not folded into an old one: when a statistical alert's metric has been
  back to normal for ``config.new_after_normal`` runs (2; the normal streak only grows while the
  value is within ``min_effect`` of the level the alert was raised against) and a shift (a
  regression or a change point; a trend is slow by nature and goes on the open row) is found
  again, that shift is *new* (its own row, its own message and numbers) and the old alert is
  resolved. So a real slowdown after a false alarm is reported as itself.
* Acknowledged alerts dedupe and resolve exactly like open ones.
"""

from __future__ import annotations

TYPE_CHECKING = False  # collections.abc imports collections: ~1.5 ms of a host app's start-up
if TYPE_CHECKING:
    from collections.abc import Sequence

from ._frozen import Frozen
from .types import DEFAULT_CONFIG, DetectorConfig, Finding, MetricVerdict, bad_sign, severity_rank

OPEN_STATUSES = ("open", "acknowledged")
_KEY = {"change_point": "regression", "trend": "regression"}


def dedup_key(alert_type: str) -> str:
    """The alert type that dedupes with ``alert_type`` (change_point, trend -> regression)."""
    return _KEY.get(alert_type, alert_type)


class OpenAlert(Frozen):
    """An alert row that is still open or acknowledged (the only statuses that dedupe)."""

    alert_id: int
    metric_id: str
    alert_type: str
    severity: str
    normal_streak: int = 0
    status: str = "open"
    expected_value: float | None = None  # the baseline when it was raised (regression-type)


class AlertPlan(Frozen):
    """What to do with the store after one verdict.

    new: findings to insert as new alert rows.
    repeats: (alert_id, finding): raise occurrences, set last_seen, keep the worst severity, and
        reset normal_streak to 0.
    streaks: (alert_id, new normal_streak) for open alerts of this metric that were not repeated.
    resolve: alert ids whose streak reached ``resolve_after``: mark resolved.
    superseded: those of ``resolve`` that end because a new shift was found after the metric had
        been back to normal (``new_after_normal``), not after ``resolve_after`` normal runs.
    """

    new: tuple[Finding, ...] = ()
    repeats: tuple[tuple[int, Finding], ...] = ()
    streaks: tuple[tuple[int, int], ...] = ()
    resolve: tuple[int, ...] = ()
    superseded: tuple[int, ...] = ()

    @property
    def is_empty(self) -> bool:
        """True when the plan changes nothing."""
        return not (self.new or self.repeats or self.streaks or self.resolve)


def still_regressed(alert: OpenAlert, verdict: MetricVerdict,
                    config: DetectorConfig = DEFAULT_CONFIG) -> bool:
    """Whether a regression-type alert's metric is still at least ``min_effect`` worse than the
    level the alert was raised against (its ``expected_value``)."""
    expected = alert.expected_value
    if dedup_key(alert.alert_type) != "regression" or not expected:
        return False
    badness = bad_sign(verdict.direction) * (verdict.value - expected) / abs(expected)
    return badness >= config.min_effect


def plan_alerts(
    verdict: MetricVerdict,
    open_alerts: Sequence[OpenAlert],
    config: DetectorConfig = DEFAULT_CONFIG,
) -> AlertPlan:
    """Plan the alert rows for ``verdict`` given the open alerts (any metric; others are ignored).

    When several open alerts share a key (which a correct store never has), the oldest (lowest
    id) takes the repeat and the others follow the normal-run rule, so they close themselves.
    """
    floor = severity_rank(config.record_min_severity)
    mine = sorted(
        (a for a in open_alerts if a.metric_id == verdict.metric_id and a.status in OPEN_STATUSES),
        key=lambda a: a.alert_id,
    )
    by_type: dict[str, OpenAlert] = {}
    for a in mine:
        by_type.setdefault(dedup_key(a.alert_type), a)
    new: list[Finding] = []
    repeats: list[tuple[int, Finding]] = []
    repeated: set[int] = set()
    superseded: list[int] = []
    seen_types: set[str] = set()
    fresh_after = config.new_after_normal
    for f in verdict.findings:
        key = dedup_key(f.alert_type)
        if severity_rank(f.severity) < floor or f.severity == "ok" or key in seen_types:
            continue
        seen_types.add(key)
        hit = by_type.get(key)
        if hit is not None and f.alert_type in ("regression", "change_point") and fresh_after \
                and hit.normal_streak >= fresh_after:
            superseded.append(hit.alert_id)  # back to normal since: this shift is news
            repeated.add(hit.alert_id)
            new.append(f)
        elif hit is not None:
            repeats.append((hit.alert_id, f))
            repeated.add(hit.alert_id)
        else:
            new.append(f)
    streaks: list[tuple[int, int]] = []
    resolve: list[int] = list(superseded)
    for a in mine:
        if a.alert_id in repeated:
            continue
        if still_regressed(a, verdict, config):
            # The rolling baseline has absorbed the new level, so no tier fires any more, but the
            # value is still min_effect worse than before the alert: not a normal run. A real
            # regression stays open until it recovers or a person accepts it. A lone anomaly
            # only pauses the streak: the next run tells a new shift (which is then news, see
            # new_after_normal) from the old one going on.
            if a.normal_streak and "anomaly" not in seen_types:
                streaks.append((a.alert_id, 0))
            continue
        streak = a.normal_streak + 1
        streaks.append((a.alert_id, streak))
        if streak >= config.resolve_after:
            resolve.append(a.alert_id)
    return AlertPlan(tuple(new), tuple(repeats), tuple(streaks), tuple(resolve), tuple(superseded))
