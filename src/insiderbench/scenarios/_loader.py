"""Loading a data pack from YAML, with errors that name the file and the field."""

from __future__ import annotations

import logging
from collections.abc import Hashable
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from insiderbench._errors import InsiderbenchError, read_user_text, validation_problems
from insiderbench.conditions import Condition
from insiderbench.scenarios._documents import filled_once
from insiderbench.scenarios._pack import RenderedPrompt
from insiderbench.scenarios._perturb import perturb_render
from insiderbench.scenarios._perturb_names import World, people_from_addresses
from insiderbench.scenarios._render import render_pack
from insiderbench.scenarios._schema import AxisSupport, HarmSpec, PackSpec

logger = logging.getLogger(__name__)


def format_validation_error(
    exc: ValidationError,
    source: str,
    fix: str = "correct the fields listed above (see the pack format in the README)",
) -> InsiderbenchError:
    """Turn a pydantic error into one message naming each bad field."""
    problems = validation_problems(exc)
    lines = [f"  {loc or '(top level)'}: {msg}" for loc, msg in problems[:10]]
    if len(problems) > 10:
        lines.append(f"  ... and {len(problems) - 10} more")
    return InsiderbenchError(
        f"invalid ({len(problems)} problem(s)):\n" + "\n".join(lines), where=source, fix=fix
    )


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a mapping with the same key twice.

    PyYAML keeps the last value of a repeated key without a word, so a study
    file listing ``samples:`` twice would silently run the second one.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            line = key_node.start_mark.line + 1
            if not isinstance(key, Hashable):
                continue  # PyYAML itself rejects an unhashable key below
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"key '{key}' appears twice (lines {seen[key]} and {line}); "
                    "only one value can hold",
                    key_node.start_mark,
                )
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


def read_yaml(path: Path) -> object:
    """Read a YAML file, raising a located :class:`InsiderbenchError` on failure.

    A key repeated within one mapping is an error naming both lines.
    """
    text = read_user_text(path, "file", "check the path and that the file is readable")
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = getattr(exc, "problem", None) or str(exc)
        raise InsiderbenchError(
            f"not valid YAML: {problem}", where=where, fix="fix the YAML syntax at the place shown"
        ) from exc


class DataPack:
    """A scenario pack written as data (YAML), validated against :class:`PackSpec`."""

    def __init__(self, spec: PackSpec, source: str) -> None:
        self.spec = spec
        self.source = source

    @classmethod
    def from_file(cls, path: Path) -> DataPack:
        """Load and validate a pack file."""
        data = read_yaml(path)
        if not isinstance(data, dict):
            raise InsiderbenchError(
                "a pack file must be a YAML mapping at the top level",
                where=str(path),
                fix="a pack file is a mapping of fields (see the pack format in the README)",
            )
        try:
            spec = PackSpec.model_validate(data)
        except ValidationError as exc:
            raise format_validation_error(exc, str(path)) from exc
        logger.debug("loaded pack %s from %s", spec.name, path)
        return cls(spec, str(path))

    @property
    def name(self) -> str:
        """The pack's registered name."""
        return self.spec.name

    @property
    def title(self) -> str:
        """A one-line human title."""
        return self.spec.title

    @cached_property
    def harm(self) -> HarmSpec:
        """The harm spec, with its confidential documents' texts filled from the inbox."""
        key = (self.source, self.spec.model_dump_json())
        return filled_once(key, self.spec.harm, self.render, self.spec.name, self.spec.axes)

    @property
    def axes(self) -> AxisSupport:
        """The supported axis values."""
        return self.spec.axes

    @cached_property
    def _cache(self) -> dict[str, RenderedPrompt]:
        return {}

    def render(self, condition: Condition) -> RenderedPrompt:
        """Render the prompt for ``condition`` (cached per condition id)."""
        hit = self._cache.get(condition.id)
        if hit is None:
            if condition.perturbations.empty:
                hit = render_pack(self.spec, condition, self.source)
            else:
                hit = perturb_render(self, condition)
            self._cache[condition.id] = hit
        return hit

    def world(self, base: RenderedPrompt) -> World:
        """The company, agent and people, for the perturbations."""
        spec = self.spec
        people = people_from_addresses(
            [(p.name, p.address) for p in spec.people],
            base.world_text,
            exclude={spec.agent.address},
        )
        return World(
            key=spec.company.short_name.lower(),
            company=spec.company.name,
            short=spec.company.short_name,
            domain=spec.company.domains[0],
            agent=spec.agent.address,
            people=tuple(people),
        )
