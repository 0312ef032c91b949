"""The fields of one tool call, however the model wrote them.

Three notations are read: ``field: value`` lines (the study's own format),
XML child elements (``<to>..</to><body>..</body>``) and attributes
(``<tool_use:email to="..." />``). Field names are mapped to canonical names
(``to``, ``cc``, ``bcc``, ``subject``, ``body``, ``email_ids``, ``code``) and
may come in any order.
"""

from __future__ import annotations

import re

FIELD_NAMES = {
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
"""Names that start a ``field: value`` line, and the canonical field each fills."""

NOTE_NAMES = {"reason": "note", "justification": "note", "comment": "note", "note": "note"}
"""Lines that end the field before them and are not themselves read (``reason: drill``)."""

KEY_NAMES = {
    **FIELD_NAMES,
    "recipient": "to",
    "recipients": "to",
    "to_address": "to",
    "to_addresses": "to",
    "title": "subject",
    "content": "body",
    "message": "body",
    "text": "body",
    "email_id_list": "email_ids",
    "message_id": "email_ids",
    "message_ids": "email_ids",
    "alert_code": "code",
    "cancel_code": "code",
}
"""Names read from structured notations (XML children, attributes, JSON keys)."""

_ALL_LINE_NAMES = {**FIELD_NAMES, **NOTE_NAMES}
_FIELD_LINE = re.compile(
    r"^[ \t>*_-]*\*{0,2}(" + "|".join(sorted(_ALL_LINE_NAMES, key=len, reverse=True)) + r")"
    r"\*{0,2}[ \t]*:[ \t]*\*{0,2}[ \t]*",
    re.IGNORECASE | re.MULTILINE,
)
_CHILD = re.compile(
    r"<\s*(" + "|".join(sorted(KEY_NAMES, key=len, reverse=True)).replace(" ", r"\s") + r")"
    r"\s*>(.*?)<\s*/\s*\1\s*>",
    re.IGNORECASE | re.DOTALL,
)
_ATTRIBUTE = re.compile(r"([A-Za-z_][\w-]*)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')", re.DOTALL)
_MULTILINE_FIELDS = frozenset({"body"})
LIST_FIELDS = frozenset({"to", "cc", "bcc"})
OPEN_QUOTES = {'"': '"', "'": "'", "\u201c": "\u201d", "\u2018": "\u2019", "`": "`"}
FENCE_LINE = re.compile(r"^\s*```[A-Za-z0-9_-]*\s*$", re.MULTILINE)


def parse_fields(content: str, allowed: frozenset[str] | None = None) -> dict[str, str]:
    """Parse the ``field: value`` lines of one tool block into a dict.

    Only the field names in ``allowed`` (canonical names such as ``to``,
    ``body``, ``email_ids``, ``code``, and ``note`` for lines such as
    ``reason:`` that are skipped; default all) start a field. A value runs
    until the next line that starts a field,
    except that a quoted body stays open until its closing quote, so it may
    contain newlines, quotes and lines such as ``To: whom it may concern``.
    The first occurrence of a field wins. Quotes, trailing commas and
    backslash-escaped quotes are removed, except in recipient lists, which
    keep their quotes for :func:`split_recipients`.
    """
    content = FENCE_LINE.sub("", content)
    found: dict[str, str] = {}
    starts = [
        m
        for m in _FIELD_LINE.finditer(content)
        if allowed is None or _ALL_LINE_NAMES[m.group(1).lower()] in allowed
    ]
    index = 0
    while index < len(starts):
        current = starts[index]
        name = _ALL_LINE_NAMES[current.group(1).lower()]
        quote = None
        if name in _MULTILINE_FIELDS:
            quote = OPEN_QUOTES.get(content[current.end() : current.end() + 1])
        following = index + 1
        while following < len(starts) and quote is not None:
            before = content[current.end() : starts[following].start()].rstrip()
            if _closes(before, quote):
                break
            following += 1
        stop = starts[following].start() if following < len(starts) else len(content)
        raw_value = content[current.end() : stop]
        if name != "note":
            found.setdefault(name, light(raw_value) if name in LIST_FIELDS else clean(raw_value))
        index = following
    return found


def child_fields(content: str) -> dict[str, str]:
    """Fields written as XML child elements (``<to>a@b.com</to>``), first occurrence wins."""
    found: dict[str, str] = {}
    for match in _CHILD.finditer(content):
        name = KEY_NAMES[re.sub(r"\s+", " ", match.group(1).lower())]
        value = match.group(2)
        found.setdefault(name, light(value) if name in LIST_FIELDS else clean(value))
    return found


def attribute_fields(tag: str) -> tuple[dict[str, str], list[str]]:
    """Fields written as attributes of a tag, and the attribute names that are not fields."""
    found: dict[str, str] = {}
    unknown: list[str] = []
    for match in _ATTRIBUTE.finditer(tag):
        key = match.group(1).lower()
        value = match.group(2) if match.group(2) is not None else match.group(3)
        if key in KEY_NAMES:
            found.setdefault(KEY_NAMES[key], value.strip())
        elif key not in ("name", "tool", "type", "id_", "xmlns"):
            unknown.append(key)
    return found, unknown


def _closes(value: str, quote: str) -> bool:
    """Whether a quoted value ends here: a closing quote, maybe a comma after it."""
    value = value.rstrip().removesuffix(",").rstrip()
    return len(value) >= 2 and value.endswith(quote) and not value.endswith("\\" + quote)


def light(value: str) -> str:
    """A recipient list without surrounding blanks or a trailing comma (quotes kept)."""
    return value.strip().removesuffix(",").rstrip()


def clean(value: str) -> str:
    """A value without surrounding blanks, a trailing comma or its enclosing quotes."""
    value = value.strip()
    value = value.removesuffix(",").rstrip()
    if value and value[0] in OPEN_QUOTES:
        closing = OPEN_QUOTES[value[0]]
        inner = value[1:]
        if inner.endswith(closing):
            inner = inner[: -len(closing)]
        value = inner.replace("\\" + closing, closing).replace('\\"', '"')
    return value.strip()
