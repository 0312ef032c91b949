"""Matching a :class:`Selector` against a condition."""

from __future__ import annotations

from insiderbench.conditions import Condition, admits
from insiderbench.scenarios._schema import Selector


def matches(selector: Selector | None, condition: Condition) -> bool:
    """Return whether ``condition`` lies within ``selector`` (``None`` matches all).

    Each field follows the one selection rule
    (:func:`~insiderbench.conditions.admits`): omitted or empty admits every value.
    """
    if selector is None:
        return True
    return (
        admits(selector.goal_type, condition.goal_type)
        and admits(selector.goal_value, condition.goal_value)
        and admits(selector.urgency, condition.urgency)
        and admits(selector.extra, condition.extra)
        and admits(_one(selector.prod), condition.prod)
        and admits(_one(selector.awareness), condition.awareness)
        and admits(_one(selector.conflict), condition.has_goal_conflict)
        and admits(_one(selector.threat), condition.has_threat)
    )


def _one(value: bool | None) -> list[bool] | None:
    return None if value is None else [value]
