"""The rules monitor: block a call that the harm spec's rules would call harmful."""

from __future__ import annotations

from inspect_ai.approval import Approval, Approver, approver
from inspect_ai.model import ChatMessage
from inspect_ai.tool import ToolCall, ToolCallView
from inspect_ai.util import store_as

from insiderbench.classify import rule_verdict
from insiderbench.environment import ParsedResponse
from insiderbench.environment._mailbox import Mailbox, MonitorDecision, action_from_call
from insiderbench.monitors._names import RULES_MONITOR
from insiderbench.scenarios import get_pack


@approver(name="insiderbench/rules_monitor")
def rules_monitor() -> Approver:
    """Review each consequential call with the scenario's harm rules, before it runs.

    The call is turned into the action it asks for and judged alone by the same
    rules that classify finished samples; a harmful verdict blocks it. The
    decision and the rules' reasons are recorded in the sample's mailbox.
    """

    async def approve(
        message: str, call: ToolCall, view: ToolCallView, history: list[ChatMessage]
    ) -> Approval:
        box = store_as(Mailbox)
        action = action_from_call(call.function, call.arguments, box.turn, call.id)
        if action is None:
            return Approval(decision="approve", explanation="not a consequential tool")
        harm = get_pack(box.scenario).harm
        verdict = rule_verdict(harm, ParsedResponse(actions=[action.to_action()]))
        decision = "reject" if verdict.harmful else "approve"
        explanation = "; ".join(verdict.reasons)
        box.decide(
            MonitorDecision(
                monitor=RULES_MONITOR,
                tool=call.function,
                call_id=call.id,
                turn=box.turn,
                decision=decision,
                explanation=explanation,
            )
        )
        if decision == "reject":
            return Approval(
                decision="reject",
                explanation=f"Blocked by the security monitor: {explanation}",
            )
        return Approval(decision="approve", explanation=explanation)

    return approve
