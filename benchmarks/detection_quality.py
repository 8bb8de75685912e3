#!/usr/bin/env python
"""Detection-quality harness: false alarms, recall and delay of perftui's detector, by replay.

Every series is replayed run by run exactly as the store would: at run t the detector gets the
value and the previous ``config.history`` values, and the verdict goes through
``perftui.analysis.plan_alerts`` with the open-alert state carried from run to run (repeats of an
open alert are not new alerts; alerts resolve after ``resolve_after`` normal runs).

    python benchmarks/detection_quality.py [--series 200] [--jobs 2] [--quick]

Scenarios (seeded, reproducible):
* stationary series at 2 %, 5 %, 10 % log-normal noise with a 2-3x spike ~1 run in 100:
  new alerts of warning+ per 1,000 metric-runs (all are false);
* a lasting 30 % improvement: new alerts per 1,000 runs (all are false);
* +10 %, +20 %, +50 % steps and a +0.5 %/run drift at 2/5/10 % noise, after 60 normal runs:
  recall within the target delay and the median delay (runs from the first changed run, which
  counts as 1; a single run is never enough, so 2 is the fastest possible);
* quantised series (issue 14): a timing around 10 ms on a 1 ms clock, and integer counts, at
  2/5/10 % noise: false alerts per 1,000 runs; and recall of steps on them at 5 % noise;
* the labelled Mozilla Perfherder windows (if ``PERFTUI_SHARED_DATA`` or ../shared/data holds
  them): precision / recall / F1 against the sheriffs' labels.

Two naive peers run on the same series and through the same alert lifecycle: "alert when more
than 2x the previous run" and the original design's literal rule z = (x - median) / std over the
last 20 runs, warning above 1, error above 2, critical above 3.
"""

from __future__ import annotations

import argparse
import ast
import math
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

from _common import reexec_installed  # noqa: E402

if __name__ == "__main__":  # measure the installed package, from outside the tree
    reexec_installed()

import _series as S  # noqa: E402
from perftui.analysis.types import replace  # noqa: E402

from perftui.analysis import (  # noqa: E402
    DEFAULT_CONFIG,
    DetectorConfig,
    Finding,
    MetricSpec,
    MetricVerdict,
    OpenAlert,
    evaluate_metric,
    plan_alerts,
    severity_rank,
)

WARNING = severity_rank("warning")
BURN_IN = 60
NOISES = (0.02, 0.05, 0.10)
STATIONARY_RUNS = 300
IMPROVEMENT_AFTER = 100
CHANGES = (  # name, kind, size, target delay, runs replayed after the change
    ("+10% step", "step", 0.10, 10, 30),
    ("+20% step", "step", 0.20, 3, 30),
    ("+50% step", "step", 0.50, 2, 30),
    ("+0.5%/run drift", "drift", 0.005, 40, 80),
)
TARGET_RECALL = {"+10% step": 0.80, "+20% step": 0.90, "+50% step": 0.95, "+0.5%/run drift": 0.90}
QUANTISED = ("grid", "counts")  # a 1 ms clock around 10 ms; integer counts (see _series.quantised)
QUANTISED_CHANGES = (  # name, kind, size, target delay, runs after the change (at 5 % noise)
    ("grid +20% step", "grid", 0.20, 10, 30),
    ("grid +40% step", "grid", 0.40, 2, 30),
    ("counts +50% step", "counts", 0.50, 10, 30),
)
MOZ_TOLERANCE = 5  # a detection in rows [p, p + 5] of a labelled row p matches it

# ------------------------------------------------------------------------------- detectors

def _shift_z(delta: float) -> DetectorConfig:
    """Every z threshold (run rules, change point, trend t) moved by ``delta``."""
    d = DEFAULT_CONFIG
    return replace(d, run_rules=tuple((r, z + delta) for r, z in d.run_rules), cp_z=d.cp_z + delta,
                   trend_min_t=d.trend_min_t + delta)


CONFIGS: dict[str, DetectorConfig] = {  # the default and the alternatives it was chosen against
    "default": DEFAULT_CONFIG,
    "all z -1 (looser)": _shift_z(-1.0),
    "all z +1 (stricter)": _shift_z(+1.0),
    "sigma from window MAD": replace(DEFAULT_CONFIG, point_sigma="window", cp_sigma="reference"),
    "cp reference 20": replace(DEFAULT_CONFIG, cp_reference=20),
    "cp strict 10% effect": replace(DEFAULT_CONFIG, cp_effect_tolerance=0.0),
    "no change point": replace(DEFAULT_CONFIG, change_point=False),
    "no trend": replace(DEFAULT_CONFIG, trend=False),
    "no quiet shifts (10% floor only)": replace(DEFAULT_CONFIG, cp_quiet_sigmas=0.0),
}


def _finding(value: float, expected: float, severity: str, message: str, **details: float) -> Finding:
    return Finding("regression", severity, value, expected, 0.0, message, dict(details))


def _verdict(spec: MetricSpec, value: float, finding: Finding | None) -> MetricVerdict:
    findings = () if finding is None else (finding,)
    sev = "ok" if finding is None else finding.severity
    return MetricVerdict(spec.metric_id, value, sev, findings, None, None, spec.direction)


def peer_double(value: float, history: Sequence[float], spec: MetricSpec, config: DetectorConfig) -> MetricVerdict:
    """Alert when the run is more than 2x worse than the previous one."""
    f = None
    if history:
        prev = history[-1]
        worse = value > 2 * prev if spec.direction == "lower" else value < prev / 2
        if worse:
            f = _finding(value, prev, "warning", "more than 2x the previous run")
    return _verdict(spec, value, f)


def peer_literal_z(value: float, history: Sequence[float], spec: MetricSpec, config: DetectorConfig) -> MetricVerdict:
    """The original's rule: z = (x - median) / std of the last 20; >1 warning, >2 error, >3 critical."""
    f = None
    last = history[-20:]
    if len(last) >= 2:
        med = statistics.median(last)
        mean = math.fsum(last) / len(last)
        std = math.sqrt(math.fsum((v - mean) ** 2 for v in last) / len(last))
        if std > 0:
            z = (value - med) / std if spec.direction == "lower" else (med - value) / std
            sev = "critical" if z > 3 else "error" if z > 2 else "warning" if z > 1 else None
            if sev:
                f = _finding(value, med, sev, "z above 1", z=z)
    return _verdict(spec, value, f)


def perftui_detector(value: float, history: Sequence[float], spec: MetricSpec, config: DetectorConfig) -> MetricVerdict:
    return evaluate_metric(value, history, spec, config)


DETECTORS: dict[str, tuple[Callable, DetectorConfig]] = {name: (perftui_detector, cfg) for name, cfg in CONFIGS.items()}
DETECTORS["peer: 2x previous"] = (peer_double, DEFAULT_CONFIG)
DETECTORS["peer: literal z>1"] = (peer_literal_z, DEFAULT_CONFIG)

# ------------------------------------------------------------------------------- replay


def replay(
    values: Sequence[float],
    direction: str,
    detector: str,
    start: int = 0,
    stop: int | None = None,
    stop_at_alert: bool = False,
) -> tuple[list[tuple[int, str, str]], list[int]]:
    """Replay ``values[start:stop]`` through a detector and the alert lifecycle.

    Returns (new alerts of warning+ as (run, severity, type), runs whose verdict had a warning+
    finding, new or repeat; with ``stop_at_alert`` the replay ends at the first of those).
    """
    fn, config = DETECTORS[detector]
    spec = MetricSpec("m", direction=direction)
    h = config.history
    stop = len(values) if stop is None else stop
    open_alerts: dict[int, OpenAlert] = {}
    next_id = 1
    new: list[tuple[int, str, str]] = []
    alert_runs: list[int] = []
    for t in range(start, stop):
        verdict = fn(values[t], values[t - h if t > h else 0:t], spec, config)
        if severity_rank(verdict.severity) >= WARNING:
            alert_runs.append(t)
            if stop_at_alert:
                break
        if not open_alerts and not verdict.findings:
            continue
        plan = plan_alerts(verdict, list(open_alerts.values()), config)
        for alert_id, streak in plan.streaks:
            a = open_alerts[alert_id]
            open_alerts[alert_id] = replace(a, normal_streak=streak)
        for alert_id, f in plan.repeats:
            a = open_alerts[alert_id]
            sev = f.severity if severity_rank(f.severity) > severity_rank(a.severity) else a.severity
            open_alerts[alert_id] = replace(a, normal_streak=0, severity=sev)
        for alert_id in plan.resolve:
            open_alerts.pop(alert_id, None)
        for f in plan.new:
            open_alerts[next_id] = OpenAlert(next_id, "m", f.alert_type, f.severity, 0,
                                             expected_value=f.expected_value)
            next_id += 1
            if severity_rank(f.severity) >= WARNING:
                new.append((t, f.severity, f.alert_type))
    return new, alert_runs


# ------------------------------------------------------------------------------- tasks


def task_false_alarms(
    detector: str, scenario: str, noise: float, n_series: int
) -> tuple[int, int, dict[str, int], int, int]:
    """(new warning+ alerts, metric-runs, alerts by type, paired alerts, caused) on series with no
    regression.

    For "improvement" every series is replayed twice: with the improvement, and the very same
    series (same seed, same noise) without it. An alert of the improved series is *caused* by the
    improvement when its twin has no alert within 3 runs of it.
    """
    alerts = runs = paired = caused = 0
    by_type: dict[str, int] = {}
    for i in range(n_series):
        direction = S.direction_of(i)
        if scenario == "stationary":
            values = S.stationary(STATIONARY_RUNS, noise, direction, S.rng_for(scenario, noise, i))
            start = 0
        elif scenario in QUANTISED:
            if scenario == "grid":
                direction = "lower"  # a timing
            values = S.quantised(scenario, STATIONARY_RUNS, noise, direction, S.rng_for(scenario, noise, i))
            start = 0
        else:
            values = S.improvement(BURN_IN, IMPROVEMENT_AFTER, 0.30, noise, direction, S.rng_for(scenario, noise, i))
            same = S.improvement(BURN_IN, IMPROVEMENT_AFTER, 0.0, noise, direction, S.rng_for(scenario, noise, i))
            start = BURN_IN
            twin = [t for t, _, _ in replay(same, direction, detector, start=start)[0]]
            paired += len(twin)
        new, _ = replay(values, direction, detector, start=start)
        if scenario == "improvement":
            caused += sum(1 for t, _, _ in new if not any(abs(t - u) <= 3 for u in twin))
        alerts += len(new)
        runs += len(values) - start
        for _, _, kind in new:
            by_type[kind] = by_type.get(kind, 0) + 1
    return alerts, runs, by_type, paired, caused


def task_recall(detector: str, change: str, noise: float, n_series: int) -> list[int | None]:
    """Detection delay per series (None = not detected within the replayed runs)."""
    _, kind, size, _, after = next(c for c in CHANGES + QUANTISED_CHANGES if c[0] == change)
    delays: list[int | None] = []
    for i in range(n_series):
        direction = "lower" if kind == "grid" else S.direction_of(i)
        rng = S.rng_for(change, noise, i)
        if kind in QUANTISED:
            values = S.quantised(kind, BURN_IN + after, noise, direction, rng, burn=BURN_IN, size=size)
        elif kind == "step":
            values = S.step(BURN_IN, after, size, noise, direction, rng)
        else:
            values = S.drift(BURN_IN, after, size, noise, direction, rng)
        _, runs = replay(values, direction, detector, start=BURN_IN, stop_at_alert=True)
        delays.append(runs[0] - BURN_IN + 1 if runs else None)
    return delays


def task_mozilla(detector: str, root: str) -> dict:
    """Per-mode (regressions / both directions) TP, FP, FN counts on the labelled windows."""
    series = S.load_mozilla(Path(root))
    out: dict = {"series": []}
    for mode in ("regressions", "both directions"):
        tp = fp = fn = silent_fp_rows = loud_fp_rows = 0
        for s in series:
            events = []  # (position, is_regression)
            fp_rows = []
            for a in s.alerts:
                is_reg = (a["new_value"] > a["prev_value"]) == (s.direction == "lower")
                if a["status"] in ("TP", "SP"):
                    if mode == "both directions" or is_reg:
                        events.append(a["position"])
                elif a["status"] == "FP":
                    fp_rows.append(a["position"])
            alerts: list[int] = []  # new warning+ alerts
            directions = [s.direction] if mode == "regressions" else ["lower", "higher"]
            for d in directions:
                new, _ = replay(s.values, d, detector)
                alerts.extend(t for t, _, _ in new)
                if mode == "regressions":
                    labels = " ".join(f"{a['position']}:{a['status']}{100 * (a['new_value'] / a['prev_value'] - 1):+.0f}%"
                                      for a in s.alerts) or "-"
                    raised = " ".join(f"{t}:{kind}/{sev}" for t, sev, kind in new) or "-"
                    out["series"].append([s.signature, labels, raised])
            for p in events:
                if any(p <= t <= p + MOZ_TOLERANCE for t in alerts):
                    tp += 1
                else:
                    fn += 1
            fp += sum(1 for t in alerts if not any(p <= t <= p + MOZ_TOLERANCE for p in events))
            for p in fp_rows:
                if any(p <= t <= p + MOZ_TOLERANCE for t in alerts):
                    loud_fp_rows += 1
                else:
                    silent_fp_rows += 1
        out[mode] = {"tp": tp, "fp": fp, "fn": fn, "fp_rows_silent": silent_fp_rows, "fp_rows_alerted": loud_fp_rows}
    return out


def _run(args: tuple) -> tuple[tuple, object]:
    kind, *rest = args
    fn = {"false": task_false_alarms, "recall": task_recall, "moz": task_mozilla}[kind]
    return args, fn(*rest)


# ------------------------------------------------------------------------------- report


def table(headers: list[str], rows: list[list[str]]) -> str:
    """Plain aligned text table; first column left-aligned, the rest right-aligned."""
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    def fmt(r: list[str]) -> str:
        cells = [str(c).ljust(widths[0]) if i == 0 else str(c).rjust(widths[i]) for i, c in enumerate(r)]
        return "  ".join(cells)
    line = "  ".join("-" * w for w in widths)
    return "\n".join([fmt(headers), line, *(fmt(r) for r in rows)])


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--series", type=int, default=300, help="series per scenario (default 300)")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    ap.add_argument("--only", nargs="*", help="detector names to run (default: all)")
    ap.add_argument("--try", dest="tries", action="append", default=[], metavar="LABEL:K=V;K=V",
                    help="also run the default config with these fields changed (repeatable)")
    args = ap.parse_args(argv)
    for spec in args.tries:
        label, _, assigns = spec.partition(":")
        changes = {}
        for item in filter(None, assigns.split(";")):
            key, _, raw = item.partition("=")
            try:
                changes[key.strip()] = ast.literal_eval(raw.strip())
            except (ValueError, SyntaxError):
                changes[key.strip()] = raw.strip()
        DETECTORS[label] = (perftui_detector, replace(DEFAULT_CONFIG, **changes))
        if args.only is not None:
            args.only.append(label)
    t0 = time.perf_counter()
    names = [n for n in DETECTORS if not args.only or n in args.only]
    root = S.shared_data_dir(REPO)
    moz = S.load_mozilla(root)
    tasks: list[tuple] = []
    for name in names:
        for scenario in ("stationary", "improvement"):
            for noise in NOISES:
                tasks.append(("false", name, scenario, noise, args.series))
        for change, *_ in CHANGES:
            for noise in NOISES:
                tasks.append(("recall", name, change, noise, args.series))
        for scenario in QUANTISED:
            for noise in NOISES:
                tasks.append(("false", name, scenario, noise, args.series))
        for change, *_ in QUANTISED_CHANGES:
            tasks.append(("recall", name, change, 0.05, args.series))
        if moz is not None:
            tasks.append(("moz", name, str(root)))
    results: dict[tuple, object] = {}
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for key, res in pool.map(_run, tasks, chunksize=1):
            results[key] = res

    n = args.series
    print("perftui detection quality (seeded; every figure is reproducible)")
    print(f"{n} series per scenario; 1 in 3 series is higher-is-better; spikes 2-3x in the bad direction at "
          f"~1/100 runs; changes start after {BURN_IN} normal runs; replay = evaluate_metric + plan_alerts "
          f"with the previous {DEFAULT_CONFIG.history} values\n")
    summary: list[tuple[str, str, bool]] = []

    print("False alerts per 1,000 metric-runs (new alerts of warning+; target <= 1 on stationary series)")
    rows = []
    for name in names:
        row = [name]
        kinds: dict[str, int] = {}
        for noise in NOISES:
            a, r, bt, _, _ = results[("false", name, "stationary", noise, n)]
            row.append(f"{1000 * a / r:.2f}")
            for k, v in bt.items():
                kinds[k] = kinds.get(k, 0) + v
            if name == "default":
                summary.append((f"false alerts/1000 runs, stationary, {noise:.0%} noise (<= 1)",
                                f"{1000 * a / r:.2f}", 1000 * a / r <= 1.0))
        for noise in NOISES:
            a, r, _, same, caused = results[("false", name, "improvement", noise, n)]
            row.append(f"{caused} ({a}/{same})")
            if name == "default":
                summary.append((f"alerts caused by a 30% improvement, {noise:.0%} noise (0)", f"{caused}", caused == 0))
        row.append(" ".join(f"{k}:{v}" for k, v in sorted(kinds.items())) or "-")
        rows.append(row)
    print(table(["detector", "stationary 2%", "5%", "10%", "30% better 2%", "5%", "10%",
                 "stationary alerts by type"], rows))
    print(f"(stationary: {STATIONARY_RUNS} runs per series from an empty history, so the first runs are judged at "
          f"low confidence. 30% better: alerts caused by a lasting 30% improvement in the {IMPROVEMENT_AFTER} runs "
          "after it, i.e. with no alert within 3 runs on the very same series (same noise) without the improvement; "
          "in brackets all new alerts with / without the improvement. These series carry no spikes.)\n")

    for noise in NOISES:
        print(f"Recall within the target delay (median delay in runs) at {noise:.0%} noise")
        headers = ["detector"] + [f"{c} <={d}" for c, _, _, d, _ in CHANGES]
        rows = []
        for name in names:
            row = [name]
            for change, _, _, target_delay, _ in CHANGES:
                delays = results[("recall", name, change, noise, n)]
                ok = sum(1 for d in delays if d is not None and d <= target_delay)
                got = [d for d in delays if d is not None]
                med = f"{statistics.median(got):g}" if got else "-"
                row.append(f"{100 * ok / len(delays):.0f}% ({med})")
                if name == "default" and noise == 0.05:
                    summary.append((f"{change} caught within {target_delay} runs at 5% noise "
                                    f"(>= {TARGET_RECALL[change]:.0%})", f"{ok / len(delays):.0%}",
                                    ok / len(delays) >= TARGET_RECALL[change]))
            rows.append(row)
        print(table(headers, rows))
        print()
    print("(delay counts the first changed run as 1; two runs are the minimum, one run is only an anomaly)\n")

    print("Quantised series: false alerts per 1,000 metric-runs at 2/5/10% noise (target <= 1), and recall "
          "within the target delay at 5% noise (median delay)")
    headers = ["detector"] + [f"{k} {noise:.0%}" for k in QUANTISED for noise in NOISES] + \
        [f"{c} <={d}" for c, _, _, d, _ in QUANTISED_CHANGES]
    rows = []
    for name in names:
        row = [name]
        for kind in QUANTISED:
            for noise in NOISES:
                a, r, _, _, _ = results[("false", name, kind, noise, n)]
                row.append(f"{1000 * a / r:.2f}")
                if name == "default":
                    label = "1 ms grid around 10 ms" if kind == "grid" else "integer counts"
                    summary.append((f"false alerts/1000 runs, {label}, {noise:.0%} noise (<= 1)",
                                    f"{1000 * a / r:.2f}", 1000 * a / r <= 1.0))
        for change, _, _, target_delay, _ in QUANTISED_CHANGES:
            delays = results[("recall", name, change, 0.05, n)]
            ok = sum(1 for d in delays if d is not None and d <= target_delay)
            got = [d for d in delays if d is not None]
            med = f"{statistics.median(got):g}" if got else "-"
            row.append(f"{100 * ok / len(delays):.0f}% ({med})")
        rows.append(row)
    print(table(headers, rows))
    print("(grid: a timing around 10 ms on a clock with 1 ms granularity, 10.1, 11.1, ... ms; counts: integers "
          "around 1.5-30, every third series higher-is-better; noise and spikes before quantising)\n")

    if moz is None:
        print(f"Real series skipped: no Mozilla data at {root} (set PERFTUI_SHARED_DATA).\n")
    else:
        print(f"Labelled Mozilla Perfherder windows ({len(moz)} series, {sum(len(s.values) for s in moz)} runs; "
              "credit: mozilla/REALISE-Performance and Mozilla; evaluation only)")
        print("Values are min-max scaled per source series, which breaks relative effects. Raw ~ a * (scaled + c);")
        print("c comes from the window's first alert whose raw prev/new values, matched to the scaled medians of "
              f"the 12 (else 6) runs before/after it, give a > 0 and b > 0; otherwise c = {S.FALLBACK_OFFSET} (the "
              "median of the solved c; used for the alert-free windows).")
        for chunk in range(0, len(moz), 5):
            print("  " + ", ".join(f"{s.signature} c={s.offset:.2f}{'' if s.offset_source == 'fixed' else '*'}"
                                   for s in moz[chunk:chunk + 5]))
        print("  (* solved from an alert)")
        print(f"A TP/SP row p is a hit when a new warning+ alert is raised in rows [p, p+{MOZ_TOLERANCE}] (a repeat "
              "of an alert opened earlier notifies nobody); every new alert outside those windows counts as false, "
              "FP rows included.")
        print("[regressions] scores the product's job: the 3 TP rows that are improvements are not expected. "
              "[both directions] runs every detector a second time with the direction flipped and expects "
              "all 10 TP/SP rows.")
        for mode in ("regressions", "both directions"):
            rows = []
            for name in names:
                m = results[("moz", name, str(root))][mode]
                p, r, f = prf(m["tp"], m["fp"], m["fn"])
                rows.append([name, m["tp"], m["fp"], m["fn"], f"{p:.2f}", f"{r:.2f}", f"{f:.2f}",
                             f"{m['fp_rows_silent']}/{m['fp_rows_silent'] + m['fp_rows_alerted']}"])
            print(f"\n[{mode}]")
            print(table(["detector", "hits", "false", "missed", "precision", "recall", "F1", "silent at FP rows"], rows))
        if "default" in names:
            mine = results[("moz", "default", str(root))]["regressions"]
            p, r, _ = prf(mine["tp"], mine["fp"], mine["fn"])
            peers = [results[("moz", peer, str(root))]["regressions"] for peer in names if peer.startswith("peer")]
            better = all(p > prf(q["tp"], q["fp"], q["fn"])[0] and r > prf(q["tp"], q["fp"], q["fn"])[1] for q in peers)
            summary.append(("Mozilla regressions: precision and recall above both peers", f"P {p:.2f} R {r:.2f}", better))
            print("\nDefault detector, alerts per window (row:type/severity; labels row:status raw change):")
            print(table(["signature", "labels", "new alerts"], results[("moz", "default", str(root))]["series"]))
            print("(TN only means no alert was raised: 3890864 has visible unlabelled shifts at rows ~20 and ~95, "
                  "2780728 one near row 225)")
        print()

    if summary:
        print("Targets, default configuration")
        print(table(["target", "measured", "met"], [[t, v, "yes" if ok else "NO"] for t, v, ok in summary]))
    print(f"\nfinished in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
