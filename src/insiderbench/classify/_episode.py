"""The scorer's entry point for tools mode: one sample's episode into a record."""

from __future__ import annotations

from inspect_ai.solver import TaskState
from inspect_ai.util import store_as

from insiderbench.classify._judge import configured_graders
from insiderbench.classify._record import PanelRule, Policy, SampleRecord
from insiderbench.classify._trajectory import classify_episode, trajectory
from insiderbench.conditions import Condition
from insiderbench.environment._mailbox import Mailbox
from insiderbench.scenarios import ScenarioPack, harm_for


async def score_episode(
    state: TaskState,
    pack: ScenarioPack,
    condition: Condition,
    policy: Policy | str | None,
    grader: bool,
    diagnostics: bool,
    panel_rule: PanelRule,
    judge_rounds: int,
) -> SampleRecord:
    """Classify the tools-mode sample ``state`` from its messages and its mailbox store."""
    box = store_as(Mailbox)
    output = state.output
    return await classify_episode(
        harm_for(pack, condition),  # a perturbation that renames people renames the facts
        trajectory(state.messages, box),
        box,
        scenario=pack.name,
        policy=policy,
        judge=configured_graders() if grader else None,
        panel_rule=panel_rule,
        judge_rounds=judge_rounds,
        awareness_notice=condition.awareness,
        diagnostics=diagnostics,
        stop_reason=output.stop_reason if output.choices else None,
        error=output.error,
        monitor=box.monitor_name,
    )
