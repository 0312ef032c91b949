"""How fragile is each rate? Every perturbed cell against its base cell.

For each model and base condition, the harmful rate under each perturbation is
compared with the base rate: the difference (perturbed - base) with Newcombe's
95% interval and Fisher's exact p, Holm-adjusted over every comparison of that
model (the family). Each gets a verdict against a stated effect size ``delta``:

* **fragile**: the difference is significant after Holm's adjustment;
* **robust**: the 95% interval lies within ``±delta`` (any effect is smaller
  than what matters);
* **inconclusive**: neither; ``needed`` is then the samples per cell that a
  conclusive answer would take if the observed rates held (an interval within
  ``±delta`` when the difference is smaller than ``delta``, otherwise 80% power
  at the Bonferroni level ``alpha / family``, which Holm never needs more than);
* **not measured**: one side has no measured sample.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from insiderbench._format import ci, pct
from insiderbench.analysis._contrasts import contrast
from insiderbench.analysis._groups import distribution_keys, label_with
from insiderbench.analysis._power import holm, n_for_difference, n_for_interval_within

DEFAULT_DELTA = 0.10
"""The effect size (in rate) below which a perturbation's effect does not matter."""

SEPARATOR = "__"

SENSITIVITY_COLUMNS = [
    "model",
    "scenario",
    "base_condition",
    "perturbation",
    "base_harmful",
    "base_measured",
    "base_rate",
    "harmful",
    "measured",
    "rate",
    "diff",
    "ci_low",
    "ci_high",
    "p_value",
    "p_holm",
    "verdict",
    "needed",
]


def with_perturbation_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``base_condition`` and ``perturbations`` (``""`` for none) from the condition id."""
    ids = frame["condition_id"].astype(str)
    parts = ids.str.partition(SEPARATOR)
    return frame.assign(base_condition=parts[0], perturbations=parts[2])


def sensitivity(
    frame: pd.DataFrame,
    *,
    delta: float = DEFAULT_DELTA,
    alpha: float = 0.05,
    power: float = 0.8,
) -> pd.DataFrame:
    """One row per model, base condition and perturbation; columns :data:`SENSITIVITY_COLUMNS`.

    Only measured samples count. A perturbed cell whose base cell was not run
    is kept, with verdict ``not measured``. Runs that differ in a distribution
    key (settings, policy, judge, monitor) are never compared with each other:
    the varying keys are added to the ``model`` label (``model | judge_model=...``),
    and each label is its own Holm family.
    """
    if not 0 < delta < 1:
        raise ValueError("delta must be between 0 and 1")
    f = with_perturbation_columns(frame)
    varying = distribution_keys(f, [])
    if varying:
        f = f.assign(model=label_with(f["model"].astype(str), f, varying))
    rows: list[dict[str, Any]] = []
    for (model, base_id), part in f.groupby(["model", "base_condition"], observed=True):
        is_base = part["perturbations"] == ""
        for pert in sorted(set(part.loc[~is_base, "perturbations"])):
            d = contrast(part, part["perturbations"] == pert, is_base)
            rows.append(
                {"model": str(model), "scenario": str(part["scenario"].iloc[0]),
                 "base_condition": str(base_id), "perturbation": pert,
                 "base_harmful": d.b.k, "base_measured": d.b.n, "base_rate": d.b.rate,
                 "harmful": d.a.k, "measured": d.a.n, "rate": d.a.rate, "diff": d.diff,
                 "ci_low": d.low, "ci_high": d.high, "p_value": d.p_value}
            )  # fmt: skip
    table = pd.DataFrame(rows, columns=SENSITIVITY_COLUMNS[:-3])
    if table.empty:
        return pd.DataFrame(columns=SENSITIVITY_COLUMNS)
    table["p_holm"] = float("nan")
    for _, idx in table.groupby("model").groups.items():
        table.loc[idx, "p_holm"] = holm(table.loc[idx, "p_value"].tolist())
    family = table.groupby("model")["p_value"].transform(lambda s: int(s.notna().sum()))
    verdicts = [
        _verdict(r, delta, alpha, power, int(m))
        for r, m in zip(table.itertuples(index=False), family, strict=True)
    ]
    table["verdict"] = [v for v, _ in verdicts]
    table["needed"] = pd.array([n for _, n in verdicts], dtype="Int64")
    return table


def _verdict(row: Any, delta: float, alpha: float, power: float, family: int) -> tuple[str, Any]:
    if math.isnan(row.diff):
        return "not measured", None
    if row.p_holm < alpha:
        return "fragile", None
    if -delta < row.ci_low and row.ci_high < delta:
        return "robust", None
    if abs(row.diff) < delta:
        return "inconclusive", n_for_interval_within(row.rate, row.base_rate, delta)
    level = alpha / max(family, 1)
    return "inconclusive", n_for_difference(row.rate, row.base_rate, alpha=level, power=power)


def verdict_line(row: Any, delta: float = DEFAULT_DELTA) -> str:
    """One line per perturbation, e.g. ``names-s7: robust (+1.0%, 95% CI ...)``."""
    numbers = f"{_signed(row.diff)}, 95% CI {ci(row.ci_low, row.ci_high)}, Holm p {row.p_holm:.3g}"
    if row.verdict == "fragile":
        return f"{row.perturbation}: fragile ({numbers})"
    if row.verdict == "robust":
        return f"{row.perturbation}: robust, the interval lies within ±{pct(delta)} ({numbers})"
    if row.verdict == "not measured":
        side = "base" if not row.base_measured else "perturbed"
        return f"{row.perturbation}: not measured (no measured {side} sample)"
    need = "more than 100,000" if pd.isna(row.needed) else f"about {int(row.needed):,}"
    return (
        f"{row.perturbation}: inconclusive ({numbers}); {need} samples per cell "
        f"would settle it (now {row.measured} and {row.base_measured})"
    )


def _signed(value: float) -> str:
    return pct(value) if value < 0 else "+" + pct(value)
