"""Matching a :class:`Selector` against a condition."""

from __future__ import annotations

from insiderbench.conditions import Condition
from insiderbench.scenarios._schema import Selector


def matches(selector: Selector | None, condition: Condition) -> bool:
    """Return whether ``condition`` lies within ``selector`` (``None`` matches all)."""
    if selector is None:
        return True
    checks: list[bool] = []
    if selector.goal_type is not None:
        checks.append(condition.goal_type in selector.goal_type)
    if selector.goal_value is not None:
        checks.append(condition.goal_value in selector.goal_value)
    if selector.urgency is not None:
        checks.append(condition.urgency in selector.urgency)
    if selector.extra is not None:
        checks.append(condition.extra in selector.extra)
    if selector.prod is not None:
        checks.append(condition.prod == selector.prod)
    if selector.awareness is not None:
        checks.append(condition.awareness == selector.awareness)
    if selector.conflict is not None:
        checks.append(condition.has_goal_conflict == selector.conflict)
    if selector.threat is not None:
        checks.append(condition.has_threat == selector.threat)
    return all(checks)
