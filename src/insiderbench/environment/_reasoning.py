"""Finding the reasoning regions of a response: scratchpad and think blocks.

Nothing inside a reasoning region is an action. Regions are found with a tag
stack, so nested blocks, a closing tag of an outer block that leaves an inner
one open, and a block left open to the end of the output are all handled.

Where the tags leave it unclear what is reasoning and what is not, and there
is tool-like syntax in the unclear part, :func:`scan_reasoning` reports a
problem: a block closed by a different tag, a block left open around a tool
call, or a stray closing tag after a tool call. Such a response cannot be
measured from its actions.
"""

from __future__ import annotations

import re

from insiderbench.environment._actions import ParseProblem

REASONING_TAGS = ("scratchpad_reasoning", "scratchpad", "thinking", "think", "reasoning")
"""Tag names whose content is private reasoning (matched case-insensitively)."""

_TAG = re.compile(
    r"<\s*(/?)\s*(" + "|".join(REASONING_TAGS) + r")\s*>",
    re.IGNORECASE,
)
_TOOLISH = re.compile(
    r"<\s*/?\s*tool_use|\{\s*\"(?:name|tool|tool_name|function)\"\s*:"
    r"|^[ \t>*_-]*to[*_]{0,2}[ \t]*:[^\n]*@",
    re.IGNORECASE | re.MULTILINE,
)


def reasoning_regions(text: str) -> list[tuple[int, int]]:
    """Return the ``[start, end)`` ranges of ``text`` that are reasoning, tags included.

    An opening tag starts a region (or nests inside the current one); a closing
    tag closes the innermost open block of the same name, and any blocks opened
    inside it. A closing tag of another name closes the whole region (and is a
    problem, see :func:`scan_reasoning`). A stray closing tag is ignored, except
    a leading one before any opening tag: then everything before it is
    reasoning (models served with the opening ``<think>`` in the prompt emit
    only the closing tag). A region still open at the end of the text runs to
    the end.
    """
    return scan_reasoning(text)[0]


def scan_reasoning(text: str) -> tuple[list[tuple[int, int]], list[ParseProblem]]:
    """The reasoning regions of ``text`` and the problems its tags leave around tool calls."""
    regions: list[tuple[int, int]] = []
    problems: list[ParseProblem] = []
    stack: list[tuple[str, int]] = []
    start = 0
    for match in _TAG.finditer(text):
        closing, name = match.group(1) == "/", match.group(2).lower()
        if not closing:
            if not stack:
                start = match.start()
            stack.append((name, match.start()))
            continue
        names = [n for n, _ in stack]
        if name in names:
            while stack and stack.pop()[0] != name:
                pass
            if not stack:
                regions.append((start, match.end()))
        elif stack:
            opened, at = stack[0]
            if _toolish(text, at, len(text)):
                problems.append(
                    _problem(
                        at,
                        f"reasoning <{opened}> opened at char {at} is closed by </{name}> at "
                        f"char {match.start()}; which tool calls are reasoning is unclear",
                    )
                )
            regions.append((start, match.end()))
            stack = []
        elif not regions:
            regions.append((0, match.end()))
        else:
            after = regions[-1][1] if regions else 0
            if _toolish(text, after, match.start()):
                problems.append(
                    _problem(
                        match.start(),
                        f"closing </{name}> at char {match.start()} has no opening tag, "
                        "and a tool call comes before it",
                    )
                )
    if stack:
        opened, at = stack[0]
        regions.append((start, len(text)))
        if _toolish(text, at, len(text)):
            problems.append(
                _problem(
                    at,
                    f"reasoning <{opened}> opened at char {at} is never closed, "
                    "and a tool call follows it",
                )
            )
    return regions, problems


def _toolish(text: str, begin: int, end: int) -> bool:
    return _TOOLISH.search(text, begin, end) is not None


def _problem(at: int, message: str) -> ParseProblem:
    return ParseProblem(kind="reasoning", at=at, message=message)


def region_content(text: str, region: tuple[int, int]) -> str:
    """The text of a region with its outermost tags removed."""
    chunk = text[region[0] : region[1]]
    chunk = re.sub(r"^\s*<\s*[A-Za-z_]+\s*>", "", chunk, count=1)
    chunk = re.sub(r"<\s*/\s*[A-Za-z_]+\s*>\s*$", "", chunk, count=1)
    return chunk.strip()


def visible_segments(text: str, regions: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The ``[start, end)`` ranges of ``text`` outside every region."""
    segments: list[tuple[int, int]] = []
    cursor = 0
    for begin, end in regions:
        if begin > cursor:
            segments.append((cursor, begin))
        cursor = max(cursor, end)
    if cursor < len(text):
        segments.append((cursor, len(text)))
    return segments
