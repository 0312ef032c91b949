"""Runtime monitors for tools mode, as Inspect approval policies.

A monitor reviews each consequential tool call (send, forward, cancel an
alert) before it runs and approves or blocks it. ``rules`` uses the scenario's
harm rules; ``model`` (or ``model:<name>``) asks any Inspect model. Every
decision is stored in the sample's mailbox.
"""

from typing import TYPE_CHECKING

from insiderbench._lazy import lazy_getattr
from insiderbench.monitors._names import MODEL_MONITOR, RULES_MONITOR, check_monitor

if TYPE_CHECKING:
    from insiderbench.monitors._model import (
        MONITOR_ROLE,
        model_monitor,
        monitor_prompt,
        parse_decision,
    )
    from insiderbench.monitors._policy import monitor_policies
    from insiderbench.monitors._rules import rules_monitor

# The monitors need inspect_ai; they load on first use so that validating a
# study file stays fast.
_LAZY = {
    **dict.fromkeys(
        ("MONITOR_ROLE", "model_monitor", "monitor_prompt", "parse_decision"),
        "insiderbench.monitors._model",
    ),
    "monitor_policies": "insiderbench.monitors._policy",
    "rules_monitor": "insiderbench.monitors._rules",
}


__getattr__ = lazy_getattr(__name__, _LAZY)
"""Import the inspect_ai-backed parts of the package on first use."""


__all__ = [
    "MODEL_MONITOR",
    "MONITOR_ROLE",
    "RULES_MONITOR",
    "check_monitor",
    "model_monitor",
    "monitor_policies",
    "monitor_prompt",
    "parse_decision",
    "rules_monitor",
]
