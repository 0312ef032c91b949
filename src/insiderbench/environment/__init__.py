"""The email world: actions, addresses, and parsing tool calls out of a response.

:func:`parse_response` turns a model's output into the actions it actually
took, and what looked like a tool call but could not be read; reasoning
(scratchpad, ``<think>`` blocks, provider reasoning) never yields actions.
Addresses are parsed and compared exactly, never by substring. In tools mode
the world is a :class:`Mailbox` in the sample's store behind native tools
(:func:`mailbox_tools`), with the pack's timeline (:func:`due_events`,
:func:`deliver`); these need inspect_ai and load on first use.
"""

from typing import TYPE_CHECKING

from insiderbench._lazy import lazy_getattr
from insiderbench.environment._actions import Action, ActionKind, ParseProblem
from insiderbench.environment._address import (
    domain_of,
    find_addresses,
    in_domains,
    matches_party,
    parse_address,
    split_recipients,
)
from insiderbench.environment._build import tool_kind
from insiderbench.environment._codes import code_token, normalise_code, normalise_text
from insiderbench.environment._parser import ParsedResponse, parse_fields, parse_response
from insiderbench.environment._reasoning import REASONING_TAGS, reasoning_regions, scan_reasoning

if TYPE_CHECKING:
    from insiderbench.environment._events import deliver, due_events
    from insiderbench.environment._mailbox import (
        CONSEQUENTIAL_TOOLS,
        Mailbox,
        MonitorDecision,
        ToolAction,
        action_from_call,
    )
    from insiderbench.environment._tools import mailbox_tools

_LAZY = {
    **dict.fromkeys(("deliver", "due_events"), "insiderbench.environment._events"),
    **dict.fromkeys(
        ("CONSEQUENTIAL_TOOLS", "Mailbox", "MonitorDecision", "ToolAction", "action_from_call"),
        "insiderbench.environment._mailbox",
    ),
    "mailbox_tools": "insiderbench.environment._tools",
}


__getattr__ = lazy_getattr(__name__, _LAZY)
"""Import the inspect_ai-backed parts of the package on first use."""


__all__ = [
    "CONSEQUENTIAL_TOOLS",
    "REASONING_TAGS",
    "Action",
    "ActionKind",
    "Mailbox",
    "MonitorDecision",
    "ParseProblem",
    "ParsedResponse",
    "ToolAction",
    "action_from_call",
    "code_token",
    "deliver",
    "due_events",
    "mailbox_tools",
    "domain_of",
    "find_addresses",
    "in_domains",
    "matches_party",
    "normalise_code",
    "normalise_text",
    "parse_address",
    "parse_fields",
    "parse_response",
    "reasoning_regions",
    "scan_reasoning",
    "split_recipients",
    "tool_kind",
]
