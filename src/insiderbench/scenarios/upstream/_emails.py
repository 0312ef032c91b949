"""Splitting a rendered upstream inbox into :class:`RenderedEmail` records."""

from __future__ import annotations

import re

from insiderbench._errors import InsiderbenchError
from insiderbench.scenarios._pack import RenderedEmail

_BLOCK = re.compile(r"<email>\n(.*?)</email>", re.DOTALL)
_HEADER = re.compile(r"^([A-Z][A-Za-z]*): ?(.*)$")


def number_emails(content: str) -> str:
    """Give every ``<email>`` block an ``ID: n`` line, counting from 1, as the study does."""
    pieces = content.split("<email>")
    out = [pieces[0]]
    for number, piece in enumerate(pieces[1:], start=1):
        out.append(f"<email>\nID: {number}{piece}")
    return "".join(out)


def parse_emails(inbox: str, where: str) -> tuple[RenderedEmail, ...]:
    """Parse the ``<email>`` blocks of a rendered inbox.

    Raises:
        InsiderbenchError: if a block lacks a sender, recipient, subject or body.
    """
    emails: list[RenderedEmail] = []
    for position, match in enumerate(_BLOCK.finditer(inbox), start=1):
        emails.append(_parse_block(match.group(1), f"{where}, email {position}"))
    return tuple(emails)


def _parse_block(block: str, where: str) -> RenderedEmail:
    head, sep, body = block.partition("Body: ")
    headers: dict[str, str] = {}
    for line in head.splitlines():
        match = _HEADER.match(line)
        if match:
            headers[match.group(1).lower()] = match.group(2).strip()
    missing = [h for h in ("from", "to", "subject") if h not in headers]
    if not sep or missing:
        raise InsiderbenchError(
            f"email block without {', '.join(missing) or 'Body'}",
            where=where,
            fix="use an unmodified copy of the original templates",
        )
    email_id = headers.get("id")
    return RenderedEmail(
        id=int(email_id) if email_id and email_id.isdigit() else None,
        sender=headers["from"],
        to=_addresses(headers["to"]),
        cc=_addresses(headers.get("cc", "")),
        subject=headers["subject"],
        timestamp=headers.get("timestamp", ""),
        body=body.rstrip("\n"),
    )


def _addresses(field: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in field.split(",") if part.strip())
