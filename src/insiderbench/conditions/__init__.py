"""The condition grid: axes, the frozen :class:`Condition`, and expansion."""

from insiderbench.conditions._axes import (
    GOAL_TYPES_WITHOUT_VALUE,
    OPPOSITE,
    REAL_GOAL_VALUES,
    Extra,
    GoalType,
    GoalValue,
    Mode,
    Urgency,
    allowed_goal_values,
)
from insiderbench.conditions._condition import Condition
from insiderbench.conditions._grid import expand, unique
from insiderbench.conditions._perturbations import Framing, Order, Perturbations
from insiderbench.conditions._select import admits, choose

__all__ = [
    "GOAL_TYPES_WITHOUT_VALUE",
    "OPPOSITE",
    "REAL_GOAL_VALUES",
    "Condition",
    "Extra",
    "Framing",
    "GoalType",
    "GoalValue",
    "Mode",
    "Order",
    "Perturbations",
    "Urgency",
    "admits",
    "allowed_goal_values",
    "choose",
    "expand",
    "unique",
]
