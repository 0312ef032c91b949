"""Sharding a study across worker processes or a cluster, with Ray.

A sharded study is cut into **units**: one evaluated model and one condition.
Each worker is a Ray task that runs its units (dealt round-robin) as one
Inspect eval set, one task per model over that worker's conditions of it
(conditions are a task's dataset, not its arguments, so one model's units
must share a task to be distinct in the eval set), into its own subdirectory
of the study's log directory, ``shard-<k>-of-<n>``: one writer per directory,
because an eval set reads every log under its directory and would trip over
another process's log while it is being written. ``results`` and ``report``
read the log directory recursively, so they see one study; sample ids
(condition id and epoch) are the same as in an unsharded run. Resume with the
same number of workers: the same units then land in the same subdirectories.

Resume: every worker's eval set skips its finished units and re-runs only the
missing or failed samples of the others, from the logs. If a worker dies
(killed, out of memory, node lost), its finished samples are already in its
log; the run reports the shard as failed, and running the same command again
finishes the study. Ray does not retry a shard on its own (``max_retries=0``),
so a shard never runs twice at once.

Limits are the study's, shared: each worker gets its share of every model's
``max_connections`` and of ``max_samples``, so N workers together never open
more connections than one process would.

A study keeps the layout of its first run. A sharded run cannot reuse the
logs of an unsharded run of the same study (its tasks hold the shard's
conditions only, in the shard's subdirectory), nor a run over another number
of shards, and vice versa: it would measure every sample again, and
``results`` would pool both runs as replicates. :func:`check_layout` refuses
such a run before anything is written, naming the worker count that resumes.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from insiderbench._errors import InsiderbenchError
from insiderbench.conditions import Condition
from insiderbench.study._spec import StudySpec

if TYPE_CHECKING:
    from insiderbench.study._run import RunOutcome

log = logging.getLogger(__name__)

RAY_HINT = "pip install 'insiderbench[ray]'"


@dataclass(frozen=True)
class Unit:
    """One shard unit: an evaluated model on one condition (one Inspect task)."""

    model: str
    condition: str


def plan_units(study: StudySpec, conditions: list[Condition]) -> list[Unit]:
    """Every unit of ``study``, in a fixed order (models, then conditions)."""
    return [Unit(m.name, c.id) for m in study.models for c in conditions]


def assign(units: list[Unit], workers: int) -> list[list[Unit]]:
    """Deal ``units`` round-robin to ``workers`` shards (empty shards dropped)."""
    shards = [units[i::workers] for i in range(workers)]
    return [s for s in shards if s]


_SHARD_DIR = re.compile(r"^shard-(\d+)-of-(\d+)$")


def shard_count(study: StudySpec, conditions: list[Condition], workers: int) -> int:
    """How many shards ``workers`` workers cut the study into (never more than its units)."""
    return len(assign(plan_units(study, conditions), workers))


def _holds_logs(directory: Path) -> bool:
    from inspect_ai.log import list_eval_logs

    return bool(list_eval_logs(str(directory), recursive=False))


def check_layout(log_dir: str | Path, shards: int | None) -> None:
    """Refuse a run whose layout (unsharded, or ``shards`` shards) differs from the log dir's.

    Raises:
        InsiderbenchError: naming the layout found and how to resume it.
    """
    root = Path(log_dir)
    if not root.is_dir():
        return
    found = sorted(
        {
            int(m[2])
            for d in root.iterdir()
            if d.is_dir() and (m := _SHARD_DIR.match(d.name)) and _holds_logs(d)
        }
    )
    again = "it would measure those samples again, and results would pool both runs"
    if shards is None and found:
        raise InsiderbenchError(
            f"this log directory holds a study sharded over {found[0]} worker(s) "
            f"(shard-*-of-{found[0]}/); an unsharded run cannot reuse those logs: {again}",
            where=str(root),
            fix=f"resume with --workers {found[0]} (workers: {found[0]} in the study file), "
            "or give this run a new --log-dir",
        )
    if shards is not None and _holds_logs(root):
        raise InsiderbenchError(
            "this log directory holds an unsharded run of the study; a sharded run cannot "
            f"reuse its logs: {again}",
            where=str(root),
            fix="resume without --workers/--ray-address (and without workers:/ray_address: "
            "in the study file), or give this run a new --log-dir",
        )
    other = [n for n in found if n != shards]
    if shards is not None and other:
        raise InsiderbenchError(
            f"this log directory holds the study sharded over {other[0]} worker(s) "
            f"(shard-*-of-{other[0]}/), and this run would cut it into {shards} shard(s), "
            f"which cannot reuse those logs: {again}",
            where=str(root),
            fix=f"resume with --workers {other[0]} (workers: {other[0]} in the study file), "
            "or give this run a new --log-dir",
        )


def worker_study(study: StudySpec, workers: int) -> StudySpec:
    """The study one worker runs: its share of every connection and sample limit."""
    models = [
        m.model_copy(
            update={"max_connections": math.ceil(m.max_connections / workers)}
            if m.max_connections
            else {}
        )
        for m in study.models
    ]
    update: dict[str, Any] = {"models": models, "workers": None, "ray_address": None}
    if study.max_samples:
        update["max_samples"] = math.ceil(study.max_samples / workers)
    return study.model_copy(update=update)


def run_shard(
    study_data: dict[str, Any],
    units: list[tuple[str, str]],
    shard_dir: str,
    eval_set_id: str,
    log_level: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Run one shard's units as an eval set into ``shard_dir`` of the log dir (in a worker).

    Returns a plain summary: ``success``, ``errors`` and ``units``.
    """
    from inspect_ai import eval_set

    from insiderbench.study._run import build_tasks, eval_set_options

    study = StudySpec.model_validate(study_data)
    options = eval_set_options(study, log_level, metadata)
    options["log_dir"] = str(Path(study.log_dir) / shard_dir)
    # One task per model over the shard's conditions of that model: the conditions are
    # the task's dataset, not its arguments, so two tasks of one model in an eval set
    # would not be distinct (and Inspect refuses them).
    by_model: dict[str, list[Condition]] = {}
    for model, condition in units:
        by_model.setdefault(model, []).append(Condition.from_id(condition))
    tasks: list[Any] = []
    for model, conditions in by_model.items():
        one = study.model_copy(update={"models": [m for m in study.models if m.name == model]})
        tasks.extend(build_tasks(one, conditions))
    success, logs = eval_set(
        tasks=tasks,
        eval_set_id=eval_set_id,
        max_tasks=len(tasks),
        display="none",
        **options,
    )
    errors = [f"{lg.eval.model}: {lg.error.message}" for lg in logs if lg.error is not None]
    return {"success": success, "errors": errors, "units": len(units)}


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        raise InsiderbenchError(
            "sharding a study (workers / ray_address) needs Ray, which is not installed",
            where="workers",
            fix=f"{RAY_HINT}, or drop --workers/--ray-address to run in one process",
        ) from None
    return ray


def _eval_set_id(log_dir: str) -> str:
    """The log dir's eval-set id, made once before the shards start so all stamp the same one.

    Inspect's own function reads it from the log dir, or creates and stores it.
    """
    from inspect_ai._eval.evalset import eval_set_id_for_log_dir

    Path(log_dir).mkdir(parents=True, exist_ok=True)
    return eval_set_id_for_log_dir(log_dir)


def _start(ray: Any, study: StudySpec) -> bool:
    """Connect to (or start) Ray; True when this call started it."""
    if ray.is_initialized():
        return False
    quiet = {"log_to_driver": False, "logging_level": logging.WARNING}
    try:
        if study.ray_address:
            ray.init(address=study.ray_address, **quiet)
        else:
            ray.init(num_cpus=study.workers, include_dashboard=False, **quiet)
    except Exception as exc:
        raise InsiderbenchError(
            f"cannot start Ray: {type(exc).__name__}: {exc}",
            where=f"ray_address {study.ray_address}" if study.ray_address else "workers",
            fix="check the cluster address (ray status on the head node) and that every "
            "node has the same insiderbench, inspect-ai and provider SDKs installed",
        ) from exc
    return True


def run_sharded(
    study: StudySpec,
    conditions: list[Condition],
    log_level: str | None,
    metadata: dict[str, Any] | None = None,
) -> RunOutcome:
    """Run ``study`` as Ray tasks, one eval set per shard, into the study's log dir.

    ``metadata`` goes into every shard's eval metadata (the pre-registration).
    """
    from inspect_ai.log import list_eval_logs, read_eval_log

    from insiderbench.study._run import RunOutcome

    ray = _ray()
    started = _start(ray, study)
    try:
        success, errors = _run_shards(ray, study, conditions, log_level, metadata)
    finally:
        if started:
            ray.shutdown()
    logs = [
        read_eval_log(info, header_only=True)
        for info in list_eval_logs(study.log_dir, recursive=True)
    ]
    expected = len(conditions) * study.samples * len(study.models)
    return RunOutcome(
        success=success, logs=logs, log_dir=study.log_dir, expected=expected, errors=errors
    )


def _run_shards(
    ray: Any,
    study: StudySpec,
    conditions: list[Condition],
    log_level: str | None,
    metadata: dict[str, Any] | None,
) -> tuple[bool, list[str]]:
    """Start one Ray task per shard and wait for all; return (success, errors)."""
    workers = study.workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
    shards = assign(plan_units(study, conditions), workers)
    check_layout(study.log_dir, len(shards))  # a cluster's size decides it without --workers
    eval_set_id = _eval_set_id(study.log_dir)
    data = worker_study(study, len(shards)).model_dump(mode="json")
    remote = ray.remote(num_cpus=1, max_retries=0)(run_shard)
    log.info("running study %s in %d shard(s) into %s", study.name, len(shards), study.log_dir)
    refs = [
        remote.remote(
            data,
            [(u.model, u.condition) for u in shard],
            f"shard-{k + 1}-of-{len(shards)}",
            eval_set_id,
            log_level,
            metadata,
        )
        for k, shard in enumerate(shards)
    ]
    success, errors = True, list[str]()
    for index, ref in enumerate(refs):
        try:
            result = ray.get(ref)
        except Exception as exc:  # a dead worker: its finished samples are in its log
            success = False
            errors.append(f"shard {index + 1} of {len(refs)} failed: {type(exc).__name__}")
            log.warning("shard %d failed: %s", index + 1, exc)
            continue
        success = success and bool(result["success"])
        errors.extend(result["errors"])
    return success, errors
