"""Studies: the study file, dry-run estimates, and running through Inspect with resume."""

from insiderbench.study._dryrun import CallEstimate, DryRun, dry_run, estimate_tokens
from insiderbench.study._prices import PRICES_PER_MTOK, estimate_cost, price_for
from insiderbench.study._run import RunOutcome, build_tasks, check_models_ready, run_study
from insiderbench.study._spec import (
    DEFAULT_MODEL,
    Axes,
    ModelSpec,
    Reliability,
    StudySpec,
    load_study,
    quickstart_study,
)

__all__ = [
    "DEFAULT_MODEL",
    "PRICES_PER_MTOK",
    "Axes",
    "CallEstimate",
    "DryRun",
    "ModelSpec",
    "Reliability",
    "RunOutcome",
    "StudySpec",
    "build_tasks",
    "check_models_ready",
    "dry_run",
    "estimate_cost",
    "estimate_tokens",
    "load_study",
    "price_for",
    "quickstart_study",
    "run_study",
]
