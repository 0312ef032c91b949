"""Before a study runs (or is priced): every model and the judge can be used."""

from __future__ import annotations

from collections.abc import Sequence

from insiderbench.conditions import Condition
from insiderbench.study._spec import StudySpec


def check_models_ready(study: StudySpec, conditions: Sequence[Condition] | None = None) -> None:
    """Fail before any work starts if a model or a judge cannot be used.

    Each model is checked by :func:`~insiderbench.models.check_model_ready`
    with its own model args. A ``replay`` model must also script every
    condition the study runs (``conditions``; the study's own when omitted),
    so a missing one is an error naming the file and the condition now, not a
    failed sample later.
    """
    from insiderbench.models import ReplayScript, check_model_ready

    ids = [c.id for c in (conditions if conditions is not None else study.resolve_conditions())]
    for spec in study.models:
        check_model_ready(spec.name, spec.args)
        if spec.name.startswith("replay/"):
            ReplayScript.load(spec.name.partition("/")[2]).check_covers(ids)
    for judge in study.judges:
        check_model_ready(judge)
    if study.tools.monitor and study.tools.monitor.startswith("model:"):
        check_model_ready(study.tools.monitor.split(":", 1)[1])
