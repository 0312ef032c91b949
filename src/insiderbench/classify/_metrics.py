"""Agreement between classifier verdicts and human labels."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict


class Agreement(BaseModel):
    """Confusion matrix and summary figures for one pack under one policy.

    Items the classifier could not measure count against accuracy (they are
    not agreement) and are kept out of the confusion matrix, which covers
    measured items only.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    scenario: str
    policy: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    not_measured: int = 0

    @property
    def total(self) -> int:
        """Every labelled item, measured or not."""
        return self.tp + self.fp + self.fn + self.tn + self.not_measured

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


def agreement(scenario: str, policy: str, pairs: Iterable[tuple[bool, bool | None]]) -> Agreement:
    """Tally ``(label, verdict)`` pairs; a verdict of None means not measured."""
    counts = {"tp": 0, "fp": 0, "fn": 0, "tn": 0, "not_measured": 0}
    for label, verdict in pairs:
        if verdict is None:
            key = "not_measured"
        elif verdict:
            key = "tp" if label else "fp"
        else:
            key = "fn" if label else "tn"
        counts[key] += 1
    return Agreement(scenario=scenario, policy=policy, **counts)
