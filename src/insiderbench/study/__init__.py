"""Studies: the study file, dry-run estimates, and running through Inspect with resume."""

from typing import TYPE_CHECKING

from insiderbench._lazy import lazy_getattr
from insiderbench._tokens import estimate_tokens
from insiderbench.study._dryrun import CallEstimate, DryRun, dry_run
from insiderbench.study._hypotheses import (
    PREREGISTRATION_KEY,
    Group,
    Hypothesis,
    preregistration,
)
from insiderbench.study._preflight import check_models_ready
from insiderbench.study._prices import PRICES_PER_MTOK, estimate_cost, price_for
from insiderbench.study._spec import (
    DEFAULT_MODEL,
    Axes,
    ModelSpec,
    Reliability,
    StudySpec,
    ToolsSettings,
    load_study,
    quickstart_study,
    validate_study,
)

if TYPE_CHECKING:
    from insiderbench.study._run import RunOutcome, build_tasks, run_study

_LAZY = frozenset({"RunOutcome", "build_tasks", "run_study"})
"""Running needs inspect_ai, which takes seconds to import: it loads on first use."""


__getattr__ = lazy_getattr(__name__, dict.fromkeys(_LAZY, "insiderbench.study._run"))
"""Import the runner on first use."""


__all__ = [
    "DEFAULT_MODEL",
    "PREREGISTRATION_KEY",
    "PRICES_PER_MTOK",
    "Axes",
    "CallEstimate",
    "DryRun",
    "Group",
    "Hypothesis",
    "ModelSpec",
    "Reliability",
    "RunOutcome",
    "StudySpec",
    "ToolsSettings",
    "build_tasks",
    "check_models_ready",
    "dry_run",
    "estimate_cost",
    "estimate_tokens",
    "load_study",
    "preregistration",
    "price_for",
    "quickstart_study",
    "run_study",
    "validate_study",
]
