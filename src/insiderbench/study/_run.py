"""Running a study through Inspect's ``eval_set``, which also gives us resume and growth.

**Task identity and growth.** The eval set pairs each task with its logs by a
task identifier: the task's name and the arguments it was created with, the
model, the generate config, the solver plan and the model roles (see
``inspect_ai._eval.evalset.task_identifier``). The conditions and the sample
count are therefore *not* task arguments here: each model's task is created
with only the arguments that change what a sample means (policy, temperature,
judge diagnostics), and the study's conditions and epochs are set with
``task_with(dataset=..., epochs=...)``. A run with more samples or more
conditions then finds the earlier log of the same task, sees it incomplete
(fewer epochs, fewer samples than planned) and runs it again seeded with that
log: finished (condition, epoch) samples are reused and only the new ones run.
A new model or a changed setting is a new task beside the old logs
(``log_dir_allow_dirty``), and the manifest records both.

**Retries.** ``retry_wait`` only takes effect with ``retry_immediate=False``
(Inspect's default retries at once and ignores it), so that is what a run
uses whenever the wait is not zero.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspect_ai import Epochs, eval_set, task_with
from inspect_ai.log import EvalLog
from inspect_ai.model import GenerateConfig, Model, get_model

from insiderbench._errors import InsiderbenchError
from insiderbench._inprocess import in_process
from insiderbench._logfiles import damaged_logs, set_aside
from insiderbench.classify import harm_reducer, harm_scorer
from insiderbench.classify._panel import grader_role
from insiderbench.conditions import Condition
from insiderbench.models._sdk_retries import without_sdk_retries
from insiderbench.study._batch import cost_config
from insiderbench.study._lock import Holder, hold_log_dir
from insiderbench.study._manifest import build_manifest, write_manifest
from insiderbench.study._preflight import check_models_ready
from insiderbench.study._shards import check_layout, run_sharded, shard_count
from insiderbench.study._spec import ModelSpec, StudySpec
from insiderbench.tasks import STUDY_TEMPERATURE, agentic_misalignment, condition_dataset

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
    manifest: Path | None = None
    growth: str = ""
    """What this run added to the directory's manifest ("new study", "2 new cell(s)", ...)."""
    stale_lock: Holder | None = None
    """The killed run whose lock this run took over, if any."""
    set_aside: list[tuple[Path, str]] = field(default_factory=list)
    """Damaged logs renamed aside before the run (new path, reason)."""


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
    return (
        reliability_config(study, spec.name)
        .merge(
            GenerateConfig(
                max_tokens=spec.max_tokens,
                max_connections=spec.max_connections,
                reasoning_effort=spec.reasoning_effort,
                reasoning_tokens=spec.reasoning_tokens,
                seed=study.seed,
            )
        )
        .merge(cost_config(spec.name, study.batch, study.cache_prompt))
    )


def judge_config(study: StudySpec, judge: str) -> GenerateConfig:
    """The judge's config: reliability options, batch and prompt caching."""
    return reliability_config(study, judge).merge(
        cost_config(judge, study.batch, study.cache_prompt)
    )


def _build_model(
    name: str, config: GenerateConfig, args: dict[str, Any], where: str = "models"
) -> Model:
    try:
        return get_model(name, config=config, **without_sdk_retries(name, args))
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
    The conditions and epochs are set with ``task_with``, outside the task's
    arguments, so the task keeps its identity when the study grows (see the
    module docstring).
    """
    resolved = conditions if conditions is not None else study.resolve_conditions()
    roles: dict[str, str | Model] = {}
    for index, judge in enumerate(study.judges):  # a panel: grader, grader_2, ...
        roles[grader_role(index)] = _build_model(judge, judge_config(study, judge), {}, "judge")
    panel_rule = study.panel_rule.value if study.panel_rule else None
    policy = study.effective_policy.value
    dataset = condition_dataset(resolved, name="agentic_misalignment")
    tasks = []
    for spec in study.models:
        task = agentic_misalignment(
            policy=policy,
            temperature=STUDY_TEMPERATURE if spec.temperature is None else spec.temperature,
            diagnostics=study.judge_diagnostics,
            panel_rule=panel_rule,
            max_turns=study.tools.max_turns,
            max_tokens=study.tools.max_tokens,
            monitor=study.tools.monitor,
        )
        model = _build_model(spec.name, model_config(spec, study), dict(spec.args))
        # A sample whose evaluated model failed raises, so Inspect retries it now and a
        # resumed run picks it up later; measurement failures are never redrawn
        # (see Reliability).
        scorer = harm_scorer(
            policy=policy,
            retry_model_errors=True,
            diagnostics=study.judge_diagnostics,
            panel_rule=panel_rule,
        )
        tasks.append(
            task_with(
                task,
                dataset=dataset,
                epochs=Epochs(study.samples, reducer=harm_reducer()),
                model=model,
                model_roles=roles,
                scorer=scorer,
                metadata={"insiderbench_study": study.name},
            )
        )
    return tasks


def retry_options(study: StudySpec) -> dict[str, Any]:
    """``eval_set`` retry options that make ``retry_wait`` wait, doubling, as documented.

    Inspect's default (``retry_immediate``) retries a failed task at once and
    ignores ``retry_wait``; with a wait it runs the attempts itself, waiting
    ``retry_wait`` seconds and doubling. ``retry_attempts`` then counts
    attempts, not retries, hence the + 1.
    """
    rel = study.reliability
    if rel.retry_wait == 0 and rel.eval_retries > 0:
        return {"retry_immediate": True, "retry_attempts": rel.eval_retries}
    return {
        "retry_immediate": False,
        "retry_attempts": rel.eval_retries + 1,
        "retry_wait": rel.retry_wait,
    }


def eval_set_options(
    study: StudySpec, log_level: str | None = None, metadata: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The ``eval_set`` options of a study run (one process, or each shard of a sharded one)."""
    rel = study.reliability
    return {
        "log_dir": study.log_dir,
        "log_dir_allow_dirty": True,
        "model": None,
        **retry_options(study),
        "retry_on_error": rel.sample_retries,
        "fail_on_error": True,
        "continue_on_fail": rel.continue_on_fail,
        "max_samples": study.sample_concurrency(),
        "log_realtime": study.live_log,
        "log_level": log_level,
        "metadata": {"insiderbench_study": study.name, **(metadata or {})},
    }


def _check_damaged(log_dir: str, set_aside_damaged: bool) -> list[tuple[Path, str]]:
    bad = damaged_logs(log_dir)
    if not bad:
        return []
    if not set_aside_damaged:
        names = "; ".join(f"{path} ({reason})" for path, reason in bad)
        raise InsiderbenchError(
            f"{len(bad)} log(s) in this directory cannot be read: {names}. Their samples "
            "count as missing",
            where=log_dir,
            fix="run again without --keep-damaged to rename them to <name>.damaged "
            "(nothing is deleted) and run their samples again; `results` and `report` "
            "already leave them out",
        )
    moved = []
    for path, reason in bad:
        target = set_aside(path)
        logger.warning("set aside damaged log %s as %s: %s", path, target.name, reason)
        moved.append((target, reason))
    return moved


def run_study(
    study: StudySpec,
    *,
    display: str | None = None,
    log_level: str | None = None,
    command: str | None = None,
    set_aside_damaged: bool = False,
    metadata: dict[str, Any] | None = None,
) -> RunOutcome:
    """Run (or resume, or grow) ``study`` and return the logs.

    Running the same study again with the same ``log_dir`` resumes it: Inspect's
    eval set skips finished tasks and re-runs only the samples of unfinished
    ones that are missing or failed. With more samples or conditions it runs
    only what is new. The directory is locked for the run (one writer), and
    the study manifest is merged into it before any sample runs. ``command``
    names this run in the lock and the manifest. ``metadata`` is added to every
    log's eval metadata (the pre-registration record, for one).

    A Ctrl-C (or SIGTERM, which the CLI turns into one) ends the run with
    ``KeyboardInterrupt`` after Inspect has written its logs.
    """
    conditions = study.resolve_conditions()  # bad conditions fail before models are touched
    check_models_ready(study, conditions)
    sharded = study.workers is not None or study.ray_address is not None
    with hold_log_dir(study.log_dir, command or f"insiderbench run ({study.name})") as stale:
        # before anything is written: a run in another layout would re-measure every sample
        if not sharded:
            check_layout(study.log_dir, None)
        elif study.workers:  # with only a Ray address, the cluster's size decides (checked then)
            check_layout(study.log_dir, shard_count(study, conditions, study.workers))
        moved = _check_damaged(study.log_dir, set_aside_damaged)
        manifest, growth = write_manifest(study.log_dir, build_manifest(study, conditions, command))
        if sharded:
            outcome = run_sharded(study, conditions, log_level, metadata)
        else:
            tasks = build_tasks(study, conditions)
            outcome = _run_eval_set(
                study, tasks, display=display, log_level=log_level, metadata=metadata
            )
    outcome.expected = len(conditions) * study.samples * len(study.models)
    outcome.manifest, outcome.growth = manifest, growth
    outcome.stale_lock, outcome.set_aside = stale, moved
    return outcome


def _run_eval_set(
    study: StudySpec,
    tasks: list[Any],
    *,
    display: str | None,
    log_level: str | None,
    metadata: dict[str, Any] | None = None,
) -> RunOutcome:
    from inspect_ai._util.error import PrerequisiteError

    max_samples = study.sample_concurrency()
    logger.info(
        "running study %s: %d task(s) into %s, max_samples %s",
        study.name,
        len(tasks),
        study.log_dir,
        max_samples or "left to Inspect",
    )
    started = time.time()
    try:
        success, logs = eval_set(
            tasks=tasks,
            display=display,  # type: ignore[arg-type]
            **eval_set_options(study, log_level, metadata),
        )
    except InsiderbenchError:
        raise
    except PrerequisiteError as exc:
        raise InsiderbenchError(
            f"Inspect refused the run: {plain(str(exc.message))}",
            where=f"study {study.name}, log dir {study.log_dir}",
            fix="if the log directory holds another study, choose another --log-dir; "
            "otherwise report this as an insiderbench bug",
            exit_code=2,
        ) from exc
    except Exception as exc:
        raise InsiderbenchError(
            f"the run failed: {type(exc).__name__}: {exc}",
            where=f"study {study.name}",
            fix="fix the cause above, then run the same command again to resume",
            exit_code=1,
        ) from exc
    if any(log.status == "cancelled" for log in logs) or _cancelled_since(study.log_dir, started):
        logger.info("the run was interrupted; its logs are written")
        raise KeyboardInterrupt
    errors = [f"{log.eval.model}: {log.error.message}" for log in logs if log.error is not None]
    return RunOutcome(success=success, logs=logs, log_dir=study.log_dir, expected=0, errors=errors)


def _cancelled_since(log_dir: str, since: float) -> bool:
    """Whether a log written since ``since`` was cancelled (Ctrl-C or SIGTERM).

    Inspect's eval set returns ``(True, [])`` after a Ctrl-C rather than raising,
    so the logs it wrote are the only witness of the interruption.
    """
    from inspect_ai.log import list_eval_logs, read_eval_log

    for info in list_eval_logs(log_dir):
        if info.mtime is not None and info.mtime / 1000 < since - 1:
            continue
        try:
            if read_eval_log(info.name, header_only=True).status == "cancelled":
                return True
        except Exception:  # unreadable: not ours to judge here
            continue
    return False


def plain(text: str) -> str:
    """Inspect's rich-markup message as plain text (``[bold]ERROR[/bold]: x`` -> ``x``)."""
    from rich.text import Text

    try:
        flat = Text.from_markup(text).plain
    except Exception:  # not valid markup: show it as it is
        flat = text
    return " ".join(flat.removeprefix("ERROR:").split())
