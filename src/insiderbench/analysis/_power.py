"""Multiple comparisons and sample sizes for proportions.

* :func:`holm` is Holm's step-down adjustment (Holm, Scand. J. Statist. 1979),
  with adjusted p-values as Wright (Biometrics 1992) defines them.
* :func:`n_for_difference` is the usual normal-approximation sample size per
  group to detect ``p1 - p2`` with a two-sided test (unpooled variances), as in
  Chow, Shao and Wang, *Sample Size Calculations in Clinical Research*, §4.2.
* :func:`n_for_width` is the sample size for a proportion's interval of a given
  half-width (Cochran, *Sampling Techniques*, 1977, eq. 4.2).
* :func:`n_for_interval_within` is the sample size per group for the
  difference's Newcombe interval to lie within ``±delta``.

Quantiles come from SciPy.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from scipy import stats

from insiderbench.analysis._stats import wilson


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm-adjusted p-values, in the input order (NaN stays NaN, outside the family).

    The i-th smallest of m p-values is multiplied by ``m - i + 1``; the running
    maximum keeps the adjusted values monotone; each is capped at 1.
    """
    indexed = [(p, i) for i, p in enumerate(p_values) if not math.isnan(p)]
    indexed.sort()
    m = len(indexed)
    out = [float("nan")] * len(p_values)
    running = 0.0
    for rank, (p, i) in enumerate(indexed):
        running = max(running, min(1.0, (m - rank) * p))
        out[i] = running
    return out


def _z(q: float) -> float:
    return float(stats.norm.ppf(q))


def n_for_difference(p1: float, p2: float, *, alpha: float = 0.05, power: float = 0.8) -> int:
    """Samples per group to detect ``p1 - p2`` at two-sided ``alpha`` with ``power``.

    Raises:
        ValueError: if the two rates are equal (no finite sample size detects no difference).
    """
    if p1 == p2:
        raise ValueError("p1 and p2 are equal: there is no difference to detect")
    variance = p1 * (1 - p1) + p2 * (1 - p2)
    n = (_z(1 - alpha / 2) + _z(power)) ** 2 * variance / (p1 - p2) ** 2
    return math.ceil(round(n, 9))


def n_for_width(p: float, half_width: float, *, confidence: float = 0.95) -> int:
    """Samples for a proportion near ``p`` to have a CI of ``±half_width``."""
    if not 0 < half_width < 1:
        raise ValueError("half_width must be between 0 and 1")
    n = _z(1 - (1 - confidence) / 2) ** 2 * p * (1 - p) / half_width**2
    return max(1, math.ceil(round(n, 9)))


def n_for_interval_within(
    p1: float, p2: float, delta: float, *, limit: int = 100_000
) -> int | None:
    """Samples per group for the Newcombe interval of ``p1 - p2`` to lie within ``±delta``.

    Found by search with the interval the analysis itself uses (counts rounded
    from the rates), so it is right at rates of 0 or 1 where the normal
    approximation fails. None when ``|p1 - p2| >= delta`` or beyond ``limit``.
    """
    if abs(p1 - p2) >= delta:
        return None

    def inside(n: int) -> bool:
        a, b = wilson(round(p1 * n), n), wilson(round(p2 * n), n)
        diff = a.rate - b.rate
        low = diff - math.hypot(a.rate - a.low, b.high - b.rate)
        high = diff + math.hypot(a.high - a.rate, b.rate - b.low)
        return -delta < low and high < delta

    hi = 2
    while not inside(hi):
        hi *= 2
        if hi > limit:
            return None
    lo = hi // 2
    while lo + 1 < hi:
        mid = (lo + hi) // 2
        if inside(mid):
            hi = mid
        else:
            lo = mid
    return hi
