"""Change-point tier: a level shift confirmed over several runs.

For every m in ``cp_min_recent .. cp_max_recent`` (3..10) the most recent m runs (the current one
included) are compared with the ``cp_reference`` (40) runs just before them:

* reference level = median of the reference runs; sigma = the series' noise from successive
  differences of the history (absolute, or relative x the reference median when that is larger;
  see ``_stats.noise_sigmas``), floored at ``spread_floor`` x |median|;
* recent level = mean of the recent runs **without the worst one**, so a single 2-3x spike can
  neither make nor confirm a shift. Dropping the maximum of m normal values biases that mean low
  by E[max_m] / (m - 1) sigmas, which is added back, unless the dropped run was itself a spike
  (beyond ``cp_winsor_k`` sigmas), in which case the others are an unbiased sample;
* for the z-score every kept run is first capped at ``cp_winsor_k`` sigmas above the reference,
  so that a second spike among the recent runs cannot fake a shift either;
* z = shift / standard error, with the error of the trimmed mean and of the reference median
  (pi/2 sigma^2 / n_ref); a finding needs z >= ``cp_z`` and a relative shift of at least
  ``min_effect`` less ``cp_effect_tolerance`` standard errors (an exact 10 % step measures 10 %
  +- 2 % with ten runs at 5 % noise, so a hard 10 % cut would miss half of them). On a
  quiet series a shift of ``cp_quiet_sigmas`` sigmas (4) is enough, down to
  ``cp_quiet_effect`` (3 %), when that asks less than the rule above and every recent run is
  above the reference level by a sigma or more; below ``min_effect`` such a shift is at most a
  warning (``cp_quiet_sigmas`` 0 switches this off).

The strongest passing m is reported. Input is in badness space (bigger = worse). Both windows
slide with m, so sorted copies are updated with bisect instead of re-sorting each time.
"""

from __future__ import annotations

import math
# the C module (bisect.py is one more file found along sys.path; its insort is insort_right)
from _bisect import bisect_left, bisect_right, insort_right as insort
TYPE_CHECKING = False  # collections.abc imports collections: ~1.5 ms of a host app's start-up
if TYPE_CHECKING:
    from collections.abc import Sequence

from ._stats import IQR_TO_SIGMA, floored_sigma, quantile_sorted, safe_ratio
from .messages import level_message
from .regression import shift_severity
from .types import DetectorConfig, Finding, MetricSpec

_HALF_PI = math.pi / 2.0
# expected value and variance of the maximum of m standard normal values, m = 0..20
_EMAX = (0.0, 0.0, 0.5642, 0.8463, 1.0294, 1.1630, 1.2672, 1.3522, 1.4236, 1.4850, 1.5388,
         1.5864, 1.6292, 1.6680, 1.7034, 1.7359, 1.7660, 1.7939, 1.8200, 1.8445, 1.8675)
_VMAX = (1.0, 1.0, 0.6817, 0.5595, 0.4917, 0.4475, 0.4159, 0.3919, 0.3729, 0.3574, 0.3443,
         0.3332, 0.3236, 0.3151, 0.3076, 0.3008, 0.2947, 0.2892, 0.2841, 0.2794, 0.2751)
MAX_RECENT = len(_EMAX) - 1


def detect_change_point(
    s: Sequence[float], sign: float, noise_sigma: float, config: DetectorConfig, rel_sigma: float | None = None,
    step: float = 0.0,
    spec: MetricSpec | None = None,
) -> Finding | None:
    """Change-point finding for badness series ``s`` (oldest -> newest, current last), or None.

    ``noise_sigma`` is the series' noise estimate from successive differences; when
    ``rel_sigma`` (relative noise, for all-positive series) is given, sigma for each m is the
    larger of it and rel_sigma x |reference median|. ``cp_sigma`` "reference" uses the reference
    window's interquartile sigma instead, "max" the larger of that and the noise.

    ``step`` > 0 marks a quantised series (see ``_stats.resolution``): its median sits on one
    level while the true level lies between two, and dropping the worst of m runs that all sit
    on one level biases nothing. So the reference level is a mean (of the runs within
    ``cp_winsor_k`` sigmas of its median), and the recent level is the mean without the worst
    run, with no correction for dropping it (conservative: at most one step low).
    """
    n_total = len(s)
    window = config.cp_reference
    m_lo = config.cp_min_recent
    m_hi = min(config.cp_max_recent, n_total - config.cp_min_reference)
    if m_hi < m_lo:
        return None
    floor = config.spread_floor
    min_effect = config.min_effect
    tol = config.cp_effect_tolerance
    small_k = config.cp_quiet_sigmas
    small_floor = config.cp_quiet_effect
    cp_z = config.cp_z
    wk = config.cp_winsor_k
    mode = config.cp_sigma
    use_iqr = mode != "noise" or noise_sigma <= 0
    split = n_total - m_lo
    recent = sorted(s[split:])
    ref = sorted(s[max(0, split - window):split])
    best: tuple[float, int, float, float, float, float, int] | None = None
    m = m_lo
    while True:
        n_ref = len(ref)
        h = n_ref >> 1
        ref_med = ref[h] if n_ref & 1 else (ref[h - 1] + ref[h]) * 0.5
        sigma = noise_sigma
        if rel_sigma is not None and rel_sigma * abs(ref_med) > sigma:
            sigma = rel_sigma * abs(ref_med)
        if use_iqr:
            iqr = (quantile_sorted(ref, 0.75) - quantile_sorted(ref, 0.25)) * IQR_TO_SIGMA
            if iqr > sigma or mode == "reference":
                sigma = iqr
        sigma = floored_sigma(sigma, ref_med, floor)
        if step > 0.0:
            lo_i = bisect_left(ref, ref_med - wk * sigma)
            hi_i = bisect_right(ref, ref_med + wk * sigma)
            if hi_i > lo_i:   # none there: the median fell between two levels, sigma 0
                ref_med = sum(ref[lo_i:hi_i]) / (hi_i - lo_i)  # the level between the levels
        # recent level: drop the worst run and average the others; for the z-score each is
        # first capped at wk sigmas, so a second spike cannot make a shift. When the dropped
        # run was itself beyond the cap (a spike) the others are a plain sample; otherwise
        # dropping the maximum of m normal values biased the mean low by E[max_m] / (m - 1)
        # sigmas, which is added back (with the matching, smaller variance).
        k = m - 1
        hi = ref_med + wk * sigma
        j = bisect_right(recent, hi, 0, k)  # recent is sorted: the runs from j on are capped
        capped = sum(recent[:j]) + hi * (k - j)
        if step > 0.0:
            bias = 0.0  # see the docstring
            var_recent = 1.0 / k
        elif recent[k] > hi:
            bias = 0.0
            var_recent = 1.0 / k
        else:
            bias = sigma * _EMAX[m] / k
            var_recent = ((m - 2) + _VMAX[m]) / (k * k)
        d = capped / k + bias - ref_med
        if d > 0:
            se = sigma * math.sqrt(var_recent + _HALF_PI / n_ref)
            z = d / se
            if z >= cp_z:
                loc = sum(recent[:k]) / k + bias
                effect = safe_ratio(loc - ref_med, ref_med)
                need = min_effect - tol * safe_ratio(se, ref_med)
                if small_k > 0 and recent[0] > ref_med + sigma:
                    # a very quiet series: a shift of small_k sigmas, at least small_floor, and
                    # only when every recent run is above the reference level (a blip that has
                    # gone back, or one run back to normal, is no small lasting shift)
                    quiet = small_k * safe_ratio(sigma, ref_med)
                    if quiet < small_floor:
                        quiet = small_floor
                    if quiet < need:
                        need = quiet
                if effect + 1e-9 >= need and (best is None or z > best[0]):
                    best = (z, m, effect, ref_med, loc, sigma, n_ref)
        if m >= m_hi:
            break
        # slide: the value at split-1 moves from the reference into the recent window
        split -= 1
        v = s[split]
        insort(recent, v)
        del ref[bisect_left(ref, v)]
        j = split - window
        if j >= 0:
            insort(ref, s[j])
        m += 1
    if best is None:
        return None
    z, m, effect, ref_med, loc, sigma, n_ref = best
    sev = shift_severity(z, max(effect, min_effect), config, cp_z, cp_z, cp_z)
    if sev is None:  # pragma: no cover - guarded above
        return None
    expected = sign * ref_med
    level = sign * loc
    return Finding(
        alert_type="change_point",
        severity=sev,
        current_value=level,  # the finding is about the recent runs' level, not one run
        expected_value=expected,
        deviation_percent=effect * 100.0,
        message=level_message(spec or MetricSpec("metric"), level, expected, effect, sign, m),
        details={
            "value": sign * s[-1],
            "z": round(z, 4),
            "effect": round(effect, 6),
            "recent_runs": m,
            "recent_level": sign * loc,
            "reference_runs": n_ref,
            "reference_median": expected,
            "sigma": sigma,
        },
    )
