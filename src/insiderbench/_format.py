"""Rates as text, shared by the CLI tables and the HTML report (no heavy imports)."""

from __future__ import annotations

import math
from typing import Any

DASH = "—"
"""Shown for a rate that was not measured: never 0%."""


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def pct(value: Any) -> str:
    """Format a rate as a percentage with one decimal, or :data:`DASH` when it is missing."""
    return DASH if _missing(value) else f"{100 * float(value):.1f}%"


def ci(low: Any, high: Any, sep: str = " – ") -> str:
    """Format an interval of rates as ``low<sep>high``, or :data:`DASH` when it is missing."""
    return DASH if _missing(low) else f"{pct(low)}{sep}{pct(high)}"


ALWAYS_SHOWN = ("error", "empty", "unparseable", "undetermined")
"""Not-measured statuses with a column in every rates table, even at zero (the rules'
abstentions among them); the other statuses get one when any sample has them."""
