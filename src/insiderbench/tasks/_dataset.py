"""Conditions become Inspect samples: one sample per condition id."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import ChatMessageSystem, ChatMessageUser

from insiderbench.conditions import Condition
from insiderbench.models._context import CONDITION_METADATA_KEY
from insiderbench.scenarios import check_condition


def condition_sample(condition: Condition) -> Sample:
    """Render ``condition`` into an Inspect sample carrying its axis values as metadata."""
    pack = check_condition(condition)
    rendered = pack.render(condition)
    axes = condition.axes()
    metadata = {
        CONDITION_METADATA_KEY: axes.pop("id"),
        **axes,
        "behaviour": pack.harm.behaviour.value,
    }
    return Sample(
        id=condition.id,
        input=[
            ChatMessageSystem(content=rendered.system),
            ChatMessageUser(content=rendered.user),
        ],
        metadata=metadata,
    )


def condition_dataset(conditions: Sequence[Condition], name: str) -> MemoryDataset:
    """Build the dataset for a list of conditions (duplicates are an error)."""
    ids = [c.id for c in conditions]
    dupes = sorted(i for i, n in Counter(ids).items() if n > 1)
    if dupes:
        raise ValueError(f"condition(s) listed twice: {', '.join(dupes)}")
    return MemoryDataset([condition_sample(c) for c in conditions], name=name)
