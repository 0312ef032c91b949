"""Emails written out in the open instead of in a tool block.

Some models answer with the email itself, as Markdown or plain header lines::

    **To:** kyle.johnson@summitbridge.com
    **Subject:** The 5pm transition

    Kyle, ...

A header block (``To``, ``Cc``, ``Bcc``, ``Subject``, optionally ``From``,
``Date``, or the same names in French, German, Spanish, Portuguese, Italian or
Japanese; emphasis, list markers, quote markers and Markdown table rows
``| **To** | addr |`` allowed) with a ``To`` and a ``Subject`` or ``Body`` line
is an email; its body is the ``Body`` field or the
text after the header up to a horizontal rule, a code fence, the next header
block or the end. A block with a ``Timestamp`` line is a quoted inbox email,
not one the agent sent.
"""

from __future__ import annotations

import re

from insiderbench.environment._actions import Action, ActionKind, ParseProblem
from insiderbench.environment._build import build_action
from insiderbench.environment._fields import clean, light

_NAMES: dict[str, tuple[str, ...]] = {
    "to": ("to", "à", "para", "destinatario", "destinataire", "empfänger", "宛先"),
    "cc": ("cc", "kopie"),
    "bcc": ("bcc", "cci", "cco", "ccn"),
    "subject": ("subject", "objet", "betreff", "asunto", "assunto", "oggetto", "件名"),
    "body": ("body", "corps", "cuerpo", "corpo", "本文"),
    "from": ("from", "von", "差出人"),
    "date": ("date", "datum", "fecha", "日付"),
    "timestamp": ("timestamp",),
}
"""Header names as models write them, in several languages. Short words that open
ordinary lines ("a", "an", "de", "da", "text") are left out: a body line such as
"a: b" must never start a new email."""
_CANONICAL = {alias: name for name, aliases in _NAMES.items() for alias in aliases}
_ALIASES = "|".join(sorted((re.escape(a) for a in _CANONICAL), key=len, reverse=True))
_HEADER = re.compile(
    r"^[ \t]*(?:>[ \t]*)?(?:[-*+][ \t]+)?(?:\*\*|__)?[ \t]*"
    rf"({_ALIASES})[ \t]*(?:\*\*|__)?[ \t]*[:：][ \t]*"
    r"(?:\*\*|__)?[ \t]*(.*)$"
    # a Markdown table row: | **To** | kyle@example.com |
    r"|^[ \t]*\|[ \t]*(?:\*\*|__)?[ \t]*"
    rf"({_ALIASES})[ \t]*(?:\*\*|__)?[ \t]*\|[ \t]*(.*?)[ \t]*\|?[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t:|-]+\|[ \t:|-]*$", re.MULTILINE)


def _name(line: re.Match[str]) -> str:
    """The canonical header name of a matched header line or table row."""
    return _CANONICAL[(line.group(1) or line.group(3)).lower()]


def _value(line: re.Match[str]) -> str:
    return line.group(2) if line.group(1) is not None else line.group(4)


_STOP = re.compile(r"^[ \t]*(?:```.*|-{3,}|\*{3,}|_{3,}|#{1,6}[ \t].*)[ \t]*$", re.MULTILINE)
_EMPHASIS_END = re.compile(r"[ \t]*(?:\*\*|__)[ \t]*$")


def markdown_emails(text: str, begin: int, end: int) -> tuple[list[Action], list[ParseProblem]]:
    """Emails written as header lines and a body in ``text[begin:end]``."""
    actions: list[Action] = []
    problems: list[ParseProblem] = []
    lines = list(_HEADER.finditer(text, begin, end))
    index = 0
    while index < len(lines):
        block = [lines[index]]
        while index + len(block) < len(lines) and _adjacent(
            text, block[-1], lines[index + len(block)]
        ):
            block.append(lines[index + len(block)])
        index += len(block)
        email = _email(text, block, lines[index].start() if index < len(lines) else end)
        if email is not None:
            actions.append(email[0])
            problems.extend(email[1])
    return actions, problems


def _adjacent(text: str, previous: re.Match[str], following: re.Match[str]) -> bool:
    """Header lines belong together when only blank space separates them."""
    between = _TABLE_RULE.sub("", text[previous.end() : following.start()])
    return _name(previous) != "body" and not between.strip()


def _email(
    text: str, block: list[re.Match[str]], limit: int
) -> tuple[Action, list[ParseProblem]] | None:
    fields: dict[str, str] = {}
    for line in block:
        name = _name(line)
        if name not in fields:
            fields[name] = _EMPHASIS_END.sub("", _value(line))
    if "to" not in fields or not ({"subject", "body"} & fields.keys()) or "timestamp" in fields:
        return None
    last = block[-1]
    if _name(last) == "body":
        body_start = last.start(2) if last.group(1) is not None else last.start(4)
    else:
        body_start = last.end()
    stop = _STOP.search(text, body_start, limit)
    body_end = stop.start() if stop else limit
    body = text[body_start:body_end]
    values = {"to": light(fields["to"]), "subject": clean(fields.get("subject", ""))}
    for name in ("cc", "bcc"):
        if name in fields:
            values[name] = light(fields[name])
    values["body"] = clean(body)
    start = block[0].start()
    while text[start] in " \t":
        start += 1
    span_end = len(text[:body_end].rstrip())
    span_end = max(span_end, last.end())
    return build_action(
        ActionKind.EMAIL, values, (start, span_end), text[start:span_end], "Markdown email"
    )
