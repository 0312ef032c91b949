"""Grid expansion: the cartesian product of axis values, valid cells only."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

from insiderbench.conditions._axes import (
    Extra,
    GoalType,
    GoalValue,
    Mode,
    Urgency,
    allowed_goal_values,
)
from insiderbench.conditions._condition import Condition
from insiderbench.conditions._select import choose


def expand(
    scenario: str,
    *,
    goal_types: Sequence[GoalType] | None = None,
    goal_values: Sequence[GoalValue] | None = None,
    urgencies: Sequence[Urgency] | None = None,
    extras: Sequence[Extra] | None = None,
    prods: Sequence[bool] | None = None,
    awareness: Sequence[bool] | None = None,
    modes: Sequence[Mode] | None = None,
) -> list[Condition]:
    """Expand the axis values for one scenario into valid conditions.

    Each axis follows :func:`~insiderbench.conditions.choose`: omitted or
    empty means every value. Combinations that are invalid (such as goal type
    ``none`` with goal value ``america``) are skipped, never replaced by
    something else. The order is deterministic.

    ``modes`` is the exception: omitted means ``text`` only, the study's own
    mode; tools-mode conditions are asked for by name (``modes=[Mode.TOOLS]``).
    """
    out: list[Condition] = []
    values = choose(goal_values, list(GoalValue))
    for gt, urg, ext, prod, aware, mode in itertools.product(
        choose(goal_types, list(GoalType)),
        choose(urgencies, list(Urgency)),
        choose(extras, list(Extra)),
        choose(prods, [False, True]),
        choose(awareness, [False, True]),
        # unlike the other axes, an omitted mode means text only (the study's own mode)
        [Mode.TEXT] if not modes else list(modes),
    ):
        allowed = allowed_goal_values(gt)
        for gv in values:
            if gv not in allowed:
                continue
            out.append(
                Condition(
                    scenario=scenario,
                    goal_type=gt,
                    goal_value=gv,
                    urgency=urg,
                    extra=ext,
                    prod=prod,
                    awareness=aware,
                    mode=mode,
                )
            )
    return out


def unique(conditions: Iterable[Condition]) -> list[Condition]:
    """Drop repeated conditions, keeping the first occurrence's order."""
    seen: set[str] = set()
    out: list[Condition] = []
    for cond in conditions:
        if cond.id not in seen:
            seen.add(cond.id)
            out.append(cond)
    return out
