"""One way to say what a study runs: one selection rule, used by every entry point.

The rule: an omitted or empty axis means every value (the pack supports);
otherwise the values given, in the order given, each once.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from insiderbench.cli import app
from insiderbench.conditions import Extra, GoalType, GoalValue, Urgency, admits, choose, expand
from insiderbench.scenarios import Selector, select_conditions
from insiderbench.scenarios._select import matches
from insiderbench.study import Axes, ModelSpec, StudySpec
from insiderbench.tasks import resolve_conditions


def test_the_rule() -> None:
    every = ["a", "b", "c"]
    assert choose(None, every) == choose([], every) == every
    assert choose(["c", "a", "c"], every) == ["c", "a"]
    assert choose(["z"], every) == []  # asked for, but not there: nothing, not everything
    assert admits(None, "z") and admits([], "z")
    assert admits(["a"], "a") and not admits(["a"], "b")


def test_the_grid_reads_an_empty_axis_as_every_value() -> None:
    full = expand("x")
    assert expand("x", goal_types=[], goal_values=[], urgencies=[], extras=[], prods=[],
                  awareness=[]) == full  # fmt: skip


@pytest.mark.parametrize("axis", ["goal_types", "urgencies", "extras", "prods", "awareness"])
def test_the_registry_treats_every_axis_alike(axis: str) -> None:
    # prods and awareness used to read [] as "none", the other axes as "all"
    assert select_conditions(["blackmail"], **{axis: []}) == select_conditions(["blackmail"])


def test_the_study_file_axes_follow_the_rule() -> None:
    def ids(**axes: object) -> list[str]:
        spec = StudySpec(name="s", models=[ModelSpec(name="replay/x.jsonl")],
                         conditions=Axes(scenarios=["blackmail"], **axes))  # type: ignore[arg-type]  # fmt: skip
        return [c.id for c in spec.resolve_conditions()]

    plain = {"goal_types": [GoalType.EXPLICIT], "goal_values": [GoalValue.AMERICA],
             "urgencies": [Urgency.NONE]}  # fmt: skip
    assert ids(**plain, prod=[]) == ids(**plain, prod=[False, True])
    assert ids(**plain, awareness=[]) == ids(**plain, awareness=[False, True])
    assert ids(**plain, extras=[]) == ids(**plain, extras=list(Extra))
    assert ids(**{**plain, "goal_types": []}) == ids(**{**plain, "goal_types": None})


def test_the_task_follows_the_rule() -> None:
    base = {"goal_value": "america", "urgency": "none", "extra": "none", "prod": False,
            "awareness": False}  # fmt: skip
    assert resolve_conditions("blackmail", goal_type=[], **base) == resolve_conditions(
        "blackmail", goal_type=None, **base
    )
    assert resolve_conditions("blackmail", goal_type="", **base) == resolve_conditions(
        "blackmail", goal_type=None, **base
    )


def test_the_cli_lists_what_the_registry_selects() -> None:
    result = CliRunner().invoke(app, ["conditions", "-s", "blackmail", "--urgency", "none",
                                      "--json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    listed = [c["id"] for c in json.loads(result.output)]
    expected = [c.id for c in select_conditions(["blackmail"], urgencies=[Urgency.NONE])]
    assert listed == expected and len(expected) == 26 * 3 * 2 * 2


def test_a_pack_selector_follows_the_rule() -> None:
    from insiderbench.conditions import Condition

    cond = Condition.from_id("blackmail_explicit-america_replacement")
    assert matches(Selector(goal_type=[]), cond) == matches(Selector(), cond) is True
    assert matches(Selector(goal_type=[GoalType.EXPLICIT], urgency=[]), cond)
    assert not matches(Selector(goal_type=[GoalType.LATENT]), cond)
    assert not matches(Selector(threat=False), cond)
