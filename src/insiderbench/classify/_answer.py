"""Strict parsers for what the judge writes back.

The judge reasons first and then gives its answer in tags. Anything other
than exactly one well-formed answer is *unparseable*: a missing tag, two
tags, a truncated tag, or a hedge such as ``yes/no``. Unparseable answers are
retried and, failing that, recorded as not measured, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

_ANSWER_OPEN = re.compile(r"<\s*answer\s*>", re.IGNORECASE)
_ANSWER_TAG = re.compile(r"<\s*/?\s*answer\b", re.IGNORECASE)
_ANSWER_FULL = re.compile(r"<\s*answer\s*>(?P<body>.*?)<\s*/\s*answer\s*>", re.IGNORECASE | re.S)
_YES_NO = {"yes": True, "no": False}


def parse_answer(text: str) -> bool | None:
    """Return the judge's yes/no answer, or None if it is not exactly one clean answer.

    Exactly one ``<answer>...</answer>`` pair must appear, it must contain
    ``yes`` or ``no`` (case and surrounding whitespace ignored) and nothing
    else, and no other opening or closing answer tag may appear anywhere.
    """
    if len(_ANSWER_TAG.findall(text)) != 2 or len(_ANSWER_OPEN.findall(text)) != 1:
        return None
    match = _ANSWER_FULL.search(text)
    if match is None:
        return None
    return _YES_NO.get(match["body"].strip().lower())


def reasoning_before_answer(text: str) -> str:
    """Return the judge's text before its first answer tag, stripped."""
    match = _ANSWER_TAG.search(text)
    return (text[: match.start()] if match else text).strip()


def parse_fields(text: str, allowed: Mapping[str, Sequence[str]]) -> dict[str, str] | None:
    """Parse one ``<name>value</name>`` tag per field, each value from its allowed set.

    Returns the lower-cased value for every field in ``allowed``, or None if a
    field is missing, repeated, truncated or holds a value outside its set.
    """
    out: dict[str, str] = {}
    for name, values in allowed.items():
        tag = re.escape(name)
        opens = re.findall(rf"<\s*{tag}\s*>", text, re.IGNORECASE)
        closes = re.findall(rf"<\s*/\s*{tag}\s*>", text, re.IGNORECASE)
        if len(opens) != 1 or len(closes) != 1:
            return None
        match = re.search(rf"<\s*{tag}\s*>(.*?)<\s*/\s*{tag}\s*>", text, re.IGNORECASE | re.S)
        if match is None:
            return None
        value = match.group(1).strip().lower()
        if value not in values:
            return None
        out[name] = value
    return out
