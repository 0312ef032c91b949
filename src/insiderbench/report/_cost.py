"""The report's cost section: tokens and dollars per model and cell, and the total."""

from __future__ import annotations

from typing import Any

import pandas as pd

from insiderbench.analysis import cost_table
from insiderbench.report._html import table, td

KEYS = ["model", "condition_id"]
_COLUMNS = [
    ("samples", "samples"),
    ("input_tokens", "input"),
    ("cache_read_tokens", "cache read"),
    ("cache_write_tokens", "cache write"),
    ("output_tokens", "output"),
    ("reasoning_tokens", "reasoning"),
    ("judge_input_tokens", "judge input"),
    ("judge_output_tokens", "judge output"),
]
_COSTS = [("cost", "model cost"), ("judge_cost", "judge cost"), ("total_cost", "total")]


def _dollars(value: Any) -> str:
    return "unknown" if value is None or pd.isna(value) else f"${float(value):,.2f}"


def _count(value: Any) -> str:
    return "—" if value is None or pd.isna(value) else f"{int(value):,}"


def cost_html(frame: pd.DataFrame) -> tuple[str, pd.DataFrame]:
    """The section's HTML and the table behind it (for ``cost.csv``)."""
    costs = cost_table(frame, KEYS)
    rows = [
        [
            *(td(r[k]) for k in KEYS),
            *(td(_count(r[c]), num=True) for c, _ in _COLUMNS),
            *(td(_dollars(r[c]), num=True) for c, _ in _COSTS),
        ]
        for r in costs.to_dict("records")
    ]
    headers = [*KEYS, *(t for _, t in _COLUMNS), *(t for _, t in _COSTS)]
    note = (
        "<p>Tokens as the providers reported them; cost from the price table with cache "
        "and batch rates (see the README). A price the table does not know is "
        "<em>unknown</em>, never $0; input excludes cached tokens.</p>"
    )
    return note + table(headers, rows, table_id="cost-table"), costs
