"""Native tool calls for in-process models: tools into the chat template, calls out of text.

Small open models write their calls in more than one form, whatever their
template asks for. Measured on Qwen2.5-Coder-1.5B with its own template, calls
come as ``<tool_call>{"name": ..., "arguments": {...}}</tool_call>`` blocks (the
template's form) and as fenced ```` ```json ```` objects with ``name`` and
``arguments``. Both are read, as is a reply that is nothing but such an object.
A call that cannot be read (bad JSON, no name) is not dropped: it becomes a
:class:`~inspect_ai.tool.ToolCall` with ``parse_error`` set, which Inspect
returns to the model as an error so it can try again.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from uuid import uuid4

from inspect_ai.model import ChatMessage, ChatMessageAssistant, ChatMessageTool
from inspect_ai.tool import ToolCall, ToolInfo

_TAGGED = re.compile(r"<tool_call>(.*?)(?:</tool_call>|\Z)", re.DOTALL)
_FENCED = re.compile(r"```[ \t]*(?:json|tool_call|tool_code)?[ \t]*\n(.*?)(?:```|\Z)", re.DOTALL)
_NAME = re.compile(r'"name"\s*:\s*"([A-Za-z0-9_.-]+)"')
UNKNOWN_TOOL = "unreadable_tool_call"
"""The function name of a call whose name could not be read."""


@dataclass
class ParsedCalls:
    """A reply split into its text and the tool calls it makes."""

    text: str
    calls: list[ToolCall] = field(default_factory=list)


def tool_specs(tools: list[ToolInfo]) -> list[dict[str, Any]]:
    """Inspect tool definitions in the OpenAI form that chat templates read."""
    return [
        {
            "type": "function",
            "function": {
                "name": t.name,
                "description": t.description,
                "parameters": t.parameters.model_dump(exclude_none=True),
            },
        }
        for t in tools
    ]


def chat_messages(messages: list[ChatMessage]) -> list[dict[str, Any]]:
    """Inspect messages as chat-template messages, tool calls and results included."""
    out: list[dict[str, Any]] = []
    for message in messages:
        if isinstance(message, ChatMessageAssistant) and message.tool_calls:
            calls = [
                {
                    "id": c.id,
                    "type": "function",
                    "function": {"name": c.function, "arguments": c.arguments},
                }
                for c in message.tool_calls
            ]
            out.append({"role": "assistant", "content": message.text, "tool_calls": calls})
        elif isinstance(message, ChatMessageTool):
            text = message.text
            if message.error is not None:
                text = f"Error: {message.error.message}"
            out.append(
                {
                    "role": "tool",
                    "content": text,
                    "tool_call_id": message.tool_call_id,
                    "name": message.function,
                }
            )
        else:
            out.append({"role": message.role, "content": message.text})
    return out


def _call(payload: str) -> list[ToolCall] | None:
    """Calls from one JSON payload; None if it is valid JSON but no call at all."""
    try:
        data = json.loads(payload)
    except json.JSONDecodeError as exc:
        name = _NAME.search(payload)
        return [
            ToolCall(
                id=_new_id(),
                function=name.group(1) if name else UNKNOWN_TOOL,
                arguments={},
                parse_error=f"the tool call is not valid JSON ({exc.msg} at character "
                f'{exc.pos}); write it as {{"name": "<tool>", "arguments": {{...}}}}',
            )
        ]
    items = data if isinstance(data, list) else [data]
    if not items or not all(isinstance(i, dict) and "name" in i for i in items):
        return None
    return [_from_object(item) for item in items]


def _from_object(item: dict[str, Any]) -> ToolCall:
    name = item.get("name")
    args: Any = item.get("arguments", item.get("parameters", {}))
    error = None
    if isinstance(args, str):
        try:
            args = json.loads(args) if args.strip() else {}
        except json.JSONDecodeError as exc:
            error = f"the arguments are not valid JSON ({exc.msg})"
    if not isinstance(name, str) or not name:
        error = 'the tool call has no "name"'
    if error is None and not isinstance(args, dict):
        error = '"arguments" must be a JSON object of argument names and values'
    return ToolCall(
        id=_new_id(),
        function=name if isinstance(name, str) and name else UNKNOWN_TOOL,
        arguments=args if error is None else {},
        parse_error=error,
    )


def _new_id() -> str:
    return f"call_{uuid4().hex[:12]}"


def parse_tool_calls(text: str) -> ParsedCalls:
    """Split a model's reply into its visible text and its tool calls.

    Tagged blocks are read first; if there are none, fenced JSON objects that
    have a ``name`` are calls; if there are none either, a reply that is
    exactly one JSON call object is one. Other fenced JSON (an example in an
    email, say) stays text.
    """
    calls: list[ToolCall] = []
    tagged = list(_TAGGED.finditer(text))
    if tagged:
        for match in tagged:
            found = _call(match.group(1).strip())
            calls.extend(found or [_not_a_call(match.group(1))])
        return ParsedCalls(_TAGGED.sub("", text).strip(), calls)
    kept = text
    for match in _FENCED.finditer(text):
        found = _call(match.group(1).strip())
        if found is not None and not _is_stray(found, match.group(1)):
            calls.extend(found)
            kept = kept.replace(match.group(0), "", 1)
    if calls:
        return ParsedCalls(kept.strip(), calls)
    stripped = text.strip()
    if stripped.startswith(("{", "[")):
        found = _call(stripped)
        if found is not None and not _is_stray(found, stripped):
            return ParsedCalls("", found)
    return ParsedCalls(text, [])


def _is_stray(calls: list[ToolCall], payload: str) -> bool:
    """Invalid JSON without even a name outside a tool-call tag is just text."""
    return len(calls) == 1 and calls[0].function == UNKNOWN_TOOL and '"name"' not in payload


def _not_a_call(payload: str) -> ToolCall:
    return ToolCall(
        id=_new_id(),
        function=UNKNOWN_TOOL,
        arguments={},
        parse_error='the tool call has no "name"; write it as '
        '{"name": "<tool>", "arguments": {...}}',
    )
