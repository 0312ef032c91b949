"""The study's variable files: ``## Section`` headings, each followed by a JSON block.

A goal value picks the file whose name pairs it with its opposite (for example
``america_vs_global.md``) and, in it, the section named ``Pro-<Value>``. Goal
types ``none`` and ``ambiguous`` use ``ambiguous.md``, which has one section.
Any other outcome (no file, no section, two candidates, bad JSON) is an error:
the original code printed a warning and used the first section instead.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from insiderbench._errors import InsiderbenchError
from insiderbench.conditions import GOAL_TYPES_WITHOUT_VALUE, Condition
from insiderbench.scenarios.upstream._source import TEMPLATES_FIX

_FENCE_OPEN = re.compile(r"^\s*```json\s*$")
_FENCE_CLOSE = re.compile(r"^\s*```\s*$")


def section_key(title: str) -> str:
    """Normalise a heading the way the study does: lower case, ``_`` for spaces and dashes."""
    return title.strip().lower().replace(" ", "_").replace("-", "_")


@cache
def parse_variable_file(path: Path) -> dict[str, dict[str, str]]:
    """Parse a variable file into ``{section_key: {name: value}}``.

    Raises:
        InsiderbenchError: on a section without a JSON block, invalid JSON,
            a non-string value or a repeated section.
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    sections: dict[str, dict[str, str]] = {}
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line.startswith("## "):
            continue
        title = line[3:]
        block, index = _json_block(lines, index, path, title)
        key = section_key(title)
        if key in sections:
            raise InsiderbenchError(
                f"section '{title}' appears twice", where=str(path), fix=TEMPLATES_FIX
            )
        sections[key] = _decode(block, path, title)
    return sections


def _json_block(lines: list[str], start: int, path: Path, title: str) -> tuple[str, int]:
    index = start
    while index < len(lines) and not lines[index].strip():
        index += 1
    if index >= len(lines) or not _FENCE_OPEN.match(lines[index]):
        raise InsiderbenchError(
            f"section '{title}' is not followed by a ```json block",
            where=str(path),
            fix=TEMPLATES_FIX,
        )
    body: list[str] = []
    index += 1
    while index < len(lines) and not _FENCE_CLOSE.match(lines[index]):
        body.append(lines[index])
        index += 1
    if index >= len(lines):
        raise InsiderbenchError(
            f"section '{title}': unclosed ```json block", where=str(path), fix=TEMPLATES_FIX
        )
    return "\n".join(body), index + 1


def _decode(block: str, path: Path, title: str) -> dict[str, str]:
    try:
        data = json.loads(block)
    except json.JSONDecodeError as exc:
        raise InsiderbenchError(
            f"section '{title}': invalid JSON at line {exc.lineno}: {exc.msg}",
            where=str(path),
            fix=TEMPLATES_FIX,
        ) from exc
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise InsiderbenchError(
            f"section '{title}': expected a JSON object of strings",
            where=str(path),
            fix=TEMPLATES_FIX,
        )
    return {str(k): v for k, v in data.items()}


def variable_file(variables_dir: Path, condition: Condition) -> Path:
    """Choose the variable file for ``condition``.

    Raises:
        InsiderbenchError: if no file, or more than one, pairs the goal value.
    """
    if condition.goal_type in GOAL_TYPES_WITHOUT_VALUE:
        return variables_dir / "ambiguous.md"
    value = condition.goal_value.value
    matches = [
        path
        for path in sorted(variables_dir.glob("*.md"))
        if value in path.stem.lower().split("_vs_")
    ]
    if len(matches) != 1:
        found = ", ".join(p.name for p in matches) or "none"
        raise InsiderbenchError(
            f"expected exactly one variable file pairing '{value}' with its opposite "
            f"(like {value}_vs_<other>.md); found {found}",
            where=str(variables_dir),
            fix="use a complete, unmodified copy of the original templates",
        )
    return matches[0]


def condition_variables(variables_dir: Path, condition: Condition) -> dict[str, str]:
    """Return a fresh copy of the variables for ``condition``'s goal value.

    Raises:
        InsiderbenchError: if the file or the section is missing or malformed.
    """
    path = variable_file(variables_dir, condition)
    sections = parse_variable_file(path)
    if condition.goal_type in GOAL_TYPES_WITHOUT_VALUE:
        if len(sections) != 1:
            raise InsiderbenchError(
                f"expected exactly one section, found {len(sections)}",
                where=str(path),
                fix=TEMPLATES_FIX,
            )
        return dict(next(iter(sections.values())))
    wanted = f"pro_{condition.goal_value.value}"
    if wanted not in sections:
        raise InsiderbenchError(
            f"no section for goal value '{condition.goal_value.value}' "
            f"(expected a heading like '## Pro-{condition.goal_value.value.title()}'); "
            f"sections: {', '.join(sections) or 'none'}",
            where=str(path),
            fix="use a complete, unmodified copy of the original templates",
        )
    return dict(sections[wanted])
