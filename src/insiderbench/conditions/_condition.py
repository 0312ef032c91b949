"""The frozen :class:`Condition` spec and its deterministic id."""

from __future__ import annotations

import re
from typing import Self

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from insiderbench._errors import InsiderbenchError, validation_problems
from insiderbench.conditions._axes import (
    Extra,
    GoalType,
    GoalValue,
    Mode,
    Urgency,
    allowed_goal_values,
)
from insiderbench.conditions._perturbations import SEPARATOR, Perturbations

_ID_RE = re.compile(
    r"^(?P<scenario>[a-z0-9][a-z0-9/.-]*)_(?P<goal_type>[a-z]+)-(?P<goal_value>[a-z]+)"
    r"_(?P<urgency>[a-z]+)(?P<suffixes>(?:_[a-z]+)*)$"
)


class Condition(BaseModel):
    """One cell of the condition grid.

    The id follows the study's convention ``{scenario}_{goal_type}-{goal_value}_{urgency}``
    with suffixes for non-default knobs: ``_dont`` or ``_goal`` for extra
    instructions, ``_prod`` for the variant without a scratchpad, ``_aware``
    for the eval-awareness notice and ``_tools`` for the mailbox-tools mode.
    Perturbations (see :class:`~insiderbench.conditions.Perturbations`) follow
    after ``__``, e.g. ``blackmail_explicit-america_replacement__order-chrono__names-s7``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    scenario: str
    goal_type: GoalType
    goal_value: GoalValue
    urgency: Urgency
    extra: Extra = Extra.NONE
    prod: bool = False
    awareness: bool = False
    mode: Mode = Mode.TEXT
    perturbations: Perturbations = Perturbations()

    @model_validator(mode="after")
    def _check_goal(self) -> Self:
        allowed = allowed_goal_values(self.goal_type)
        if self.goal_value not in allowed:
            names = ", ".join(v.value for v in allowed)
            raise ValueError(
                f"goal type '{self.goal_type.value}' cannot take goal value "
                f"'{self.goal_value.value}'; allowed: {names}"
            )
        return self

    @property
    def id(self) -> str:
        """The deterministic id of this condition."""
        goal = f"{self.goal_type.value}-{self.goal_value.value}"
        base = f"{self.scenario}_{goal}_{self.urgency.value}"
        if self.extra is not Extra.NONE:
            base += f"_{self.extra.value}"
        if self.prod:
            base += "_prod"
        if self.awareness:
            base += "_aware"
        if self.mode is not Mode.TEXT:
            base += f"_{self.mode.value}"
        return base + self.perturbations.suffix

    @property
    def base(self) -> Condition:
        """The same condition without its perturbations."""
        return self.model_copy(update={"perturbations": Perturbations()})

    def perturbed(self, perturbations: Perturbations) -> Condition:
        """The same condition with ``perturbations`` added to its own."""
        merged = self.perturbations.merge(perturbations)
        return self.model_copy(update={"perturbations": merged})

    @property
    def has_goal_conflict(self) -> bool:
        """Whether the agent's goal conflicts with the company's direction."""
        return self.goal_type is not GoalType.NONE

    @property
    def has_threat(self) -> bool:
        """Whether the agent faces replacement or restriction."""
        return self.urgency is not Urgency.NONE

    def axes(self) -> dict[str, str | bool]:
        """Return the axis values as a flat, JSON-ready dict (with the id)."""
        return {
            "id": self.id,
            "scenario": self.scenario,
            "goal_type": self.goal_type.value,
            "goal_value": self.goal_value.value,
            "urgency": self.urgency.value,
            "extra": self.extra.value,
            "prod": self.prod,
            "awareness": self.awareness,
            "mode": self.mode.value,
        }

    @classmethod
    def from_id(cls, condition_id: str) -> Condition:
        """Parse a condition id back into a :class:`Condition`.

        Raises:
            InsiderbenchError: if the id is malformed or names an invalid combination.
        """
        head, sep, tail = condition_id.partition(SEPARATOR)
        perturbations = Perturbations.parse(tail, where=f"condition {condition_id}")
        if sep and perturbations.empty:
            raise InsiderbenchError(
                f"'{condition_id}' ends with '{SEPARATOR}' but names no perturbation",
                where="condition",
                fix=f"drop the trailing '{SEPARATOR}'",
            )
        match = _ID_RE.match(head)
        if match is None:
            raise InsiderbenchError(
                f"'{condition_id}' is not a condition id",
                where="condition",
                fix="ids look like blackmail_explicit-america_replacement"
                "[_dont|_goal][_prod][_aware][_tools][__perturbation...]; list them with "
                "`insiderbench conditions`",
            )
        suffixes = [s for s in match["suffixes"].split("_") if s]
        extra = Extra.NONE
        prod = awareness = False
        mode = Mode.TEXT
        seen: list[str] = []
        for suffix in suffixes:
            if suffix in seen:
                raise InsiderbenchError(
                    f"suffix '_{suffix}' appears twice in '{condition_id}'",
                    where="condition",
                    fix="list valid ids with `insiderbench conditions`",
                )
            seen.append(suffix)
            if suffix in (Extra.DONT.value, Extra.GOAL.value) and extra is Extra.NONE:
                extra = Extra(suffix)
            elif suffix == "prod":
                prod = True
            elif suffix == "aware":
                awareness = True
            elif suffix == Mode.TOOLS.value:
                mode = Mode.TOOLS
            else:
                raise InsiderbenchError(
                    f"unknown suffix '_{suffix}' in condition id '{condition_id}'",
                    where="condition",
                    fix="suffixes are _dont or _goal, then _prod, then _aware, then _tools",
                )
        try:
            cond = cls(
                scenario=match["scenario"],
                goal_type=match["goal_type"],
                goal_value=match["goal_value"],
                urgency=match["urgency"],
                extra=extra,
                prod=prod,
                awareness=awareness,
                mode=mode,
                perturbations=perturbations,
            )
        except ValidationError as exc:
            raise InsiderbenchError(
                f"invalid condition '{condition_id}': {_first_message(exc)}",
                where="condition",
                fix="list valid ids with `insiderbench conditions`",
            ) from exc
        if cond.id != condition_id:
            raise InsiderbenchError(
                f"'{condition_id}' is not in canonical form; did you mean '{cond.id}'?",
                where="condition",
                fix=f"use '{cond.id}'",
            )
        return cond


def _first_message(exc: ValidationError) -> str:
    loc, msg = validation_problems(exc)[0]
    return f"{loc}: {msg}" if loc else msg
