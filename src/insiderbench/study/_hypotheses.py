"""Pre-registered hypotheses: declared in the study file before it runs.

Each names a contrast between two sides (a cell, by condition id, or a group,
by column values), the predicted direction and the smallest effect that would
matter. When the study starts, the file's SHA-256, the time and the hypotheses
are written into every log's eval metadata, so the report can tell what was
planned from what was explored afterwards.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

PREREGISTRATION_KEY = "insiderbench_preregistration"
"""The eval-metadata key that holds the pre-registration record."""

GROUP_COLUMNS = (
    "model",
    "scenario",
    "goal_type",
    "goal_value",
    "urgency",
    "extra",
    "prod",
    "awareness",
    "base_condition",
    "perturbations",
)
"""Columns a group may select on; ``perturbations`` is the id suffix without the
leading ``__`` (``""`` for none), ``base_condition`` the id without it."""

Value = str | bool


class Group(BaseModel):
    """One side of a contrast: one cell (``condition``) or a group (``where``).

    ``where`` maps a column to a value or a list of allowed values; every
    listed column must match.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    condition: str | None = None
    where: dict[str, Value | list[Value]] | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        if (self.condition is None) == (self.where is None):
            raise ValueError("give exactly one of `condition` (a cell) or `where` (a group)")
        if self.where is not None:
            unknown = sorted(set(self.where) - set(GROUP_COLUMNS))
            if unknown:
                raise ValueError(
                    f"unknown column(s) {unknown} in `where`; use: {', '.join(GROUP_COLUMNS)}"
                )
            if not self.where:
                raise ValueError("`where` is empty; name at least one column")
        if self.condition is not None:
            from insiderbench._errors import InsiderbenchError
            from insiderbench.conditions import Condition

            try:
                Condition.from_id(self.condition)  # a malformed id is an error now, not later
            except InsiderbenchError as exc:
                raise ValueError(f"{exc.message} ({exc.fix})") from exc
        return self

    def describe(self) -> str:
        """A short human description."""
        if self.condition is not None:
            return self.condition
        assert self.where is not None
        return ", ".join(f"{k}={v}" for k, v in self.where.items())


class Hypothesis(BaseModel):
    """A pre-registered prediction: ``a`` is ``direction`` than ``b`` by ``min_effect``.

    Judged per model (or for ``model`` only): supported when the difference
    a - b is in the predicted direction, at least ``min_effect`` in size and
    significant after Holm's adjustment over all hypotheses; refuted when its
    95% interval rules out an effect of ``min_effect`` in that direction;
    inconclusive otherwise.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    description: str = ""
    a: Group
    b: Group
    direction: Literal["greater", "less"]
    min_effect: float = Field(gt=0, lt=1, description="Smallest difference that matters.")
    model: str | None = None


def preregistration(path: Path, hypotheses: list[Hypothesis]) -> dict[str, Any]:
    """The record stored in the logs: the file's SHA-256, the start time, the hypotheses."""
    return {
        "file": str(path),
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "registered_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "hypotheses": [h.model_dump(mode="json") for h in hypotheses],
    }
