"""The demo's made-up application: how each catalog metric behaves, and the story of its history.

Values are log-normal around a base (2-10 % noise), timings spike 2-3x about once in 300
runs, cold starts are slower, and a few genuine changes happen at known commits:

* a feature branch (``feature/prompt-cache``) cuts prompt tokens and cost and lifts the prompt
  cache hit rate; it is merged into ``main`` as version 1.5.0;
* ``switch to the larger model`` makes API calls 20 % slower: intended, accepted as the new
  baseline;
* ``refactor validation rules`` makes validation 30 % slower: a genuine regression, left open;
* peak memory creeps up 35 % over the last ~15 % of the story (a leak);
* prompt tokens sit above their target the whole time (the original's known issue).

Pure data and numpy: `perftui.core.demo` turns it into a store.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

APP = "definitie-app"
SCOPES = (("local", "dev-laptop", 0.85), ("ci", "ci-runner", 0.15))
MAIN, FEATURE = "main", "feature/prompt-cache"
STORY_WINDOW = 800     # the last N snapshots hold the story's events
SPIKE_P = 0.003
FAILED_P = 0.01
COLD_P = 0.03
CI_SLOWDOWN = 1.12


@dataclass(frozen=True)
class MetricModel:
    code: str
    base: float
    noise: float          # relative (log-normal sigma); absolute for ratios
    kind: str = "time"    # time | count | ratio | tokens | size
    cold: float = 1.0     # multiplier on a cold start (absolute value for ratios)
    decimals: int = 1


MODELS: tuple[MetricModel, ...] = (
    MetricModel("APP-001", 410, 0.04, cold=2.2),
    MetricModel("SVC-001", 1, 0.0, "count"),
    MetricModel("SVC-002", 160, 0.05, cold=1.8),
    MetricModel("VAL-001", 820, 0.06, cold=1.4),
    MetricModel("VAL-002", 78, 0.05, cold=3.0),
    MetricModel("VAL-003", 0.93, 0.01, "ratio", cold=0.55, decimals=3),
    MetricModel("GEN-001", 4200, 0.08, cold=1.3, decimals=0),
    MetricModel("API-001", 2000, 0.06, cold=1.1, decimals=0),
    MetricModel("API-002", 4100, 0.02, "tokens", decimals=0),
    MetricModel("API-003", 0.85, 0.05, "size", decimals=3),
    MetricModel("EXP-001", 1300, 0.07, cold=1.5, decimals=0),
    MetricModel("MEM-001", 350, 0.02, "size", cold=0.85),
    MetricModel("MEM-002", 4.0, 0.10, "size", decimals=2),
    MetricModel("CACHE-001", 1.0, 0.0, "ratio", cold=0.5, decimals=3),
    MetricModel("CACHE-002", 0.74, 0.02, "ratio", cold=0.3, decimals=3),
    MetricModel("CACHE-003", 0.76, 0.02, "ratio", cold=0.2, decimals=3),
    MetricModel("DB-001", 18, 0.08, cold=2.5, decimals=2),
    MetricModel("DB-002", 4, 0.15, "count"),
    MetricModel("WEB-001", 1200, 0.10, decimals=0),
    MetricModel("UI-001", 85, 0.06, cold=1.6),
    MetricModel("UFO-001", 310, 0.05, cold=1.5),
)


@dataclass(frozen=True)
class Commit:
    start: int            # index of the first snapshot on this commit
    sha: str
    branch: str
    version: str
    message: str


@dataclass
class Story:
    """Positions (snapshot indices) of the events, for n snapshots."""

    n: int
    feature_start: int
    merge: int
    model_switch: int
    validation_step: int
    memory_drift_start: int

    @classmethod
    def for_size(cls, n: int) -> "Story":
        window = min(n, STORY_WINDOW)
        start = n - window

        def at(fraction: float) -> int:
            return start + int(fraction * window)

        return cls(n, at(0.30), at(0.45), at(0.62), at(0.97), at(0.85))


def make_commits(story: Story, rng: np.random.Generator) -> list[Commit]:
    """Commits in time order: routine ones on main, then the story's."""
    n = story.n
    def sha() -> str:
        return "".join(f"{b:02x}" for b in rng.integers(0, 256, 20))

    routine_every = max(25, n // 60)
    starts = list(range(0, max(1, story.feature_start), routine_every))
    commits = [Commit(s, sha(), MAIN, f"1.{2 + (3 * i) // max(1, len(starts))}.{i % 4}",
                      "routine change") for i, s in enumerate(starts)]
    events = [
        (story.feature_start, FEATURE, "1.5.0-dev", "cache prompt templates"),
        ((story.feature_start + story.merge) // 2, FEATURE, "1.5.0-dev", "trim duplicated context"),
        (story.merge, MAIN, "1.5.0", "merge feature/prompt-cache"),
        (story.model_switch, MAIN, "1.5.1", "switch to the larger model"),
        ((story.model_switch + story.validation_step) // 2, MAIN, "1.5.2", "fix typo in help"),
        (story.validation_step, MAIN, "1.6.0", "refactor validation rules"),
        ((story.validation_step + n) // 2, MAIN, "1.6.1", "update dependencies"),
    ]
    taken = {c.start for c in commits}
    for start, branch, version, message in events:
        if 0 <= start < n and start not in taken:
            commits.append(Commit(start, sha(), branch, version, message))
            taken.add(start)
    commits.sort(key=lambda c: c.start)
    return commits


def commit_index(commits: list[Commit], n: int) -> np.ndarray:
    """For each snapshot, the index of its commit."""
    out = np.zeros(n, dtype=np.int64)
    for i, commit in enumerate(commits):
        out[commit.start:] = i
    return out


def level(model: MetricModel, story: Story) -> np.ndarray:
    """The metric's underlying level per snapshot (before noise): the story's changes."""
    n = story.n
    lvl = np.full(n, float(model.base))
    idx = np.arange(n)
    if model.code == "API-002":
        lvl[story.feature_start:] *= 0.88
    elif model.code == "API-003":
        lvl[story.feature_start:] *= 0.90
    elif model.code == "CACHE-002":
        lvl[story.feature_start:] += 0.08
    elif model.code == "API-001":
        lvl[story.model_switch:] *= 1.20
    elif model.code == "VAL-001":
        lvl[story.validation_step:] *= 1.30
    elif model.code == "MEM-001":
        start = story.memory_drift_start
        span = max(1, n - start)
        lvl[start:] *= 1.0 + 0.35 * (idx[start:] - start) / span
    return lvl


def values(model: MetricModel, story: Story, cold: np.ndarray, ci: np.ndarray,
           rng: np.random.Generator) -> np.ndarray:
    """Every snapshot's value of one metric."""
    n = story.n
    lvl = level(model, story)
    if model.kind == "ratio":
        v = lvl + rng.normal(0.0, model.noise, n) if model.noise else lvl.copy()
        v = np.where(cold, np.minimum(v, model.cold + rng.normal(0, 0.03, n)), v)
        return np.round(np.clip(v, 0.0, 1.0), model.decimals)
    if model.kind == "count":
        if model.code == "SVC-001":   # the known double container init, now and then
            return np.where(rng.random(n) < 0.02, 2.0, 1.0)
        return np.maximum(1.0, np.round(lvl * rng.lognormal(0.0, model.noise, n)))
    v = lvl * rng.lognormal(0.0, model.noise, n)
    if model.kind == "time":
        spikes = rng.random(n) < SPIKE_P
        v = np.where(spikes, v * rng.uniform(2.0, 3.0, n), v)
        v = np.where(ci, v * CI_SLOWDOWN, v)
    v = np.where(cold, v * model.cold, v)
    return np.round(v, model.decimals)


def daily_summary(model: MetricModel, day_level: float, count: int,
                  rng: np.random.Generator) -> tuple[int, float, float, float, float, float]:
    """(count, mean, median, min, max, p95) of one synthetic day of warm runs."""
    sample = np.sort(values_at(model, day_level, count, rng))
    return (count, float(sample.mean()), float(np.median(sample)), float(sample[0]),
            float(sample[-1]), float(np.quantile(sample, 0.95)))


def values_at(model: MetricModel, lvl: float, count: int, rng: np.random.Generator) -> np.ndarray:
    if model.kind == "ratio":
        return np.clip(lvl + rng.normal(0.0, model.noise, count), 0.0, 1.0)
    if model.kind == "count":
        return np.full(count, float(max(1.0, round(lvl))))
    return lvl * rng.lognormal(0.0, model.noise, count)
