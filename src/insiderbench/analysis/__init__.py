"""Analysis: Inspect logs to a tidy DataFrame, rates with Wilson CIs, contrasts, control check.

Samples that were not measured (errors, empty or unparseable output) are
counted and shown but never enter a denominator; a group with nothing
measured has no rate, never a rate of 0.
"""

from insiderbench._logfiles import find_logs
from insiderbench.analysis._agreement import (
    AGREEMENT_COLUMNS,
    cohen_kappa,
    fleiss_kappa,
    panel_agreement,
    panel_kappa,
    panel_models,
)
from insiderbench.analysis._contrasts import (
    CONTRAST_COLUMNS,
    CONTROL_THRESHOLD,
    STANDARD,
    Factor,
    awareness_split,
    compare_cells,
    contrast,
    control_flags,
    standard_contrasts,
)
from insiderbench.analysis._coverage import StudyLogs, expected_cells, load_study_logs
from insiderbench.analysis._groups import DISTRIBUTION_KEYS, distribution_keys
from insiderbench.analysis._load import AXES, COLUMNS, LogRead, load_samples, read_logs
from insiderbench.analysis._rates import RATE_COLUMNS, normalise_by, rates, rates_records
from insiderbench.analysis._stats import Difference, Proportion, newcombe, wilson
from insiderbench.analysis._stratified import (
    Pooled,
    Stratum,
    cmh_p_value,
    cmh_statistic,
    mantel_haenszel,
)

__all__ = [
    "AGREEMENT_COLUMNS",
    "AXES",
    "COLUMNS",
    "CONTRAST_COLUMNS",
    "CONTROL_THRESHOLD",
    "DISTRIBUTION_KEYS",
    "RATE_COLUMNS",
    "STANDARD",
    "Difference",
    "Factor",
    "LogRead",
    "Pooled",
    "Proportion",
    "Stratum",
    "StudyLogs",
    "awareness_split",
    "cmh_p_value",
    "cmh_statistic",
    "cohen_kappa",
    "compare_cells",
    "contrast",
    "control_flags",
    "distribution_keys",
    "expected_cells",
    "find_logs",
    "fleiss_kappa",
    "load_samples",
    "load_study_logs",
    "mantel_haenszel",
    "newcombe",
    "normalise_by",
    "panel_agreement",
    "panel_kappa",
    "panel_models",
    "rates",
    "rates_records",
    "read_logs",
    "standard_contrasts",
    "wilson",
]
