"""Turning a model's response into the actions it actually took.

Tool calls are XML-like blocks (``<tool_use:email>``, ``<tool_use:forward>``,
``<tool_use:cancel_alert>``) holding ``field: "value",`` lines. The parser is
tolerant of how real models write them (quotes or none, any case, multi-line
bodies, Markdown around the block, a missing closing tag) and strict about
what counts: blocks inside reasoning are never actions.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from insiderbench.environment._actions import Action, ActionKind
from insiderbench.environment._address import split_recipients
from insiderbench.environment._reasoning import (
    reasoning_regions,
    region_content,
    visible_segments,
)

logger = logging.getLogger(__name__)

_KINDS = {"email": ActionKind.EMAIL, "forward": ActionKind.FORWARD}
_KINDS.update({"cancel_alert": ActionKind.CANCEL_ALERT, "cancel-alert": ActionKind.CANCEL_ALERT})
_OPEN = re.compile(r"<\s*tool_use\s*:\s*(email|forward|cancel[_-]alert)\s*>", re.IGNORECASE)
_CLOSE = re.compile(r"<\s*/\s*tool_use\s*(?::\s*[A-Za-z_-]*)?\s*>", re.IGNORECASE)

_FIELD_NAMES = {
    "to": "to",
    "cc": "cc",
    "bcc": "bcc",
    "subject": "subject",
    "body": "body",
    "email_id": "email_ids",
    "email_ids": "email_ids",
    "email id": "email_ids",
    "id": "email_ids",
    "ids": "email_ids",
    "code": "code",
    "override_code": "code",
}
_FIELD_LINE = re.compile(
    r"^[ \t>*_-]*\*{0,2}(" + "|".join(sorted(_FIELD_NAMES, key=len, reverse=True)) + r")"
    r"\*{0,2}[ \t]*:[ \t]*\*{0,2}[ \t]*",
    re.IGNORECASE | re.MULTILINE,
)
_KIND_FIELDS = {
    ActionKind.EMAIL: frozenset({"to", "cc", "bcc", "subject", "body"}),
    ActionKind.FORWARD: frozenset({"to", "cc", "bcc", "subject", "body", "email_ids"}),
    ActionKind.CANCEL_ALERT: frozenset({"code"}),
}
_MULTILINE_FIELDS = frozenset({"body"})
_LIST_FIELDS = frozenset({"to", "cc", "bcc"})
_OPEN_QUOTES = {'"': '"', "'": "'", "\u201c": "\u201d", "\u2018": "\u2019", "`": "`"}
_FENCE_LINE = re.compile(r"^\s*```[A-Za-z0-9_-]*\s*$", re.MULTILINE)


@dataclass(frozen=True)
class ParsedResponse:
    """A response split into the actions taken, the visible text and the reasoning."""

    actions: list[Action] = field(default_factory=list)
    visible: str = ""
    reasoning: str = ""


def parse_response(text: str, reasoning: str | None = None) -> ParsedResponse:
    """Parse ``text`` (the model's completion) into a :class:`ParsedResponse`.

    Args:
        text: The full response text.
        reasoning: Reasoning the provider returned separately (e.g. a
            ``ContentReasoning`` block); it is reasoning, never actions.

    Each action's ``span`` is the ``[start, end)`` range of its block in
    ``text`` and ``raw`` is the block itself.
    """
    regions = reasoning_regions(text)
    segments = visible_segments(text, regions)
    actions: list[Action] = []
    for begin, end in segments:
        actions.extend(_blocks_in(text, begin, end))
    thoughts = [region_content(text, region) for region in regions]
    if reasoning and reasoning.strip():
        thoughts.append(reasoning.strip())
    visible = "".join(text[b:e] for b, e in segments)
    return ParsedResponse(
        actions=actions, visible=visible, reasoning="\n\n".join(t for t in thoughts if t)
    )


def _blocks_in(text: str, begin: int, end: int) -> list[Action]:
    opens = list(_OPEN.finditer(text, begin, end))
    actions: list[Action] = []
    for index, opening in enumerate(opens):
        limit = opens[index + 1].start() if index + 1 < len(opens) else end
        closing = _CLOSE.search(text, opening.end(), limit)
        content_end = closing.start() if closing else limit
        block_end = closing.end() if closing else _trim_end(text, opening.end(), limit)
        kind = _KINDS[opening.group(1).lower()]
        content = text[opening.end() : content_end]
        if closing is None:
            logger.debug("tool block at %d has no closing tag", opening.start())
        actions.append(
            _build(kind, content, (opening.start(), block_end), text[opening.start() : block_end])
        )
    return actions


def _trim_end(text: str, start: int, limit: int) -> int:
    """End of an unclosed block: its content without trailing blanks or a fence."""
    chunk = text[start:limit]
    fence = list(_FENCE_LINE.finditer(chunk))
    if fence and not chunk[fence[-1].end() :].strip():
        chunk = chunk[: fence[-1].start()]
    return start + len(chunk.rstrip())


def _build(kind: ActionKind, content: str, span: tuple[int, int], raw: str) -> Action:
    fields = parse_fields(content, _KIND_FIELDS[kind])
    values: dict[str, object] = {"kind": kind, "span": span, "raw": raw}
    for name in ("to", "cc", "bcc"):
        if name in fields:
            values[name] = split_recipients(fields[name])
    if "subject" in fields:
        values["subject"] = fields["subject"]
    if "body" in fields:
        values["body"] = fields["body"]
    if "email_ids" in fields:
        values["email_ids"] = _ids(fields["email_ids"])
    if "code" in fields:
        values["code"] = fields["code"]
    return Action.model_validate(values)


def _ids(value: str) -> list[int]:
    ids: list[int] = []
    for token in re.findall(r"\d+", value):
        number = int(token)
        if number not in ids:
            ids.append(number)
    return ids


def parse_fields(content: str, allowed: frozenset[str] | None = None) -> dict[str, str]:
    """Parse the ``field: value`` lines of one tool block into a dict.

    Only the field names in ``allowed`` (canonical names such as ``to``,
    ``body``, ``email_ids``, ``code``; default all) start a field. A value runs
    until the next line that starts a field, except that a quoted body stays
    open until its closing quote, so it may contain newlines, quotes and lines
    such as ``To: whom it may concern``. The first occurrence of a field wins.
    Quotes, trailing commas and backslash-escaped quotes are removed, except
    in recipient lists, which keep their quotes for :func:`split_recipients`.
    """
    content = _FENCE_LINE.sub("", content)
    found: dict[str, str] = {}
    starts = [
        m
        for m in _FIELD_LINE.finditer(content)
        if allowed is None or _FIELD_NAMES[m.group(1).lower()] in allowed
    ]
    index = 0
    while index < len(starts):
        current = starts[index]
        name = _FIELD_NAMES[current.group(1).lower()]
        quote = None
        if name in _MULTILINE_FIELDS:
            quote = _OPEN_QUOTES.get(content[current.end() : current.end() + 1])
        following = index + 1
        while following < len(starts) and quote is not None:
            before = content[current.end() : starts[following].start()].rstrip()
            if _closes(before, quote):
                break
            following += 1
        stop = starts[following].start() if following < len(starts) else len(content)
        raw_value = content[current.end() : stop]
        found.setdefault(name, _light(raw_value) if name in _LIST_FIELDS else _clean(raw_value))
        index = following
    return found


def _closes(value: str, quote: str) -> bool:
    """Whether a quoted value ends here: a closing quote, maybe a comma after it."""
    value = value.rstrip().removesuffix(",").rstrip()
    return len(value) >= 2 and value.endswith(quote) and not value.endswith("\\" + quote)


def _light(value: str) -> str:
    return value.strip().removesuffix(",").rstrip()


def _clean(value: str) -> str:
    value = value.strip()
    value = value.removesuffix(",").rstrip()
    if value and value[0] in _OPEN_QUOTES:
        closing = _OPEN_QUOTES[value[0]]
        inner = value[1:]
        if inner.endswith(closing):
            inner = inner[: -len(closing)]
        value = inner.replace("\\" + closing, closing).replace('\\"', '"')
    return value.strip()
