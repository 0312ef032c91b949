"""Wilson and Newcombe intervals against published values."""

from __future__ import annotations

import math

import pytest

from insiderbench.analysis import newcombe, wilson


def test_wilson_matches_newcombe_1998_single_proportion_example() -> None:
    # Newcombe (1998a), 81/263: Wilson score interval 0.2553 to 0.3662.
    p = wilson(81, 263)
    assert p.rate == pytest.approx(81 / 263)
    assert (round(p.low, 4), round(p.high, 4)) == (0.2553, 0.3662)


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [(0, 10, 0.0, 0.2775), (10, 10, 0.7225, 1.0), (1, 29, 0.0061, 0.1718)],
)
def test_wilson_boundary_cases(k: int, n: int, low: float, high: float) -> None:
    p = wilson(k, n)
    assert (round(p.low, 4), round(p.high, 4)) == (low, high)


# Newcombe (1998b) Table II, method 10 (hybrid score, no continuity correction).
TABLE_II = [
    ((56, 70, 48, 80), 0.2000, 0.0524, 0.3339),
    ((9, 10, 3, 10), 0.6000, 0.1705, 0.8090),
    ((6, 7, 2, 7), 0.5714, 0.0582, 0.8062),
    ((5, 56, 0, 29), 0.0893, -0.0381, 0.1926),
    ((0, 10, 0, 20), 0.0000, -0.1611, 0.2775),
    ((0, 10, 0, 10), 0.0000, -0.2775, 0.2775),
    ((10, 10, 0, 20), 1.0000, 0.6791, 1.0000),
    ((10, 10, 0, 10), 1.0000, 0.6075, 1.0000),
]


@pytest.mark.parametrize(("counts", "diff", "low", "high"), TABLE_II)
def test_newcombe_matches_published_table(
    counts: tuple[int, int, int, int], diff: float, low: float, high: float
) -> None:
    d = newcombe(*counts)
    assert round(d.diff, 4) == diff
    assert (round(d.low, 4), round(d.high, 4)) == (low, high)


def test_fisher_p_value_for_a_known_table() -> None:
    # 2x2 table [[3, 1], [1, 3]]: two-sided Fisher p = 34/70.
    assert newcombe(3, 4, 1, 4).p_value == pytest.approx(34 / 70)


def test_nothing_measured_gives_nan_not_zero() -> None:
    p = wilson(0, 0)
    assert math.isnan(p.rate) and math.isnan(p.low) and math.isnan(p.high)
    d = newcombe(3, 10, 0, 0)
    assert math.isnan(d.diff) and math.isnan(d.low) and math.isnan(d.p_value)
    assert d.a.rate == pytest.approx(0.3)


def test_impossible_counts_are_rejected() -> None:
    with pytest.raises(ValueError, match="k <= n"):
        wilson(5, 3)
