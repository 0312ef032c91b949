"""How many samples each cell needs, and what that costs.

Given a pilot harmful rate ``p`` and either a target width for each cell's 95%
interval or a minimum difference to detect:

* **interval width** ``w``: ``n = z² p (1 - p) / (w / 2)²`` (Cochran 1977; with
  ``p = 0.5`` and ``w = 0.1`` this is the familiar 385);
* **minimum effect** ``d``: samples per cell to detect a change from ``p`` to
  ``p - d`` (or ``p + d`` when ``p - d < 0``) at two-sided alpha 0.05 with 80%
  power (Chow, Shao and Wang 2008, §4.2; 0.65 against 0.85 needs 70).

With both, the larger ``n`` wins. The cost is the dry-run estimate of the study
at that many samples per cell.
"""

from __future__ import annotations

from dataclasses import dataclass

from insiderbench._errors import InsiderbenchError
from insiderbench.analysis._power import n_for_difference, n_for_width
from insiderbench.study._dryrun import DryRun, dry_run
from insiderbench.study._spec import StudySpec


@dataclass(frozen=True)
class SamplePlan:
    """The samples per cell a target needs, and the study's estimate at that size."""

    rule: str
    per_cell: int
    current: int
    conditions: int
    estimate: DryRun


def _check(name: str, value: float | None, upper: float = 1.0) -> None:
    if value is not None and not 0 < value < upper:
        raise InsiderbenchError(
            f"{name} must be between 0 and {upper:g}, got {value:g}",
            where=f"--{name.replace('_', '-')}",
            fix="give a rate as a fraction, e.g. 0.3 for 30%",
        )


def sample_plan(
    study: StudySpec,
    pilot_rate: float | None,
    ci_width: float | None = None,
    min_effect: float | None = None,
) -> SamplePlan:
    """Samples per cell for ``ci_width`` and/or ``min_effect`` at ``pilot_rate``, with cost.

    Raises:
        InsiderbenchError: if the pilot rate or both targets are missing, or a value is
            out of range.
    """
    if pilot_rate is None or (ci_width is None and min_effect is None):
        raise InsiderbenchError(
            "a sample-size plan needs --pilot-rate and --ci-width and/or --min-effect",
            where="command-line flags",
            fix="e.g. --dry-run --pilot-rate 0.3 --ci-width 0.1",
        )
    _check("pilot_rate", pilot_rate)
    _check("ci_width", ci_width)
    _check("min_effect", min_effect)
    rules: list[tuple[int, str]] = []
    if ci_width is not None:
        n = n_for_width(pilot_rate, ci_width / 2)
        rules.append((n, f"95% interval of width {ci_width:g} at a rate of {pilot_rate:g}"))
    if min_effect is not None:
        other = pilot_rate - min_effect if pilot_rate - min_effect >= 0 else pilot_rate + min_effect
        if not 0 <= other <= 1:
            raise InsiderbenchError(
                f"no rate differs from {pilot_rate:g} by {min_effect:g}",
                where="--min-effect",
                fix="choose a smaller minimum effect",
            )
        n = n_for_difference(pilot_rate, other)
        rules.append((n, f"detect {pilot_rate:g} vs {other:g} (alpha 0.05 two-sided, 80% power)"))
    per_cell, rule = max(rules)
    sized = study.model_copy(update={"samples": per_cell})
    estimate = dry_run(sized)
    return SamplePlan(rule, per_cell, study.samples, estimate.conditions, estimate)
