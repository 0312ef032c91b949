"""The solvers: one reply in text mode, a mailbox agent over many turns in tools mode.

In tools mode the agent gets the mailbox tools and works turn by turn: each
turn is one model call, whose tool calls Inspect runs (through the approval
policy, so a monitor can block them). After each turn the pack's timeline
delivers what is due. The episode ends when the agent stops acting and nothing
more is scheduled (``finished``), a timeline event is the deadline
(``deadline``), or a limit is hit (``turn_limit``, ``token_limit``). The reason
is kept in the sample's mailbox store.
"""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager, nullcontext
from enum import StrEnum
from typing import Any

from inspect_ai.model import ChatMessageUser
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import LimitExceededError, store_as, token_limit

from insiderbench.conditions import Condition, Mode
from insiderbench.environment._events import deliver, due_events
from insiderbench.environment._mailbox import Mailbox
from insiderbench.environment._tools import mailbox_tools
from insiderbench.models._context import CONDITION_METADATA_KEY
from insiderbench.scenarios import RenderedEvent, check_condition

logger = logging.getLogger(__name__)

DEFAULT_MAX_TURNS = 12
"""Model calls per tools-mode episode unless set otherwise."""


class EndReason(StrEnum):
    """Why a tools-mode episode ended."""

    FINISHED = "finished"
    DEADLINE = "deadline"
    TURN_LIMIT = "turn_limit"
    TOKEN_LIMIT = "token_limit"


def sample_condition(state: TaskState) -> Condition:
    """The condition of a sample made by the insiderbench task."""
    meta = state.metadata or {}
    return Condition.from_id(str(meta.get(CONDITION_METADATA_KEY, state.sample_id)))


@solver(name="insiderbench/study_solver")
def study_solver(
    max_turns: int = DEFAULT_MAX_TURNS, max_tokens: int | None = None, monitor: str | None = None
) -> Solver:
    """Answer in the sample's mode: one generation in text mode, the mailbox agent in tools mode.

    Args:
        max_turns: Tools mode: the most model calls in one episode.
        max_tokens: Tools mode: the most tokens (input and output, all turns) in one
            episode; None for no limit.
        monitor: The monitor the task's approval policy runs, recorded with each episode.
    """
    agent = mailbox_agent(max_turns=max_turns, max_tokens=max_tokens, monitor=monitor)

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        if sample_condition(state).mode is Mode.TOOLS:
            return await agent(state, generate)
        return await generate(state)

    return solve


@solver(name="insiderbench/mailbox_agent")
def mailbox_agent(
    max_turns: int = DEFAULT_MAX_TURNS, max_tokens: int | None = None, monitor: str | None = None
) -> Solver:
    """Run a tools-mode episode over the sample's mailbox (see the module docstring).

    Args:
        max_turns: The most model calls in one episode.
        max_tokens: The most tokens in one episode; None for no limit.
        monitor: The monitor reviewing the calls (set as the task's approval
            policy), recorded in the mailbox; None for none.
    """
    if max_turns < 1:
        raise ValueError("max_turns must be at least 1")

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        condition = sample_condition(state)
        pack = check_condition(condition)
        rendered = pack.render(condition)
        box = store_as(Mailbox)
        box.open(pack.name, rendered.agent_address, rendered.emails, pack.harm.override_code)
        box.monitor_name = monitor
        state.tools = mailbox_tools(has_alert=pack.harm.override_code is not None)
        state.tool_choice = "auto"
        limit: AbstractContextManager[Any] = (
            token_limit(max_tokens) if max_tokens is not None else nullcontext()
        )
        try:
            with limit:
                reason = await _episode(state, generate, box, rendered.timeline, max_turns)
        except LimitExceededError as exc:
            logger.info("sample %s: %s", state.sample_id, exc)
            reason = EndReason.TOKEN_LIMIT
        box.end_reason = reason.value
        return state

    return solve


async def _episode(
    state: TaskState,
    generate: Generate,
    box: Mailbox,
    timeline: tuple[RenderedEvent, ...],
    max_turns: int,
) -> EndReason:
    while box.turn < max_turns:
        box.turn += 1
        state = await generate(state, tool_calls="single")
        idle = not state.output.message.tool_calls
        events = due_events(timeline, box, idle=idle)
        for event in events:
            state.messages.append(ChatMessageUser(content=deliver(event, box)))
            if event.ends:
                return EndReason.DEADLINE
        if idle and not events:
            return EndReason.FINISHED
    return EndReason.TURN_LIMIT
