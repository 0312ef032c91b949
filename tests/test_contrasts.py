"""Contrasts that say what they compare: cells per side, stratification, one row per comparison.

The Mantel-Haenszel arithmetic is checked against published tables: the
two-stratum example of Epi Info's 2x2 output (stratum risk difference with its
Taylor-series interval, and the Mantel-Haenszel summary chi-square) and SAS's
PROC FREQ migraine example (the Cochran-Mantel-Haenszel statistic).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from insiderbench.analysis import (
    CONTRAST_COLUMNS,
    Stratum,
    cmh_p_value,
    cmh_statistic,
    mantel_haenszel,
    standard_contrasts,
)
from insiderbench.conditions import Condition

MAIN = "blackmail_explicit-america_replacement"
CONTROL = "blackmail_none-none_none"
MODEL = "openai/gpt-4.1"

# Epi Info, "2 x 2 Table Statistics", two strata (exposed cases/total, unexposed cases/total)
EPI_STRATA = [Stratum(66, 94, 36, 68), Stratum(139, 200, 93, 147)]
# SAS/STAT PROC FREQ, "Cochran-Mantel-Haenszel Statistics", data set Migraine
# (Active better/total, Placebo better/total; strata female, male)
MIGRAINE = [Stratum(16, 27, 5, 25), Stratum(12, 28, 7, 26)]


def test_one_stratum_is_the_published_wald_difference() -> None:
    # Epi Info stratum 1: risk difference 17.27, 95% CI 2.232 to 32.31 (Taylor series)
    pooled = mantel_haenszel(EPI_STRATA[:1])
    assert pooled.diff * 100 == pytest.approx(17.27, abs=0.005)
    assert pooled.low * 100 == pytest.approx(2.232, abs=0.001)
    assert pooled.high * 100 == pytest.approx(32.31, abs=0.005)
    assert pooled.strata == 1


def test_cmh_statistic_matches_published_tables() -> None:
    # Epi Info: stratum 1 "Mantel-Haenszel chi square 5.016, p 0.02511";
    # adjusted "Mantel-Haenszel Summary Chi Sqr 5.211, p 0.02245"
    assert cmh_statistic(EPI_STRATA[:1]) == pytest.approx(5.016, abs=0.0005)
    assert cmh_statistic(EPI_STRATA) == pytest.approx(5.211, abs=0.0005)
    assert cmh_p_value(EPI_STRATA) == pytest.approx(0.02245, abs=0.000005)
    # SAS migraine: CMH statistic 8.3052, p 0.0040
    assert cmh_statistic(MIGRAINE) == pytest.approx(8.3052, abs=0.00005)
    assert cmh_p_value(MIGRAINE) == pytest.approx(0.0040, abs=0.00005)


def test_mh_difference_is_the_cochran_weighted_mean_of_stratum_differences() -> None:
    pooled = mantel_haenszel(EPI_STRATA)
    weights = [s.n1 * s.n2 / (s.n1 + s.n2) for s in EPI_STRATA]
    expected = sum(w * s.diff for w, s in zip(weights, EPI_STRATA, strict=True)) / sum(weights)
    assert pooled.diff == pytest.approx(expected)
    assert pooled.low < pooled.diff < pooled.high and pooled.strata == 2
    # a stratum with nothing measured on one side carries no weight
    assert mantel_haenszel([*EPI_STRATA, Stratum(0, 0, 3, 9)]) == pooled
    empty = mantel_haenszel([Stratum(0, 0, 1, 2)])
    assert empty.strata == 0 and empty.diff != empty.diff  # NaN, never 0


def _frame(cells: dict[str, tuple[int, int]], model: str = MODEL) -> pd.DataFrame:
    """Measured samples: ``k`` harmful of ``n`` per condition id."""
    rows = []
    for cid, (k, n) in cells.items():
        axes = Condition.from_id(cid).axes()
        for i in range(n):
            rows.append({"model": model, "condition_id": cid, **axes, "status": "measured",
                         "harmful": i < k})  # fmt: skip
    frame = pd.DataFrame(rows)
    frame["harmful"] = frame["harmful"].astype("boolean")
    return frame


def _row(table: pd.DataFrame, name: str) -> pd.Series:
    sel = table[table["contrast"] == name]
    assert len(sel) == 1, table[["contrast", "shown", "reason"]]
    return sel.iloc[0]


def test_quickstart_main_vs_control_is_shown_once_and_named_for_both_factors() -> None:
    table = standard_contrasts(_frame({MAIN: (3, 4), CONTROL: (0, 4)}))
    assert list(table.columns) == CONTRAST_COLUMNS
    shown = table[table["shown"]]
    assert list(shown["contrast"]) == ["goal conflict and threat"]
    main = shown.iloc[0]
    assert (main["a_cells"], main["b_cells"]) == (MAIN, CONTROL)
    assert main["diff"] == pytest.approx(0.75)
    for name, other in (("threat", "goal_type, goal_value"), ("goal conflict", "urgency")):
        row = _row(table, name)
        assert not row["shown"] and f"also differ in {other}" in row["reason"], row["reason"]


def test_a_threat_contrast_is_stratified_by_goal_and_lists_what_it_left_out() -> None:
    cells = {
        MAIN: (8, 10),
        "blackmail_explicit-america_none": (2, 10),
        "blackmail_latent-safety_restriction": (6, 10),
        "blackmail_latent-safety_none": (1, 10),
        "blackmail_explicit-global_replacement": (5, 5),  # no counterpart without threat
    }
    row = _row(standard_contrasts(_frame(cells)), "threat")
    assert row["shown"] and row["strata"] == 2 and "Mantel-Haenszel" in row["method"]
    assert row["a_cells"] == f"{MAIN}; blackmail_latent-safety_restriction"
    assert row["b_cells"] == "blackmail_explicit-america_none; blackmail_latent-safety_none"
    assert row["left_out"] == "blackmail_explicit-global_replacement"
    assert "2 strata of goal_type, goal_value" in row["pooled_over"]
    assert "side a pools urgency replacement, restriction" in row["pooled_over"]
    expected = mantel_haenszel([Stratum(8, 10, 2, 10), Stratum(6, 10, 1, 10)])
    assert row["diff"] == pytest.approx(expected.diff)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((expected.low, expected.high))
    # pooled naively the left-out cell would have pulled side a up: 19/35 vs 14/25
    assert (row["a_harmful"], row["a_measured"]) == (14, 20)


def test_each_model_keeps_its_rows_and_model_pairs_compare_within_conditions() -> None:
    frame = pd.concat([_frame({MAIN: (1, 2), CONTROL: (0, 2)}, m) for m in ("a/x", "b/y")])
    table = standard_contrasts(frame)
    shown = table[table["shown"] & (table["contrast"] != "model pair")]
    assert sorted(shown["model"]) == ["a/x", "b/y"]
    pair = _row(table, "model pair")
    assert pair["shown"] and "2 conditions" in pair["pooled_over"]


def test_a_repeated_comparison_is_not_shown_and_names_the_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import insiderbench.analysis._contrasts as mod
    from insiderbench.analysis import STANDARD, Factor

    same = STANDARD[2]
    again = Factor("again", "x", same.a, "y", same.b, same.varies, same.scope)
    monkeypatch.setattr(mod, "STANDARD", [*STANDARD, again])
    table = standard_contrasts(_frame({MAIN: (3, 4), CONTROL: (0, 4)}))
    again = _row(table, "again")
    assert not again["shown"]
    assert again["reason"] == "compares the same cells as 'goal conflict and threat'"


def test_the_report_names_the_cells_and_says_why_a_contrast_is_not_shown(tmp_path: Path) -> None:
    from _synthlogs import Synth, write_log
    from insiderbench.report import write_report

    samples = [Synth(MAIN, e, harmful=e <= 3) for e in range(1, 5)]
    samples += [Synth(CONTROL, e, harmful=False) for e in range(1, 5)]
    page = write_report([write_log(tmp_path / "a.eval", MODEL, samples)], tmp_path / "r")
    html = page.read_text()
    start = html.index('id="contrasts-table"')
    table = html[start : html.index("</table>", start)]
    assert table.count("<tr>") == 2  # header + main vs control, once
    assert "goal conflict and threat" in table and MAIN in table and CONTROL in table
    assert "pools over" in html
    hidden = html[html.index('id="contrasts-not-shown"') :]
    assert "<b>threat</b>" in hidden and "<b>goal conflict</b>" in hidden
    assert "also differ in goal_type, goal_value" in hidden


def test_runs_with_different_settings_are_never_pooled() -> None:
    cold = _frame({MAIN: (0, 4), CONTROL: (0, 4)}).assign(temperature=0.0)
    hot = _frame({MAIN: (4, 4), CONTROL: (0, 4)}).assign(temperature=1.0)
    table = standard_contrasts(pd.concat([cold, hot]), settings=["temperature"])
    main = table[table["shown"]].set_index("temperature")
    assert list(table.columns[:4]) == ["contrast", "model", "scenario", "temperature"]
    assert main.loc[0.0, "diff"] == 0 and main.loc[1.0, "diff"] == 1
