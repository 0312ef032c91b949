"""Which monitor a run uses, as Inspect approval policies."""

from __future__ import annotations

from inspect_ai.approval import ApprovalPolicy, auto_approver

from insiderbench.environment._mailbox import CONSEQUENTIAL_TOOLS
from insiderbench.monitors._model import model_monitor
from insiderbench.monitors._names import RULES_MONITOR, check_monitor
from insiderbench.monitors._rules import rules_monitor


def monitor_policies(spec: str | None) -> list[ApprovalPolicy] | None:
    """Approval policies for ``spec``: the monitor on consequential tools, the rest approved."""
    checked = check_monitor(spec)
    if checked is None:
        return None
    kind, _, model = checked.partition(":")
    monitor = rules_monitor() if kind == RULES_MONITOR else model_monitor(model=model or None)
    return [
        ApprovalPolicy(approver=monitor, tools=list(CONSEQUENTIAL_TOOLS)),
        ApprovalPolicy(approver=auto_approver(), tools="*"),
    ]
