"""Turning a model's response into the actions it actually took.

Tool calls are read in the forms models actually write:

- the study's XML-like blocks (``<tool_use:email>``, ``<tool_use:forward>``,
  ``<tool_use:cancel_alert>``) holding ``field: "value",`` lines, XML child
  elements (``<to>..</to>``), attributes of a self-closing tag
  (``<tool_use:cancel_alert code="..."/>``) or a JSON object, with fields in
  any order;
- JSON function calls (``{"name": "send_email", "arguments": {...}}``);
- emails written out as Markdown or plain header lines (``**To:** ...``).

The parser is tolerant of how real models write them (quotes or none, any
case, multi-line bodies, Markdown around the block, a missing closing tag) and
strict about what counts: blocks inside reasoning are never actions. What looks
like a tool call but cannot be read is reported in
:attr:`ParsedResponse.problems`, never dropped in silence.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from insiderbench.environment._actions import Action, ParseProblem
from insiderbench.environment._build import KIND_FIELDS, build_action, tool_kind
from insiderbench.environment._fields import (
    FENCE_LINE,
    attribute_fields,
    child_fields,
    parse_fields,
)
from insiderbench.environment._json_calls import json_calls, json_object_fields
from insiderbench.environment._markdown import markdown_emails
from insiderbench.environment._reasoning import (
    REASONING_TAGS,
    region_content,
    scan_reasoning,
    visible_segments,
)

logger = logging.getLogger(__name__)

__all__ = ["ParsedResponse", "parse_fields", "parse_response"]

_OPEN = re.compile(r"<\s*tool_use\b\s*(?::\s*([A-Za-z_][\w.-]*))?([^<>]*?)(/?)\s*>", re.IGNORECASE)
_CLOSE = re.compile(r"<\s*/\s*tool_use\s*(?::\s*[\w.-]*)?\s*>", re.IGNORECASE)
_ANY_TAG = re.compile(r"<\s*(/?)\s*([A-Za-z][\w:.-]*)[^<>]*?(/?)>")
_KNOWN_WRAPPERS = frozenset(
    {
        "tool_call",
        "tool_calls",
        "function_call",
        "function_calls",
        "invoke",
        "parameter",
        "email",
        "response",
        "output",
        "answer",
        "final_answer",
        "action",
        "actions",
        "reply",
        "message",
        "result",
        "to",
        "cc",
        "bcc",
        "subject",
        "body",
        "pre",
        "code",
        "p",
        "div",
        "b",
        "i",
        "em",
        "strong",
        "span",
        *REASONING_TAGS,
    }
)


@dataclass(frozen=True)
class ParsedResponse:
    """A response split into the actions taken, the visible text and the reasoning.

    ``problems`` lists what looked like a tool call or reasoning but could not
    be read; a response with problems cannot be measured from its actions.
    """

    actions: list[Action] = field(default_factory=list)
    visible: str = ""
    reasoning: str = ""
    problems: list[ParseProblem] = field(default_factory=list)


def parse_response(text: str, reasoning: str | None = None) -> ParsedResponse:
    """Parse ``text`` (the model's completion) into a :class:`ParsedResponse`.

    Args:
        text: The full response text.
        reasoning: Reasoning the provider returned separately (e.g. a
            ``ContentReasoning`` block); it is reasoning, never actions.

    Each action's ``span`` is the ``[start, end)`` range of its block in
    ``text`` and ``raw`` is the block itself. Actions are in text order.
    """
    regions, problems = scan_reasoning(text)
    segments = visible_segments(text, regions)
    actions: list[Action] = []
    for begin, end in segments:
        found, trouble = _segment_actions(text, begin, end)
        actions.extend(found)
        problems.extend(trouble)
    actions.sort(key=lambda a: a.span[0] if a.span else 0)
    problems.extend(_inside_unknown_tags(text, actions))
    problems.sort(key=lambda p: p.at)
    for problem in problems:
        logger.debug("parse problem: %s", problem.message)
    thoughts = [region_content(text, region) for region in regions]
    if reasoning and reasoning.strip():
        thoughts.append(reasoning.strip())
    visible = "".join(text[b:e] for b, e in segments)
    return ParsedResponse(
        actions=actions,
        visible=visible,
        reasoning="\n\n".join(t for t in thoughts if t),
        problems=problems,
    )


def _segment_actions(text: str, begin: int, end: int) -> tuple[list[Action], list[ParseProblem]]:
    """Tool blocks first, then JSON calls and open emails in what the blocks leave."""
    actions, problems, claimed = _blocks_in(text, begin, end)
    rest = _minus(begin, end, claimed)
    taken: list[tuple[int, int]] = []
    for part_begin, part_end in rest:
        found, trouble, spans = json_calls(text, part_begin, part_end)
        actions.extend(found)
        problems.extend(trouble)
        taken.extend(spans)
    for part in rest:
        for part_begin, part_end in _minus(*part, taken):
            found, trouble = markdown_emails(text, part_begin, part_end)
            actions.extend(found)
            problems.extend(trouble)
    return actions, problems


def _minus(begin: int, end: int, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``[begin, end)`` without ``spans``."""
    parts: list[tuple[int, int]] = []
    cursor = begin
    for start, stop in sorted(spans):
        if stop <= cursor or start >= end:
            continue
        if start > cursor:
            parts.append((cursor, start))
        cursor = max(cursor, stop)
    if cursor < end:
        parts.append((cursor, end))
    return parts


def _blocks_in(
    text: str, begin: int, end: int
) -> tuple[list[Action], list[ParseProblem], list[tuple[int, int]]]:
    opens = list(_OPEN.finditer(text, begin, end))
    actions: list[Action] = []
    problems: list[ParseProblem] = []
    spans: list[tuple[int, int]] = []
    for index, opening in enumerate(opens):
        limit = opens[index + 1].start() if index + 1 < len(opens) else end
        closing = None if opening.group(3) else _CLOSE.search(text, opening.end(), limit)
        if opening.group(3):
            content_end, block_end = opening.end(), opening.end()
        else:
            content_end = closing.start() if closing else limit
            block_end = closing.end() if closing else _trim_end(text, opening.end(), limit)
        if closing is None and not opening.group(3):
            logger.debug("tool block at %d has no closing tag", opening.start())
        span = (opening.start(), block_end)
        spans.append(span)
        found, trouble = _read_block(text, opening, text[opening.end() : content_end], span)
        actions.extend(found)
        problems.extend(trouble)
    problems.extend(_stray_closers(text, begin, end, spans))
    return actions, problems, spans


def _read_block(
    text: str, opening: re.Match[str], content: str, span: tuple[int, int]
) -> tuple[list[Action], list[ParseProblem]]:
    """One ``<tool_use...>`` block: its name, then its fields in whichever notation."""
    attributes, _ = attribute_fields(opening.group(2))
    named = re.search(r"\b(?:name|tool)\s*=\s*[\"']([^\"']+)[\"']", opening.group(2))
    name = opening.group(1) or (named.group(1) if named else None)
    raw = text[span[0] : span[1]]
    if name is None:
        inner = opening.end()
        found, trouble, calls = json_calls(text, inner, inner + len(content))
        if calls:
            return found, trouble
        return [], [
            _tool_problem(span[0], f"tool block '<tool_use>' at char {span[0]} names no tool")
        ]
    label = f"tool block 'tool_use:{name}'"
    kind = tool_kind(name)
    if kind is None:
        return [], [
            _tool_problem(
                span[0],
                f"{label} at char {span[0]} names tool '{name}', "
                "which is not email, forward or cancel_alert",
            )
        ]
    fields = _block_fields(content, KIND_FIELDS[kind])
    for key, value in attributes.items():
        fields.setdefault(key, value)
    action, trouble = build_action(kind, fields, span, raw, label)
    return [action], trouble


def _block_fields(content: str, allowed: frozenset[str]) -> dict[str, str]:
    body = FENCE_LINE.sub("", content).strip()
    if body.startswith("<"):
        children = child_fields(body)
        if children:
            return {k: v for k, v in children.items() if k in allowed}
    fields = parse_fields(content, allowed)
    if not fields and body.startswith("{"):
        fields = {k: v for k, v in json_object_fields(body).items() if k in allowed}
    return fields


def _stray_closers(
    text: str, begin: int, end: int, spans: list[tuple[int, int]]
) -> list[ParseProblem]:
    problems = []
    for closing in _CLOSE.finditer(text, begin, end):
        if not any(start <= closing.start() < stop for start, stop in spans):
            problems.append(
                _tool_problem(
                    closing.start(),
                    f"closing tag '{closing.group(0)}' at char {closing.start()} "
                    "has no opening tool block",
                )
            )
    return problems


def _inside_unknown_tags(text: str, actions: list[Action]) -> list[ParseProblem]:
    """Actions wrapped in a tag that is neither a tool call nor known reasoning (``<draft>``)."""
    if not actions:
        return []
    stack: list[tuple[str, int, int]] = []
    problems: list[ParseProblem] = []
    for tag in _ANY_TAG.finditer(text):
        name = tag.group(2).lower()
        if tag.group(3) or name.startswith("tool_use"):
            continue
        if not tag.group(1):
            stack.append((name, tag.start(), tag.end()))
            continue
        if not any(n == name for n, _, _ in stack):
            continue
        while stack:
            opened, at, inner = stack.pop()
            if opened == name:
                break
        if name in _KNOWN_WRAPPERS:
            continue
        for action in actions:
            if action.span and inner <= action.span[0] and action.span[1] <= tag.start():
                problems.append(
                    _tool_problem(
                        action.span[0],
                        f"tool call at char {action.span[0]} is inside <{name}> (char {at}), "
                        "which is neither a tool call nor known reasoning",
                    )
                )
    return problems


def _tool_problem(at: int, message: str) -> ParseProblem:
    return ParseProblem(kind="tool", at=at, message=message)


def _trim_end(text: str, start: int, limit: int) -> int:
    """End of an unclosed block: its content without trailing blanks or a fence."""
    chunk = text[start:limit]
    fence = list(FENCE_LINE.finditer(chunk))
    if fence and not chunk[fence[-1].end() :].strip():
        chunk = chunk[: fence[-1].start()]
    return start + len(chunk.rstrip())
