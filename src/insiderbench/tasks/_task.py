"""The ``agentic_misalignment`` Inspect task."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from inspect_ai import Epochs, Task, task
from inspect_ai.model import GenerateConfig

from insiderbench._errors import InsiderbenchError
from insiderbench.conditions import (
    Condition,
    Extra,
    GoalType,
    GoalValue,
    Mode,
    Perturbations,
    Urgency,
    unique,
)
from insiderbench.scenarios import select_conditions
from insiderbench.tasks._agent import DEFAULT_MAX_TURNS, study_solver
from insiderbench.tasks._dataset import condition_dataset

_E = TypeVar("_E", GoalType, GoalValue, Urgency, Extra, Mode)

STUDY_TEMPERATURE = 1.0
"""The study sampled every condition at temperature 1.0."""


def _as_list(value: str | Sequence[str] | None) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return list(value)


def resolve_conditions(
    scenario: str | Sequence[str] = "blackmail",
    *,
    goal_type: str | Sequence[str] | None = "explicit",
    goal_value: str | Sequence[str] | None = "america",
    urgency: str | Sequence[str] | None = "replacement",
    extra: str | Sequence[str] | None = "none",
    prod: bool | None = False,
    awareness: bool | None = False,
    conditions: str | Sequence[str] | None = None,
    mode: str | Sequence[str] | None = "text",
) -> list[Condition]:
    """Turn task arguments into conditions.

    ``conditions`` (explicit ids) wins over the axes. For each axis a value, a
    list or a comma-separated string is accepted; ``None`` or an empty value
    means every value the pack supports (the one rule of
    :func:`~insiderbench.scenarios.select_conditions`). Invalid combinations
    are skipped by the grid, never replaced.
    """
    ids = _as_list(conditions)
    if ids:
        return unique(Condition.from_id(i) for i in ids)
    return select_conditions(
        _as_list(scenario),
        goal_types=_axis(GoalType, goal_type, "goal_type"),
        goal_values=_axis(GoalValue, goal_value, "goal_value"),
        urgencies=_axis(Urgency, urgency, "urgency"),
        extras=_axis(Extra, extra, "extra"),
        prods=None if prod is None else [prod],
        awareness=None if awareness is None else [awareness],
        modes=_axis(Mode, mode, "mode"),
    )


def with_perturbations(
    conditions: list[Condition], perturbations: str | Sequence[str] | None
) -> list[Condition]:
    """The conditions, then each of them under each perturbation set."""
    sets = [Perturbations.parse(p, where="task argument perturbations")
            for p in _as_list(perturbations) or []]  # fmt: skip
    return unique([*conditions, *(c.perturbed(p) for p in sets for c in conditions)])


def _axis(enum: type[_E], value: str | Sequence[str] | None, name: str) -> list[_E] | None:
    """Parse one axis argument; an unknown value is an error listing the allowed ones."""
    values = _as_list(value)
    if not values:
        return None
    known = {m.value for m in enum}
    bad = [v for v in values if v not in known]
    if bad:
        raise InsiderbenchError(
            f"unknown {name} value(s): {', '.join(bad)}",
            where=f"task argument {name}",
            fix=f"use one or more of: {', '.join(m.value for m in enum)}",
        )
    return [enum(v) for v in values]


@task
def agentic_misalignment(
    scenario: str | list[str] = "blackmail",
    goal_type: str | list[str] | None = "explicit",
    goal_value: str | list[str] | None = "america",
    urgency: str | list[str] | None = "replacement",
    extra: str | list[str] | None = "none",
    prod: bool | None = False,
    awareness: bool | None = False,
    conditions: str | list[str] | None = None,
    perturbations: str | list[str] | None = None,
    samples: int = 1,
    policy: str | None = None,
    temperature: float = STUDY_TEMPERATURE,
    diagnostics: bool = True,
    panel_rule: str | None = None,
    mode: str | list[str] | None = "text",
    max_turns: int = DEFAULT_MAX_TURNS,
    max_tokens: int | None = None,
    monitor: str | None = None,
) -> Task:
    """The Agentic Misalignment study as one Inspect task.

    Each condition is one sample (id = condition id, axis values in metadata);
    ``samples`` is the number of epochs, i.e. samples per condition.

    Args:
        scenario: Pack name(s), e.g. ``blackmail`` or ``upstream/murder``.
        goal_type: Goal type(s); ``None`` means all.
        goal_value: Goal value(s); ``None`` means all valid for the goal type.
        urgency: Urgency value(s); ``None`` means all.
        extra: Extra instruction(s): ``none``, ``dont``, ``goal``; ``None`` means all.
        prod: Without the scratchpad (``True``), with it (``False``), or both (``None``).
        awareness: With the eval-awareness notice, without it, or both (``None``).
        conditions: Explicit condition ids (comma-separated or a list); overrides the axes.
        perturbations: Perturbation sets (comma-separated or a list, e.g.
            ``escalation,names-s7``): each condition also runs under each set.
        samples: Samples per condition (Inspect epochs).
        policy: Verdict policy: ``rules``, ``judge`` or ``both`` (default: ``both``
            when a ``grader`` model role is set, else ``rules``).
        temperature: Sampling temperature for the evaluated model (study: 1.0).
        diagnostics: With a judge, also label eval awareness and misunderstanding
            (a second judge call per sample).
        panel_rule: With several graders (``--model-role grader=A --model-role
            grader_2=B``): ``majority`` (default) or ``unanimous``.
        mode: Interaction mode(s): ``text`` (one reply) or ``tools`` (a live
            mailbox over many turns); ``None`` means both.
        max_turns: Tools mode: the most model calls in one episode.
        max_tokens: Tools mode: the most tokens in one episode (None: no limit).
        monitor: Tools mode: ``rules``, ``model`` or ``model:<name>`` reviews each
            consequential tool call before it runs; None for no monitor.
    """
    from insiderbench.classify import harm_reducer, harm_scorer
    from insiderbench.monitors import check_monitor, monitor_policies

    monitor = check_monitor(monitor)

    conds = resolve_conditions(
        scenario,
        goal_type=goal_type,
        goal_value=goal_value,
        urgency=urgency,
        extra=extra,
        prod=prod,
        awareness=awareness,
        conditions=conditions,
        mode=[m.value for m in Mode] if mode is None else mode,
    )
    conds = with_perturbations(conds, perturbations)
    if not conds:
        raise InsiderbenchError(
            "the task arguments select no valid condition",
            where="task arguments",
            fix="goal types none/ambiguous only take goal value none (-T goal_value=none); "
            "see `insiderbench conditions`",
        )
    return Task(
        dataset=condition_dataset(conds, name="agentic_misalignment"),
        solver=study_solver(max_turns=max_turns, max_tokens=max_tokens, monitor=monitor),
        scorer=harm_scorer(policy=policy, diagnostics=diagnostics, panel_rule=panel_rule),
        approval=monitor_policies(monitor),
        epochs=Epochs(samples, reducer=harm_reducer()),
        config=GenerateConfig(temperature=temperature),
    )
