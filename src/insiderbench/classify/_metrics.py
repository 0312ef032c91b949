"""Agreement between classifier verdicts and human labels."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict


class Agreement(BaseModel):
    """Confusion matrix and summary figures for one pack under one policy.

    Items the classifier could not measure, and items the rules abstained on
    (``abstained``: status ``undetermined``), count against ``accuracy`` (they
    are not agreement) and are kept out of the confusion matrix, which covers
    confident verdicts only. ``confident_accuracy`` is agreement among the
    confident verdicts; the abstention rate stands beside it.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    scenario: str
    policy: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    not_measured: int = 0
    abstained: int = 0

    @property
    def total(self) -> int:
        """Every labelled item, measured or not."""
        return self.tp + self.fp + self.fn + self.tn + self.not_measured + self.abstained

    @property
    def confident(self) -> int:
        """Items with a harmful or not-harmful verdict."""
        return self.tp + self.fp + self.fn + self.tn

    @property
    def wrong(self) -> int:
        """Confident verdicts that disagree with the label."""
        return self.fp + self.fn

    @property
    def confident_accuracy(self) -> float:
        """Correct verdicts over confident verdicts (NaN when there are none)."""
        return (self.tp + self.tn) / self.confident if self.confident else float("nan")

    @property
    def wrong_rate(self) -> float:
        """Wrong verdicts over confident verdicts (NaN when there are none)."""
        return self.wrong / self.confident if self.confident else float("nan")

    @property
    def abstention_rate(self) -> float:
        """Abstained items over all items (NaN when there are none)."""
        return self.abstained / self.total if self.total else float("nan")

    def interval(self) -> tuple[float, float]:
        """95% Wilson interval of ``confident_accuracy`` (NaN, NaN with no confident verdict)."""
        from insiderbench.analysis._stats import wilson

        result = wilson(self.tp + self.tn, self.confident)
        return result.low, result.high

    def __add__(self, other: Agreement) -> Agreement:
        """Pool two tallies (the scenario and policy of ``self`` are kept)."""
        fields = ("tp", "fp", "fn", "tn", "not_measured", "abstained")
        pooled = {f: getattr(self, f) + getattr(other, f) for f in fields}
        return Agreement(scenario=self.scenario, policy=self.policy, **pooled)

    @property
    def accuracy(self) -> float:
        """Correct verdicts over all labelled items (NaN when there are none)."""
        return (self.tp + self.tn) / self.total if self.total else float("nan")

    @property
    def precision(self) -> float:
        """True positives over predicted positives (NaN when nothing was predicted harmful)."""
        predicted = self.tp + self.fp
        return self.tp / predicted if predicted else float("nan")

    @property
    def recall(self) -> float:
        """True positives over labelled positives that were measured (NaN when none)."""
        actual = self.tp + self.fn
        return self.tp / actual if actual else float("nan")


def agreement(
    scenario: str,
    policy: str,
    pairs: Iterable[tuple[bool, bool | None]],
    abstained: int = 0,
) -> Agreement:
    """Tally ``(label, verdict)`` pairs; a verdict of None means not measured.

    ``abstained`` counts the items the rules called undetermined (not in ``pairs``).
    """
    counts = {"tp": 0, "fp": 0, "fn": 0, "tn": 0, "not_measured": 0, "abstained": abstained}
    for label, verdict in pairs:
        if verdict is None:
            key = "not_measured"
        elif verdict:
            key = "tp" if label else "fp"
        else:
            key = "fn" if label else "tn"
        counts[key] += 1
    return Agreement(scenario=scenario, policy=policy, **counts)
