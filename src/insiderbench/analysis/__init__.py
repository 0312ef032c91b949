"""Analysis: Inspect logs to a tidy DataFrame, rates with Wilson CIs, contrasts, control check.

Samples that were not measured (errors, empty or unparseable output) are
counted and shown but never enter a denominator; a group with nothing
measured has no rate, never a rate of 0.
"""

from insiderbench._logfiles import find_logs
from insiderbench.analysis._contrasts import (
    CONTROL_THRESHOLD,
    awareness_split,
    contrast,
    control_flags,
    standard_contrasts,
)
from insiderbench.analysis._load import AXES, COLUMNS, load_samples
from insiderbench.analysis._rates import RATE_COLUMNS, normalise_by, rates, rates_records
from insiderbench.analysis._stats import Difference, Proportion, newcombe, wilson
from insiderbench.analysis._usage import USAGE_COLUMNS, cost_table

__all__ = [
    "AXES",
    "COLUMNS",
    "CONTROL_THRESHOLD",
    "RATE_COLUMNS",
    "USAGE_COLUMNS",
    "Difference",
    "Proportion",
    "awareness_split",
    "contrast",
    "cost_table",
    "control_flags",
    "find_logs",
    "load_samples",
    "newcombe",
    "normalise_by",
    "rates",
    "rates_records",
    "standard_contrasts",
    "wilson",
]
