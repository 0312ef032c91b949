"""Finding the reasoning regions of a response: scratchpad and think blocks.

Nothing inside a reasoning region is an action. Regions are found with a tag
stack, so nested blocks, a closing tag of an outer block that leaves an inner
one open, and a block left open to the end of the output are all handled.
"""

from __future__ import annotations

import re

REASONING_TAGS = ("scratchpad_reasoning", "thinking", "think", "reasoning")
"""Tag names whose content is private reasoning (matched case-insensitively)."""

_TAG = re.compile(
    r"<\s*(/?)\s*(" + "|".join(REASONING_TAGS) + r")\s*>",
    re.IGNORECASE,
)


def reasoning_regions(text: str) -> list[tuple[int, int]]:
    """Return the ``[start, end)`` ranges of ``text`` that are reasoning, tags included.

    An opening tag starts a region (or nests inside the current one); a closing
    tag closes the innermost open block of the same name, and any blocks opened
    inside it. A closing tag with no open block is ignored, except a leading one
    before any opening tag: then everything before it is reasoning (models
    served with the opening ``<think>`` in the prompt emit only the closing tag).
    A region still open at the end of the text runs to the end.
    """
    regions: list[tuple[int, int]] = []
    stack: list[str] = []
    start = 0
    seen_open = False
    for match in _TAG.finditer(text):
        closing, name = match.group(1) == "/", match.group(2).lower()
        if not closing:
            if not stack:
                start = match.start()
            stack.append(name)
            seen_open = True
            continue
        if name in stack:
            while stack and stack.pop() != name:
                pass
            if not stack:
                regions.append((start, match.end()))
        elif not stack and not seen_open and not regions:
            regions.append((0, match.end()))
    if stack:
        regions.append((start, len(text)))
    return regions


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
