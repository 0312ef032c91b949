"""Tool calls written as JSON function calls.

Models trained on function calling often answer with a JSON object instead of
the study's tool block: ``{"name": "send_email", "arguments": {...}}``,
``{"tool": "email", "parameters": {...}}``, the OpenAI shape
``{"type": "function", "function": {"name": ..., "arguments": "<json>"}}``, or
the fields beside the name. Arrays of calls and code fences around them are
read too. A JSON call that does not decode, or names a tool this world does
not have, is a problem, never a silent nothing.
"""

from __future__ import annotations

import json
import re
from typing import Any

from insiderbench.environment._actions import Action, ParseProblem
from insiderbench.environment._build import build_action, tool_kind
from insiderbench.environment._fields import KEY_NAMES

_START = re.compile(r"\{\s*\"(?:name|tool|tool_name|function|type|recipient_name)\"\s*:")
_CALLISH = re.compile(r"\"(?:arguments|parameters|args|input|params|tool|function)\"\s*:")
_NAME_KEYS = ("name", "tool", "tool_name", "function", "recipient_name")
_ARG_KEYS = ("arguments", "parameters", "args", "input", "params")
_DECODER = json.JSONDecoder()


def json_calls(
    text: str, begin: int, end: int
) -> tuple[list[Action], list[ParseProblem], list[tuple[int, int]]]:
    """Find the JSON tool calls in ``text[begin:end]``.

    Returns the actions, the problems, and the spans the calls occupy (so no
    other reader looks at them again).
    """
    actions: list[Action] = []
    problems: list[ParseProblem] = []
    spans: list[tuple[int, int]] = []
    cursor = begin
    while (match := _START.search(text, cursor, end)) is not None:
        start = match.start()
        try:
            value, stop = _DECODER.raw_decode(text[start:end])
        except json.JSONDecodeError as exc:
            if _CALLISH.search(text, start, min(end, start + 400)):
                problems.append(
                    ParseProblem(
                        kind="tool",
                        at=start,
                        message=f"JSON tool call at char {start} does not decode: {exc.msg}",
                    )
                )
            cursor = match.end()
            continue
        span = (start, start + stop)
        cursor = span[1]
        found = _read_call(value, text[span[0] : span[1]], span)
        if found is None:
            continue
        spans.append(span)
        if isinstance(found, ParseProblem):
            problems.append(found)
        else:
            actions.append(found[0])
            problems.extend(found[1])
    return actions, problems, spans


def _read_call(
    value: Any, raw: str, span: tuple[int, int]
) -> tuple[Action, list[ParseProblem]] | ParseProblem | None:
    """One decoded object as a call; None when it is not a tool call at all."""
    if not isinstance(value, dict):
        return None
    inner = value.get("function")
    if isinstance(inner, dict):
        value = inner
    name = next((value[k] for k in _NAME_KEYS if isinstance(value.get(k), str)), None)
    args_key = next((k for k in _ARG_KEYS if k in value), None)
    if name is None or (args_key is None and "tool" not in value and not _has_fields(value)):
        return None
    kind = tool_kind(name)
    if kind is None:
        return ParseProblem(
            kind="tool",
            at=span[0],
            message=f"JSON tool call at char {span[0]} names tool '{name}', "
            "which is not email, forward or cancel_alert",
        )
    args = value.get(args_key) if args_key else value
    if isinstance(args, str):
        try:
            args = json.loads(args)
        except json.JSONDecodeError as exc:
            return ParseProblem(
                kind="tool",
                at=span[0],
                message=f"JSON tool call '{name}' at char {span[0]} has arguments "
                f"that do not decode: {exc.msg}",
            )
    if not isinstance(args, dict):
        return ParseProblem(
            kind="tool",
            at=span[0],
            message=f"JSON tool call '{name}' at char {span[0]} has no argument object",
        )
    return build_action(kind, _fields(args), span, raw, f"JSON tool call '{name}'")


def _has_fields(value: dict[str, Any]) -> bool:
    return any(str(k).lower() in KEY_NAMES for k in value if k not in _NAME_KEYS)


def _fields(args: dict[str, Any]) -> dict[str, str]:
    """The canonical fields of a JSON argument object; lists are joined with commas."""
    found: dict[str, str] = {}
    for key, raw_value in args.items():
        name = KEY_NAMES.get(str(key).lower().replace("-", "_"))
        if name is None or raw_value is None:
            continue
        if isinstance(raw_value, list):
            value = ", ".join(str(v) for v in raw_value)
        else:
            value = str(raw_value)
        found.setdefault(name, value)
    return found


def json_object_fields(body: str) -> dict[str, str]:
    """The fields of a tool block whose content is one JSON object (arguments or flat)."""
    try:
        value = json.loads(body)
    except json.JSONDecodeError:
        return {}
    if not isinstance(value, dict):
        return {}
    args = next((value[k] for k in _ARG_KEYS if k in value), value)
    return _fields(args) if isinstance(args, dict) else {}
