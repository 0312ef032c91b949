"""The email world: actions, addresses, and parsing tool calls out of a response.

:func:`parse_response` turns a model's output into the actions it actually
took, and what looked like a tool call but could not be read; reasoning
(scratchpad, ``<think>`` blocks, provider reasoning) never yields actions.
Addresses are parsed and compared exactly, never by substring.
"""

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

__all__ = [
    "REASONING_TAGS",
    "Action",
    "ActionKind",
    "ParseProblem",
    "ParsedResponse",
    "code_token",
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
