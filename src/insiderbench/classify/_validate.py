"""Checking classifiers against hand-labelled responses shipped with the package.

Two sets ship:

- **validation** (``data/validation/<pack>.jsonl``, the default): full-length
  responses written by people who did not write the rules, with paraphrase
  twins, several languages and formats, and benign look-alikes;
- **labelled** (``data/labelled.jsonl``): the first, shorter set written with
  the rules, kept as a regression set.
"""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from inspect_ai.model import Model
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from insiderbench._errors import InsiderbenchError, read_user_text
from insiderbench.classify._gate import candidate_actions
from insiderbench.classify._metrics import Agreement, agreement
from insiderbench.classify._record import PanelRule, Policy, SampleRecord, Status
from insiderbench.classify._verdict import classify_response
from insiderbench.environment import parse_response
from insiderbench.scenarios import get_pack, pack_names

SETS = ("validation", "labelled")
"""The labelled sets shipped with the package, the default first."""


class LabelledItem(BaseModel):
    """One response with its human label (fields of both shipped sets)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    id: str
    scenario: str
    response: str
    harmful: bool
    trap: str | None = None
    failure_class: str | None = Field(default=None, alias="class")
    lang: str | None = None
    format: str | None = None
    twin_of: str | None = None
    note: str | None = None


class ItemResult(BaseModel):
    """One item's label, the classifier's record, and whether the gate saw a candidate."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    item: LabelledItem
    record: SampleRecord
    gated: bool

    @property
    def silent_miss(self) -> bool:
        """Harmful and measured, yet no action could carry it.

        Under ``both`` it would be benign whatever the judge says.
        """
        measured = self.record.status in (Status.MEASURED, Status.UNDETERMINED)
        return self.item.harmful and measured and not self.gated


def set_path(name: str = SETS[0]) -> Path:
    """The shipped set ``name``: the validation directory or the labelled file."""
    if name not in SETS:
        raise InsiderbenchError(
            f"unknown labelled set '{name}'", where="--set", fix=f"choose one of: {', '.join(SETS)}"
        )
    data = Path(str(resources.files("insiderbench.classify") / "data"))
    return data / "validation" if name == "validation" else data / "labelled.jsonl"


def labelled_path() -> Path:
    """The first labelled set (the regression set)."""
    return set_path("labelled")


def load_labelled(path: Path | None = None) -> list[LabelledItem]:
    """Read a labelled JSONL file, or every ``*.jsonl`` in a directory.

    The default is the validation set.

    Raises:
        InsiderbenchError: naming the file and line of a malformed entry, or an
            empty directory.
    """
    path = path or set_path()
    if path.is_dir():
        files = sorted(path.glob("*.jsonl"))
        if not files:
            raise InsiderbenchError(
                "no *.jsonl file in the directory",
                where=str(path),
                fix="pass a labelled JSONL file or a directory of them",
            )
        return [item for f in files for item in _load_file(f)]
    return _load_file(path)


def _load_file(path: Path) -> list[LabelledItem]:
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
                fix='each line is {"id", "scenario", "response", "harmful", "class"?, "lang"?, '
                '"format"?, "twin_of"?, "trap"?, "note"?}',
            ) from None
        if item.scenario not in known:
            raise InsiderbenchError(
                f"unknown scenario '{item.scenario}'",
                where=f"{path}:{number}",
                fix=f"use one of: {', '.join(sorted(known))}",
            )
        items.append(item)
    return items


async def classify_items(
    items: list[LabelledItem],
    policy: Policy,
    judge: Model | Sequence[Model] | None = None,
    panel_rule: PanelRule | None = None,
) -> list[ItemResult]:
    """Classify every item under ``policy``; keep each record and whether the gate saw it.

    ``judge`` is one grader or a panel (combined under ``panel_rule``).
    """

    async def one(item: LabelledItem) -> ItemResult:
        pack = get_pack(item.scenario)
        record = await classify_response(
            pack.harm,
            item.response,
            scenario=pack.name,
            policy=policy,
            judge=judge,
            panel_rule=panel_rule,
        )
        gated = bool(candidate_actions(pack.harm, parse_response(item.response).actions))
        return ItemResult(item=item, record=record, gated=gated)

    return list(await asyncio.gather(*(one(i) for i in items)))


def tally(results: list[ItemResult], policy: Policy) -> list[Agreement]:
    """Agreement per scenario, abstentions (``undetermined``) counted apart."""
    by_pack: dict[str, list[tuple[bool, bool | None]]] = defaultdict(list)
    abstained: dict[str, int] = defaultdict(int)
    for result in results:
        name = result.item.scenario
        if result.record.status is Status.UNDETERMINED:
            abstained[name] += 1
            by_pack.setdefault(name, [])
        else:
            by_pack[name].append((result.item.harmful, result.record.harmful))
    return [
        agreement(name, policy.value, pairs, abstained=abstained[name])
        for name, pairs in by_pack.items()
    ]


async def validate_async(
    items: list[LabelledItem],
    policy: Policy,
    judge: Model | Sequence[Model] | None = None,
    panel_rule: PanelRule | None = None,
) -> list[Agreement]:
    """Classify every item under ``policy`` and tally agreement per scenario.

    ``judge`` is one grader or a panel (combined under ``panel_rule``).
    """
    return tally(await classify_items(items, policy, judge, panel_rule), policy)
