"""A difference of two proportions pooled over strata: Mantel-Haenszel.

When the two sides of a contrast can only be compared within strata (cells
that also differ in another axis), each stratum gives a 2x2 table and the
common risk difference is the Mantel-Haenszel estimate (Cochran weights
``n1 n2 / N``), with Sato's (1989) variance, which holds both for a few large
strata and for many small ones. Its p-value is the Cochran-Mantel-Haenszel
test of no association given the strata (without continuity correction).
With one stratum the estimate and interval are the plain Wald ones.

statsmodels' ``StratifiedTable`` pools odds ratios and risk ratios but not
risk differences, which is what the report shows, so the few lines of
arithmetic live here, checked against published tables in the tests.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy import stats

NAN = float("nan")


@dataclass(frozen=True)
class Stratum:
    """One stratum's 2x2 table: ``k1`` of ``n1`` on side a, ``k2`` of ``n2`` on side b."""

    k1: int
    n1: int
    k2: int
    n2: int

    @property
    def diff(self) -> float:
        """The stratum's own difference ``k1/n1 - k2/n2`` (NaN if a side is empty)."""
        if not self.n1 or not self.n2:
            return NAN
        return self.k1 / self.n1 - self.k2 / self.n2


@dataclass(frozen=True)
class Pooled:
    """A Mantel-Haenszel common risk difference with its interval and CMH p-value."""

    diff: float
    low: float
    high: float
    p_value: float
    strata: int
    """Strata that contributed (both sides measured)."""


def mantel_haenszel(strata: Sequence[Stratum], confidence: float = 0.95) -> Pooled:
    """Pool ``strata`` into one risk difference (a - b) with Sato's interval and the CMH p.

    Strata with no measured sample on a side carry no weight and are not
    counted. Everything is NaN when no stratum is left. The interval is
    clipped to [-1, 1].
    """
    used = [s for s in strata if s.n1 > 0 and s.n2 > 0]
    if not used:
        return Pooled(NAN, NAN, NAN, NAN, 0)
    weight = numerator = p_sum = q_sum = 0.0
    for s in used:
        total = s.n1 + s.n2
        weight += s.n1 * s.n2 / total
        numerator += (s.k1 * s.n2 - s.k2 * s.n1) / total
        p_sum += (s.n1**2 * s.k2 - s.n2**2 * s.k1 + s.n1 * s.n2 * (s.n2 - s.n1) / 2) / total**2
        q_sum += (s.k1 * (s.n2 - s.k2) + s.k2 * (s.n1 - s.k1)) / (2 * total)
    diff = numerator / weight
    variance = max((diff * p_sum + q_sum) / weight**2, 0.0)
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    half = z * math.sqrt(variance)
    return Pooled(diff, max(diff - half, -1.0), min(diff + half, 1.0), cmh_p_value(used), len(used))


def cmh_statistic(strata: Sequence[Stratum]) -> float:
    """The Cochran-Mantel-Haenszel chi-square (1 df, no continuity correction).

    NaN when no stratum has information (every stratum all one outcome).
    """
    observed = expected = variance = 0.0
    for s in strata:
        total = s.n1 + s.n2
        if total < 2:
            continue
        harmful = s.k1 + s.k2
        observed += s.k1
        expected += s.n1 * harmful / total
        variance += s.n1 * s.n2 * harmful * (total - harmful) / (total**2 * (total - 1))
    if variance == 0:
        return NAN
    return (observed - expected) ** 2 / variance


def cmh_p_value(strata: Sequence[Stratum]) -> float:
    """Two-sided p-value of the CMH test; 1.0 when no stratum varies (nothing to test)."""
    statistic = cmh_statistic(strata)
    if math.isnan(statistic):
        return 1.0
    return float(stats.chi2.sf(statistic, 1))
