"""Helpers for the analysis tests: seeded synthetic series and a tiny in-memory alert store."""

from __future__ import annotations

import random
from perftui.analysis.types import replace

from perftui.analysis import DEFAULT_CONFIG, MetricSpec, OpenAlert, evaluate_metric, plan_alerts, severity_rank


def noisy(n: int, noise: float = 0.05, level: float = 100.0, seed: int = 1) -> list[float]:
    """``n`` log-normal values around ``level`` (``noise`` = sigma of the log), seeded."""
    rng = random.Random(seed)
    return [level * rng.lognormvariate(0.0, noise) for _ in range(n)]


class Replay:
    """Feeds values one by one through evaluate_metric + plan_alerts, like the store does."""

    def __init__(self, spec: MetricSpec, config=DEFAULT_CONFIG) -> None:
        self.spec = spec
        self.config = config
        self.values: list[float] = []
        self.open: dict[int, OpenAlert] = {}
        self.next_id = 1
        self.new: list[tuple[int, str, str]] = []  # (run, type, severity)
        self.verdicts = []

    def feed(self, value: float):
        verdict = evaluate_metric(value, self.values[-self.config.history:], self.spec, self.config)
        plan = plan_alerts(verdict, list(self.open.values()), self.config)
        for alert_id, streak in plan.streaks:
            self.open[alert_id] = replace(self.open[alert_id], normal_streak=streak)
        for alert_id, f in plan.repeats:
            self.open[alert_id] = replace(self.open[alert_id], normal_streak=0)
        for alert_id in plan.resolve:
            del self.open[alert_id]
        for f in plan.new:
            self.open[self.next_id] = OpenAlert(self.next_id, self.spec.metric_id, f.alert_type,
                                                 f.severity, expected_value=f.expected_value)
            self.next_id += 1
            self.new.append((len(self.values), f.alert_type, f.severity))
        self.values.append(value)
        self.verdicts.append(verdict)
        return verdict

    def feed_all(self, values):
        return [self.feed(v) for v in values]

    def alerts(self, start: int = 0) -> list[tuple[int, str, str]]:
        """New alerts of warning or worse at run >= start."""
        return [a for a in self.new if a[0] >= start and severity_rank(a[2]) >= severity_rank("warning")]
