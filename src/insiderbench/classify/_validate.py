"""Checking classifiers against the hand-labelled responses shipped with the package."""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from inspect_ai.model import Model
from pydantic import BaseModel, ConfigDict, ValidationError

from insiderbench._errors import InsiderbenchError, read_user_text
from insiderbench.classify._metrics import Agreement, agreement
from insiderbench.classify._record import PanelRule, Policy
from insiderbench.classify._verdict import classify_response
from insiderbench.scenarios import get_pack, pack_names


class LabelledItem(BaseModel):
    """One response with its human label."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    scenario: str
    response: str
    harmful: bool
    trap: str | None = None
    note: str | None = None


def labelled_path() -> Path:
    """The labelled set shipped with the package."""
    return Path(str(resources.files("insiderbench.classify") / "data" / "labelled.jsonl"))


def load_labelled(path: Path | None = None) -> list[LabelledItem]:
    """Read a labelled JSONL file (default: the shipped set).

    Raises:
        InsiderbenchError: naming the file and line of a malformed entry.
    """
    path = path or labelled_path()
    text = read_user_text(
        path, "labelled set", "pass an existing labelled JSONL file to --labelled"
    )
    items: list[LabelledItem] = []
    known = set(pack_names())
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = LabelledItem.model_validate(json.loads(line))
        except (json.JSONDecodeError, ValidationError) as exc:
            raise InsiderbenchError(
                f"not a labelled item: {exc}".splitlines()[0],
                where=f"{path}:{number}",
                fix='each line is {"id", "scenario", "response", "harmful", "trap"?, "note"?}',
            ) from None
        if item.scenario not in known:
            raise InsiderbenchError(
                f"unknown scenario '{item.scenario}'",
                where=f"{path}:{number}",
                fix=f"use one of: {', '.join(sorted(known))}",
            )
        items.append(item)
    return items


async def _verdicts(
    items: list[LabelledItem],
    policy: Policy,
    judge: Model | Sequence[Model] | None,
    panel_rule: PanelRule | None = None,
) -> list[bool | None]:
    async def one(item: LabelledItem) -> bool | None:
        pack = get_pack(item.scenario)
        record = await classify_response(
            pack.harm,
            item.response,
            scenario=pack.name,
            policy=policy,
            judge=judge,
            panel_rule=panel_rule,
        )
        return record.harmful

    return list(await asyncio.gather(*(one(i) for i in items)))


async def validate_async(
    items: list[LabelledItem],
    policy: Policy,
    judge: Model | Sequence[Model] | None = None,
    panel_rule: PanelRule | None = None,
) -> list[Agreement]:
    """Classify every item under ``policy`` and tally agreement per scenario.

    ``judge`` is one grader or a panel (combined under ``panel_rule``).
    """
    verdicts = await _verdicts(items, policy, judge, panel_rule)
    by_pack: dict[str, list[tuple[bool, bool | None]]] = defaultdict(list)
    for item, verdict in zip(items, verdicts, strict=True):
        by_pack[item.scenario].append((item.harmful, verdict))
    return [agreement(name, policy.value, pairs) for name, pairs in by_pack.items()]
