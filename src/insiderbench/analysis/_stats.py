"""Interval estimates for proportions and their differences.

Wilson score intervals come from SciPy. The interval for a difference of two
independent proportions is Newcombe's hybrid score interval (method 10 of
Newcombe, Statistics in Medicine 1998), which combines the two Wilson
intervals; the p-value is Fisher's exact test, also from SciPy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats

NAN = float("nan")


@dataclass(frozen=True)
class Proportion:
    """``k`` of ``n`` with its point estimate and 95% Wilson interval (NaN when n = 0)."""

    k: int
    n: int
    rate: float
    low: float
    high: float


@dataclass(frozen=True)
class Difference:
    """``a - b`` for two proportions, with a Newcombe 95% interval and Fisher's p-value."""

    a: Proportion
    b: Proportion
    diff: float
    low: float
    high: float
    p_value: float


def wilson(k: int, n: int, confidence: float = 0.95) -> Proportion:
    """Return ``k/n`` with its Wilson score interval; all NaN when ``n`` is 0."""
    if n < 0 or k < 0 or k > n:
        raise ValueError(f"need 0 <= k <= n, got k={k}, n={n}")
    if n == 0:
        return Proportion(k, n, NAN, NAN, NAN)
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=confidence, method="wilson")
    return Proportion(k, n, k / n, float(ci.low), float(ci.high))


def newcombe(k1: int, n1: int, k2: int, n2: int, confidence: float = 0.95) -> Difference:
    """Return ``k1/n1 - k2/n2`` with Newcombe's hybrid score interval and Fisher's p.

    Everything is NaN when either group has no measured samples.
    """
    a, b = wilson(k1, n1, confidence), wilson(k2, n2, confidence)
    if n1 == 0 or n2 == 0:
        return Difference(a, b, NAN, NAN, NAN, NAN)
    diff = a.rate - b.rate
    low = diff - math.hypot(a.rate - a.low, b.high - b.rate)
    high = diff + math.hypot(a.high - a.rate, b.rate - b.low)
    _, p_value = stats.fisher_exact([[k1, n1 - k1], [k2, n2 - k2]])
    return Difference(a, b, diff, max(low, -1.0), min(high, 1.0), float(p_value))
