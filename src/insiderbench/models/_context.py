"""Which sample a model call belongs to: its condition id and epoch.

Inspect keeps the running sample in a context variable. The public API has no
accessor for it yet, so this is the one place that reaches into Inspect's
(least private) ``sample_active()``; if that ever moves, only this module changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ANY_CONDITION = "*"
"""The condition key used outside a sample, or for a sample without a condition id."""

CONDITION_METADATA_KEY = "condition_id"
"""The sample metadata key that carries the condition id."""


@dataclass(frozen=True)
class CallContext:
    """The condition id and epoch (1-based) of the sample making a model call."""

    condition_id: str = ANY_CONDITION
    epoch: int = 1


def current_call_context() -> CallContext:
    """Return the active sample's condition id and epoch (defaults outside a sample)."""
    try:
        from inspect_ai.log._samples import sample_active
    except ImportError:  # pragma: no cover - depends on the Inspect version
        return CallContext()
    active: Any = sample_active()
    if active is None:
        return CallContext()
    metadata = getattr(active.sample, "metadata", None) or {}
    condition = metadata.get(CONDITION_METADATA_KEY)
    epoch = active.epoch if isinstance(active.epoch, int) and active.epoch >= 1 else 1
    if not isinstance(condition, str) or not condition:
        return CallContext(epoch=epoch)
    return CallContext(condition_id=condition, epoch=epoch)
