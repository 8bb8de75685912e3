"""Series for the detection-quality harness: seeded synthetic generators and the Mozilla loader.

Synthetic runs are log-normal around a level (``noise`` is the sigma of log(value), so 0.05 is
"5 % noise"), with a 2-3x spike in the bad direction about once in 100 runs. Lower-is-better
series get worse upwards, higher-is-better ones downwards (a hit rate drops).
"""

from __future__ import annotations

import csv
import json
import os
import statistics
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

SPIKE_RATE = 0.01
SPIKE_LOW, SPIKE_HIGH = 2.0, 3.0


def rng_for(*parts: object) -> np.random.Generator:
    """A generator seeded from the scenario's name, so every figure is reproducible."""
    seed = zlib.crc32("|".join(str(p) for p in parts).encode())
    return np.random.default_rng(seed)


def noisy(
    levels: np.ndarray, noise: float, direction: str, rng: np.random.Generator, spike_rate: float = SPIKE_RATE
) -> list[float]:
    """Log-normal noise around ``levels`` plus bad-direction 2-3x spikes at ``spike_rate``."""
    n = len(levels)
    base = float(np.exp(rng.uniform(np.log(5.0), np.log(5000.0))))
    values = base * levels * np.exp(noise * rng.standard_normal(n))
    spikes = rng.random(n) < spike_rate
    factor = rng.uniform(SPIKE_LOW, SPIKE_HIGH, n)
    if direction == "lower":
        values = np.where(spikes, values * factor, values)
    else:
        values = np.where(spikes, values / factor, values)
    return [float(v) for v in values]


def direction_of(i: int) -> str:
    """Every third series is higher-is-better (a hit rate), the rest lower-is-better."""
    return "higher" if i % 3 == 2 else "lower"


def stationary(n: int, noise: float, direction: str, rng: np.random.Generator) -> list[float]:
    """No change at all: every alert on it is false."""
    return noisy(np.ones(n), noise, direction, rng)


def step(burn: int, after: int, size: float, noise: float, direction: str, rng: np.random.Generator) -> list[float]:
    """``burn`` normal runs, then ``after`` runs ``size`` worse (x(1+size) or x(1-size))."""
    bad = 1.0 + size if direction == "lower" else 1.0 - size
    levels = np.concatenate([np.ones(burn), np.full(after, bad)])
    return noisy(levels, noise, direction, rng)


def drift(burn: int, after: int, per_run: float, noise: float, direction: str, rng: np.random.Generator) -> list[float]:
    """``burn`` normal runs, then a linear drift of ``per_run`` (relative) per run, worse-ward."""
    k = np.arange(1, after + 1, dtype=float)
    ramp = 1.0 + per_run * k if direction == "lower" else 1.0 - per_run * k
    return noisy(np.concatenate([np.ones(burn), ramp]), noise, direction, rng)


def improvement(burn: int, after: int, size: float, noise: float, direction: str, rng: np.random.Generator) -> list[float]:
    """``burn`` normal runs then a lasting improvement: x(1-size) faster, or x(1+size) hit rate.

    Without spikes, so that every alert on it is caused by the improvement itself (the
    stationary scenarios measure what spikes cost)."""
    good = 1.0 - size if direction == "lower" else 1.0 + size
    levels = np.concatenate([np.ones(burn), np.full(after, good)])
    return noisy(levels, noise, direction, rng, spike_rate=0.0)


def quantised(kind: str, n: int, noise: float, direction: str, rng: np.random.Generator,
              burn: int | None = None, size: float = 0.0) -> list[float]:
    """Quantised series, as real apps produce them (no change unless ``burn`` and ``size``).

    ``grid``: a timing around 10 ms (9.5-10.5) read from a clock with 1 ms granularity, as
    asyncio's timer gives it: the tick below the true time, plus a 0.1 ms overhead (10.1, 11.1,
    ...). ``counts``: an integer count around 1.5-30 (rounded). Both with the usual log-normal
    noise and 2-3x spikes, applied before the value is quantised. With ``burn``, the runs from
    ``burn`` on are ``size`` worse (x(1+size) for lower-is-better, x(1-size) otherwise).
    """
    levels = np.ones(n)
    if burn is not None:
        levels[burn:] = 1.0 + size if direction == "lower" else 1.0 - size
    raw = np.array(noisy(levels, noise, direction, rng))
    raw = raw / np.median(raw[: burn or n])  # back to a level of 1
    if kind == "grid":
        return [float(v) for v in np.floor(raw * rng.uniform(9.5, 10.5)) + 0.1]
    if kind == "counts":
        return [float(v) for v in np.round(raw * np.exp(rng.uniform(np.log(1.5), np.log(30.0))))]
    raise ValueError(f"unknown quantised kind {kind!r}")


# ---------------------------------------------------------------------------------------------
# Mozilla Perfherder windows

FALLBACK_OFFSET = 0.5
"""Raw ~ a * (scaled + c). With no usable alert, c = 0.5: the median of c over the windows where
it could be solved (0.2 .. 1.7); relative effects only depend on c, never on a."""


@dataclass
class MozSeries:
    signature: str
    name: str
    direction: str
    scaled: list[float]
    statuses: list[str]
    alerts: list[dict]
    offset: float = FALLBACK_OFFSET
    offset_source: str = "fixed"
    values: list[float] = field(default_factory=list)


def shared_data_dir(repo_root: Path) -> Path:
    """``PERFTUI_SHARED_DATA`` or ``<repo>/../shared/data``."""
    env = os.environ.get("PERFTUI_SHARED_DATA")
    return Path(env) if env else repo_root.parent / "shared" / "data"


def _solve_offset(scaled: list[float], alert: dict, width: int) -> float | None:
    """c = b / a from raw = a*scaled + b, matching the medians of ``width`` runs before/after the
    alert row to its raw prev_value/new_value; None unless a > 0 and b > 0."""
    p = alert["position"]
    before = scaled[max(0, p - width):p]
    after = scaled[p:p + width]
    if len(before) < 3 or len(after) < 3:
        return None
    mb, ma = statistics.median(before), statistics.median(after)
    if ma == mb:
        return None
    a = (alert["new_value"] - alert["prev_value"]) / (ma - mb)
    b = alert["prev_value"] - a * mb
    if a <= 0 or b <= 0:
        return None
    return b / a


def load_mozilla(root: Path) -> list[MozSeries] | None:
    """The labelled windows with a reconstructed raw scale, or None when the folder is absent."""
    folder = root / "mozilla"
    labels_path = folder / "labels.json"
    if not labels_path.exists():
        return None
    labels = json.loads(labels_path.read_text())
    out: list[MozSeries] = []
    for sig in sorted(labels):
        meta = labels[sig]
        with open(folder / f"{sig}.csv", newline="") as fh:
            rows = list(csv.DictReader(fh))
        scaled = [float(r["value"]) for r in rows]
        statuses = [r["alert_status"] for r in rows]
        direction = "lower" if meta["lower_is_better"] else "higher"
        s = MozSeries(sig, meta.get("name") or meta.get("test", ""), direction, scaled, statuses, meta["alerts"])
        for alert in meta["alerts"]:
            for width in (12, 6):
                c = _solve_offset(scaled, alert, width)
                if c is not None:
                    s.offset, s.offset_source = c, f"solved@{alert['position']}/{width}"
                    break
            if s.offset_source != "fixed":
                break
        s.values = [v + s.offset for v in scaled]
        out.append(s)
    return out
