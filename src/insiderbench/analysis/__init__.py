"""Analysis: Inspect logs to a tidy DataFrame, rates with Wilson CIs, contrasts, control check.

Samples that were not measured (errors, empty or unparseable output) are
counted and shown but never enter a denominator; a group with nothing
measured has no rate, never a rate of 0.
"""

from insiderbench._logfiles import find_logs
from insiderbench.analysis._agentic import (
    agentic_frame,
    load_agentic,
    mode_comparison,
    monitor_effect,
)
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
from insiderbench.analysis._groups import (
    DISTRIBUTION_KEYS,
    NO_MONITOR,
    analysis_keys,
    distribution_keys,
    label_with,
    unperturbed,
)
from insiderbench.analysis._hypotheses import (
    HYPOTHESIS_COLUMNS,
    hypotheses_from,
    judge_hypotheses,
    load_preregistrations,
)
from insiderbench.analysis._load import AXES, COLUMNS, LogRead, load_samples, read_logs
from insiderbench.analysis._power import (
    holm,
    n_for_difference,
    n_for_interval_within,
    n_for_width,
)
from insiderbench.analysis._rates import RATE_COLUMNS, normalise_by, rates, rates_records
from insiderbench.analysis._sensitivity import (
    DEFAULT_DELTA,
    SENSITIVITY_COLUMNS,
    sensitivity,
    verdict_line,
    with_perturbation_columns,
)
from insiderbench.analysis._stats import Difference, Proportion, newcombe, wilson
from insiderbench.analysis._stratified import (
    Pooled,
    Stratum,
    cmh_p_value,
    cmh_statistic,
    mantel_haenszel,
)
from insiderbench.analysis._usage import USAGE_COLUMNS, cost_table

__all__ = [
    "AGREEMENT_COLUMNS",
    "AXES",
    "COLUMNS",
    "CONTRAST_COLUMNS",
    "CONTROL_THRESHOLD",
    "DEFAULT_DELTA",
    "DISTRIBUTION_KEYS",
    "HYPOTHESIS_COLUMNS",
    "NO_MONITOR",
    "SENSITIVITY_COLUMNS",
    "RATE_COLUMNS",
    "STANDARD",
    "USAGE_COLUMNS",
    "Difference",
    "Factor",
    "LogRead",
    "Pooled",
    "Proportion",
    "Stratum",
    "StudyLogs",
    "agentic_frame",
    "analysis_keys",
    "awareness_split",
    "cmh_p_value",
    "cmh_statistic",
    "cohen_kappa",
    "compare_cells",
    "contrast",
    "cost_table",
    "control_flags",
    "distribution_keys",
    "expected_cells",
    "find_logs",
    "fleiss_kappa",
    "holm",
    "hypotheses_from",
    "judge_hypotheses",
    "label_with",
    "load_agentic",
    "load_preregistrations",
    "load_samples",
    "load_study_logs",
    "n_for_difference",
    "n_for_interval_within",
    "n_for_width",
    "mantel_haenszel",
    "mode_comparison",
    "monitor_effect",
    "newcombe",
    "normalise_by",
    "panel_agreement",
    "panel_kappa",
    "panel_models",
    "rates",
    "rates_records",
    "read_logs",
    "sensitivity",
    "standard_contrasts",
    "unperturbed",
    "verdict_line",
    "wilson",
    "with_perturbation_columns",
]
