"""Is B different from A, or is it noise? The Mann–Whitney U test, pure Python.

    mann_whitney_u([10.1, 10.3, ...], [11.0, 11.4, ...])  -> (U of B, two-sided p)

Rank-based, so it assumes nothing about the shape of run times (skewed, with outliers) and a
few wild runs cannot carry it. p is exact (the U distribution counted) for small samples
without ties, else the normal approximation with tie and continuity corrections.
`holm` adjusts the p-values of many metrics compared at once, so twenty metrics at α = 0.05 do
not call one of them different by chance one time in three.
"""

from __future__ import annotations

import math

EXACT_MAX = 400          # n_a * n_b up to which p is counted exactly (no ties)
MIN_RUNS = 3             # fewer runs on a side: no test


def _ranks(values: list[float]) -> tuple[list[float], list[int]]:
    """Average ranks (1-based) of `values`, and the sizes of their tie groups."""
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    ties = []
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        if j > i:
            ties.append(j - i + 1)
        i = j + 1
    return ranks, ties


def mann_whitney_u(a: list[float], b: list[float],
                   exact: bool | None = None) -> tuple[float, float]:
    """(U of B, two-sided p). U of B counts the pairs (a, b) with b > a (ties count half):
    n_a * n_b / 2 when the two are alike, near n_a * n_b when B is higher. `exact`: None
    chooses (counted when small and tie-free); False forces the normal approximation."""
    na, nb = len(a), len(b)
    if na == 0 or nb == 0:
        raise ValueError("both samples need at least one value")
    ranks, ties = _ranks([*a, *b])
    u_b = sum(ranks[na:]) - nb * (nb + 1) / 2
    if exact is not False and not ties and na * nb <= EXACT_MAX:
        return u_b, _exact_p(u_b, na, nb)
    n = na + nb
    mean = na * nb / 2
    tie_term = sum(t ** 3 - t for t in ties) / (n * (n - 1))
    variance = na * nb / 12 * ((n + 1) - tie_term)
    if variance <= 0:                      # every value equal: no evidence of any difference
        return u_b, 1.0
    z = (abs(u_b - mean) - 0.5) / math.sqrt(variance)
    return u_b, min(1.0, math.erfc(max(z, 0.0) / math.sqrt(2)))


def _exact_p(u: float, na: int, nb: int) -> float:
    """Two-sided p of U under the null hypothesis, by counting: the number of ways each U
    arises among all C(na+nb, na) orderings (no ties)."""
    # counts[i][j][k]: orderings of i values of A and j of B with U = k, built row by row
    previous = [[1] + [0] * (na * nb) for _ in range(nb + 1)]   # i = 0: U = 0 only
    for i in range(1, na + 1):
        current = [[0] * (na * nb + 1) for _ in range(nb + 1)]
        current[0][0] = 1
        for j in range(1, nb + 1):
            row, left, down = current[j], current[j - 1], previous[j]
            # the largest value is from B (adds i pairs b > a) or from A (adds none)
            for k in range(na * nb + 1):
                row[k] = down[k] + (left[k - i] if k >= i else 0)
        previous = current
    counts = previous[nb]
    total = math.comb(na + nb, na)
    mean = na * nb / 2
    distance = abs(u - mean)
    extreme = sum(c for k, c in enumerate(counts) if abs(k - mean) >= distance - 1e-9)
    return min(1.0, extreme / total)


def holm(p_values: list[float | None]) -> list[float | None]:
    """Holm–Bonferroni adjusted p-values (None stays None), in the input's order."""
    present = sorted((p, i) for i, p in enumerate(p_values) if p is not None)
    m = len(present)
    adjusted: list[float | None] = [None] * len(p_values)
    running = 0.0
    for rank, (p, i) in enumerate(present):
        running = max(running, min(1.0, (m - rank) * p))
        adjusted[i] = running
    return adjusted
