"""Running a study through Inspect's ``eval_set``, which also gives us resume."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from inspect_ai import eval_set, task_with
from inspect_ai.log import EvalLog
from inspect_ai.model import GenerateConfig, Model, get_model

from insiderbench._errors import InsiderbenchError
from insiderbench._inprocess import in_process
from insiderbench.classify import GRADER_ROLE, harm_scorer
from insiderbench.conditions import Condition
from insiderbench.study._gc import run_gc
from insiderbench.study._spec import ModelSpec, StudySpec
from insiderbench.tasks import STUDY_TEMPERATURE, agentic_misalignment

logger = logging.getLogger(__name__)


@dataclass
class RunOutcome:
    """What a study run produced."""

    success: bool
    logs: list[EvalLog]
    log_dir: str
    expected: int
    """Samples the study asks for: conditions x samples x models."""
    errors: list[str] = field(default_factory=list)


def reliability_config(study: StudySpec, model: str | None = None) -> GenerateConfig:
    """Retry and timeout options shared by the evaluated models and the judge.

    In-process models get no timeouts: a sample queued behind others for the
    single local model is not a fault, and timing it out would throw away and
    restart minutes of generation.
    """
    rel = study.reliability
    if model is not None and in_process(model):
        return GenerateConfig(max_retries=rel.max_retries)
    return GenerateConfig(
        max_retries=rel.max_retries, timeout=rel.timeout, attempt_timeout=rel.attempt_timeout
    )


def model_config(spec: ModelSpec, study: StudySpec) -> GenerateConfig:
    """The generation config for one evaluated model, including reliability options."""
    return reliability_config(study, spec.name).merge(
        GenerateConfig(
            max_tokens=spec.max_tokens,
            max_connections=spec.max_connections,
            reasoning_effort=spec.reasoning_effort,
            reasoning_tokens=spec.reasoning_tokens,
            seed=study.seed,
        )
    )


def check_models_ready(study: StudySpec) -> None:
    """Fail before any work starts if a model or the judge cannot be used."""
    from insiderbench.models import check_model_ready

    for spec in study.models:
        check_model_ready(spec.name)
    if study.judge:
        check_model_ready(study.judge)
    if study.tools.monitor and study.tools.monitor.startswith("model:"):
        check_model_ready(study.tools.monitor.split(":", 1)[1])


def _build_model(
    name: str, config: GenerateConfig, args: dict[str, Any], where: str = "models"
) -> Model:
    try:
        return get_model(name, config=config, **args)
    except InsiderbenchError:
        raise
    except Exception as exc:
        raise InsiderbenchError(
            f"cannot create model '{name}': {exc}",
            where=where,
            fix="check the model name (provider/model) and its args",
        ) from exc


def build_tasks(study: StudySpec, conditions: list[Condition] | None = None) -> list[Any]:
    """One task per evaluated model, each with its own temperature and config.

    ``conditions`` are the study's resolved conditions, if the caller has them.
    """
    resolved = conditions if conditions is not None else study.resolve_conditions()
    ids = [c.id for c in resolved]
    roles: dict[str, str | Model] = {}
    if study.judge:
        judge_config = reliability_config(study, study.judge)
        roles[GRADER_ROLE] = _build_model(study.judge, judge_config, {}, "judge")
    policy = study.effective_policy.value
    tasks = []
    for spec in study.models:
        task = agentic_misalignment(
            scenario=sorted({i.split("_", 1)[0] for i in ids}),
            conditions=ids,
            samples=study.samples,
            policy=policy,
            temperature=STUDY_TEMPERATURE if spec.temperature is None else spec.temperature,
            max_turns=study.tools.max_turns,
            max_tokens=study.tools.max_tokens,
            monitor=study.tools.monitor,
        )
        model = _build_model(spec.name, model_config(spec, study), dict(spec.args))
        # An unmeasured sample raises instead of being scored, so Inspect retries it
        # now and a resumed run picks it up later (see Reliability).
        scorer = harm_scorer(
            policy=policy, retry_unmeasured=True, diagnostics=study.judge_diagnostics
        )
        tasks.append(task_with(task, model=model, model_roles=roles, scorer=scorer))
    return tasks


def run_study(
    study: StudySpec,
    *,
    display: str | None = None,
    log_level: str | None = None,
) -> RunOutcome:
    """Run (or resume) ``study`` and return the logs.

    Running the same study again with the same ``log_dir`` resumes it: Inspect's
    eval set skips finished tasks and re-runs only the samples of unfinished
    ones that are missing or failed.
    """
    conditions = study.resolve_conditions()  # bad conditions fail before models are touched
    check_models_ready(study)
    tasks = build_tasks(study, conditions)
    rel = study.reliability
    max_samples = study.sample_concurrency()
    logger.info(
        "running study %s: %d task(s) into %s, max_samples %s",
        study.name,
        len(tasks),
        study.log_dir,
        max_samples or "left to Inspect",
    )
    try:
        with run_gc():
            success, logs = eval_set(
                tasks=tasks,
                log_dir=study.log_dir,
                model=None,
                retry_attempts=rel.eval_retries,
                retry_wait=rel.retry_wait,
                retry_on_error=rel.sample_retries,
                fail_on_error=True,
                continue_on_fail=rel.continue_on_fail,
                max_samples=max_samples,
                log_realtime=study.live_log,
                display=display,  # type: ignore[arg-type]
                log_level=log_level,
                metadata={"insiderbench_study": study.name},
            )
    except InsiderbenchError:
        raise
    except Exception as exc:
        raise InsiderbenchError(
            f"the run failed: {type(exc).__name__}: {exc}",
            where=f"study {study.name}",
            fix="fix the cause above, then run the same command again to resume",
            exit_code=1,
        ) from exc
    errors = [f"{log.eval.model}: {log.error.message}" for log in logs if log.error is not None]
    expected = len(conditions) * study.samples * len(study.models)
    return RunOutcome(
        success=success, logs=logs, log_dir=study.log_dir, expected=expected, errors=errors
    )
