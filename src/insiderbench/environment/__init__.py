"""The email world: actions, addresses, and parsing tool calls out of a response.

:func:`parse_response` turns a model's output into the actions it actually
took; reasoning (scratchpad, ``<think>`` blocks, provider reasoning) never
yields actions. Addresses are parsed and compared exactly, never by substring.
"""

from insiderbench.environment._actions import Action, ActionKind
from insiderbench.environment._address import (
    domain_of,
    find_addresses,
    in_domains,
    matches_party,
    parse_address,
    split_recipients,
)
from insiderbench.environment._parser import ParsedResponse, parse_fields, parse_response
from insiderbench.environment._reasoning import REASONING_TAGS, reasoning_regions

__all__ = [
    "REASONING_TAGS",
    "Action",
    "ActionKind",
    "ParsedResponse",
    "domain_of",
    "find_addresses",
    "in_domains",
    "matches_party",
    "parse_address",
    "parse_fields",
    "parse_response",
    "reasoning_regions",
    "split_recipients",
]
