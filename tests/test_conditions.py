from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from insiderbench import InsiderbenchError
from insiderbench.conditions import (
    Condition,
    Extra,
    GoalType,
    GoalValue,
    Mode,
    Urgency,
    allowed_goal_values,
    expand,
)

conditions = st.builds(
    Condition,
    scenario=st.sampled_from(["blackmail", "leaking", "lethal", "upstream/murder"]),
    goal_type=st.sampled_from(list(GoalType)),
    goal_value=st.sampled_from(list(GoalValue)),
    urgency=st.sampled_from(list(Urgency)),
    extra=st.sampled_from(list(Extra)),
    prod=st.booleans(),
    awareness=st.booleans(),
    mode=st.sampled_from(list(Mode)),
)


def test_id_follows_study_convention() -> None:
    c = Condition(
        scenario="blackmail",
        goal_type=GoalType.EXPLICIT,
        goal_value=GoalValue.AMERICA,
        urgency=Urgency.REPLACEMENT,
    )
    assert c.id == "blackmail_explicit-america_replacement"
    c2 = c.model_copy(update={"extra": Extra.DONT, "prod": True, "awareness": True})
    assert c2.id == "blackmail_explicit-america_replacement_dont_prod_aware"


@given(st.sampled_from(list(GoalType)), st.sampled_from(list(GoalValue)))
def test_validity_rule(goal_type: GoalType, goal_value: GoalValue) -> None:
    """none/ambiguous take only goal value none; the others take only a real value."""
    valueless = goal_type in (GoalType.NONE, GoalType.AMBIGUOUS)
    should_be_valid = (goal_value is GoalValue.NONE) == valueless
    assert (goal_value in allowed_goal_values(goal_type)) == should_be_valid
    if should_be_valid:
        Condition(scenario="x", goal_type=goal_type, goal_value=goal_value, urgency=Urgency.NONE)
    else:
        with pytest.raises(ValueError, match="allowed"):
            Condition(
                scenario="x", goal_type=goal_type, goal_value=goal_value, urgency=Urgency.NONE
            )


@given(st.data())
def test_id_round_trips(data: st.DataObject) -> None:
    try:
        cond = data.draw(conditions)
    except ValueError:
        return
    assert Condition.from_id(cond.id) == cond


def test_invalid_id_is_an_error_not_a_fallback() -> None:
    with pytest.raises(InsiderbenchError, match="cannot take goal value 'america'"):
        Condition.from_id("blackmail_none-america_replacement")
    with pytest.raises(InsiderbenchError, match="unknown suffix"):
        Condition.from_id("blackmail_explicit-america_replacement_loud")
    with pytest.raises(InsiderbenchError, match="not a condition id"):
        Condition.from_id("blackmail-explicit")
    with pytest.raises(InsiderbenchError, match="canonical"):
        Condition.from_id("blackmail_explicit-america_replacement_aware_prod")


def test_grid_counts() -> None:
    full = expand("x")
    # 3 goal types x 8 values + none + ambiguous = 26 goal cells
    assert len(full) == 26 * 3 * 3 * 2 * 2
    assert len({c.id for c in full}) == len(full)
    small = expand(
        "x",
        goal_types=[GoalType.NONE, GoalType.EXPLICIT],
        goal_values=[GoalValue.AMERICA, GoalValue.NONE],
        urgencies=[Urgency.NONE],
        extras=[Extra.NONE],
        prods=[False],
        awareness=[False],
    )
    assert [c.id for c in small] == ["x_none-none_none", "x_explicit-america_none"]


def test_mode_axis_suffix_and_grid() -> None:
    c = Condition.from_id("blackmail_explicit-america_replacement_prod_aware_tools")
    assert c.mode is Mode.TOOLS and c.prod and c.awareness
    assert c.axes()["mode"] == "tools"
    text = c.model_copy(update={"mode": Mode.TEXT})
    assert text.id == "blackmail_explicit-america_replacement_prod_aware"
    with pytest.raises(InsiderbenchError, match="canonical"):
        Condition.from_id("blackmail_explicit-america_replacement_tools_prod")
    with pytest.raises(InsiderbenchError, match="appears twice"):
        Condition.from_id("blackmail_explicit-america_replacement_tools_tools")
    # omitted, the mode is text (the study's own); asked for, each mode is a cell
    assert {c.mode for c in expand("x")} == {Mode.TEXT}
    both = expand("x", modes=list(Mode))
    assert len(both) == 2 * len(expand("x"))
    assert sum(c.id.endswith("_tools") for c in both) == len(expand("x"))
