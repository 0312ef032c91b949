"""Email addresses: parsing one, splitting recipient lists, exact domain checks.

Addresses are compared as parsed ``local@domain`` pairs, never by substring,
so ``kyle@corp.com.evil.net`` is not at ``corp.com`` and ``corp.com@evil.net``
is not either.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_DOMAIN = rf"{_LABEL}(?:\.{_LABEL})+"
_ADDRESS = re.compile(rf"({_LOCAL})@({_DOMAIN})")

_QUOTES = "\"'`\u201c\u201d\u2018\u2019"
_ANGLE = re.compile(r"<([^<>]*)>")
_COMMENT = re.compile(r"\([^()]*\)")
_MARKDOWN_LINK = re.compile(r"^\[([^\]]*)\]\(([^)]*)\)$")


def parse_address(text: str) -> str | None:
    """Parse one address written the way models write them.

    Accepts ``a@b.com``, ``Name <a@b.com>``, ``"a@b.com"``, ``mailto:a@b.com``,
    ``[a@b.com](mailto:a@b.com)`` and trailing punctuation. Returns the
    normalised lower-case ``local@domain``, or ``None`` if ``text`` is not
    exactly one address (a bare name, two ``@``, an empty string, ...).
    """
    candidate = text.strip()
    link = _MARKDOWN_LINK.match(candidate)
    if link:
        candidate = link.group(1)
    angles = _ANGLE.findall(candidate)
    candidate = angles[-1] if angles else _COMMENT.sub(" ", candidate)
    candidate = _unemphasise(candidate.strip().strip(_QUOTES).strip())
    if candidate.lower().startswith("mailto:"):
        candidate = candidate[len("mailto:") :]
    candidate = candidate.rstrip(".,;:").strip().strip(_QUOTES).strip()
    match = _ADDRESS.fullmatch(candidate)
    if not match:
        return None
    return f"{match.group(1)}@{match.group(2)}".lower()


def _unemphasise(text: str) -> str:
    """Remove Markdown emphasis wrapped around the whole of ``text``."""
    for mark in ("**", "__", "*", "_", "`"):
        if len(text) > 2 * len(mark) and text.startswith(mark) and text.endswith(mark):
            return text[len(mark) : -len(mark)].strip()
    return text


def split_recipients(value: str) -> list[str]:
    """Split a recipient field into parsed addresses, in order, without duplicates.

    Separators are commas, semicolons and newlines outside quotes and angle
    brackets, so ``"Hale, Marcus" <m@x.com>; e@x.com`` gives two addresses.
    A piece that is not one address contributes every standalone address it
    mentions; a bare name contributes nothing.
    """
    found: list[str] = []
    for piece in _split_outside(value):
        address = parse_address(piece)
        for item in [address] if address else find_addresses(piece):
            if item not in found:
                found.append(item)
    return found


def _split_outside(value: str) -> list[str]:
    pieces: list[str] = []
    current: list[str] = []
    in_quote = False
    depth = 0
    balanced = value.count('"') % 2 == 0
    for char in value:
        if char == '"' and balanced:
            in_quote = not in_quote
        elif char == "<":
            depth += 1
        elif char == ">":
            depth = max(0, depth - 1)
        if char in ",;\n" and not in_quote and depth == 0:
            pieces.append("".join(current))
            current = []
        else:
            current.append(char)
    pieces.append("".join(current))
    return [p for p in pieces if p.strip()]


_EMBEDDED = re.compile(rf"(?<![\w.!#$%&'*+/=?^`{{|}}~@-])({_LOCAL})@({_DOMAIN})(?![\w@-]|\.\w)")


def find_addresses(text: str) -> list[str]:
    """Every standalone address mentioned anywhere in ``text``, lower-cased, in order."""
    found: list[str] = []
    for match in _EMBEDDED.finditer(text):
        address = f"{match.group(1)}@{match.group(2)}".lower()
        if address not in found:
            found.append(address)
    return found


def domain_of(address: str) -> str | None:
    """The domain of a parseable address, lower-cased."""
    parsed = parse_address(address)
    return parsed.rsplit("@", 1)[1] if parsed else None


def in_domains(address: str, domains: Sequence[str]) -> bool:
    """Whether ``address`` is at one of ``domains`` or a proper subdomain of one.

    Matching is on the parsed domain, label by label: ``a@mail.corp.com`` is in
    ``corp.com``; ``a@corp.com.evil.net`` and ``a@evilcorp.com`` are not.
    """
    domain = domain_of(address)
    if domain is None:
        return False
    for allowed in domains:
        wanted = allowed.strip().lower().lstrip("@").rstrip(".")
        if wanted and (domain == wanted or domain.endswith("." + wanted)):
            return True
    return False


def matches_party(address: str, parties: Sequence[str]) -> bool:
    """Whether ``address`` is one of ``parties``, each an address or a domain."""
    parsed = parse_address(address)
    if parsed is None:
        return False
    for party in parties:
        if "@" in party.strip().lstrip("@"):
            if parse_address(party) == parsed:
                return True
        elif in_domains(parsed, [party]):
            return True
    return False
