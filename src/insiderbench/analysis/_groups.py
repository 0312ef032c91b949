"""Which samples are the same sample, and which runs may be pooled.

Two rules, each with its reason printed whenever it removes a row:

- **One attempt per slot of a run.** Inspect's eval set (retries, resume,
  growth) keeps a task's identity (``task_id``) across every attempt and seeds
  each new log from the previous one, so within one task a (condition, epoch)
  slot can appear in several logs: a failed attempt and its re-run, or a
  ``started`` log that a killed run left behind. One row is kept per slot: the
  measured one if any, else the newest.
- **A sample copied into several files counts once** (the same sample ``uuid``
  under the same policy and judge), e.g. a log copied to a second directory.

Everything else is a separate sample. Independent runs of the same settings
(another directory, another ``inspect eval``) are replicates and are pooled.
Runs that differ in a setting that changes the output distribution
(:data:`DISTRIBUTION_KEYS`: the sampling settings, the verdict policy, the
judge, the runtime monitor) are never pooled: :func:`distribution_keys` adds
those columns to any grouping under which they vary.

The pooled analyses (contrasts, the control check, the awareness split) read
the unperturbed cells only (:func:`unperturbed`; perturbed cells are compared
with their base in the sensitivity analysis) and keep text and tools mode
apart (:func:`analysis_keys`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import pandas as pd
from inspect_ai.log import EvalLog

from insiderbench.classify._record import GRADER_ROLE, Status
from insiderbench.conditions._perturbations import SEPARATOR
from insiderbench.study._manifest import settings_key

log = logging.getLogger(__name__)

DISTRIBUTION_KEYS = ["settings", "policy", "judge_model", "monitor"]
"""Columns that tell apart runs whose samples come from different distributions."""

NO_MONITOR = "none"
"""The ``monitor`` of a run without a runtime monitor (every text-mode run)."""

SLOT = [
    "task_id", "model", "settings", "policy", "judge_model", "monitor", "condition_id", "epoch",
]  # fmt: skip
"""One sample's place in one run: a run holds at most one sample per slot."""

_SCALAR = (str, int, float, bool)


def log_settings(header: EvalLog) -> str:
    """The settings key of a log (see :func:`insiderbench.study._manifest.settings_key`).

    A setting is read from the model's generate config, else from the task's
    (the plan's) config, which is where the task's temperature lives.
    """
    model_config = header.eval.model_generate_config
    plan_config = header.plan.config if header.plan is not None else None

    def pick(name: str) -> Any:
        value = getattr(model_config, name, None)
        if value is None and plan_config is not None:
            value = getattr(plan_config, name, None)
        return value

    args = {k: v for k, v in (header.eval.model_args or {}).items() if isinstance(v, _SCALAR)}
    return settings_key(
        temperature=pick("temperature"),
        max_tokens=pick("max_tokens"),
        reasoning_effort=pick("reasoning_effort"),
        reasoning_tokens=pick("reasoning_tokens"),
        seed=pick("seed"),
        args=args,
    )


def log_monitor(header: EvalLog) -> str:
    """The runtime monitor a log's task ran under (its ``monitor`` task argument), or ``none``.

    A monitor blocks tool calls, so the agent's later turns (and its executed
    harm) come from another distribution than an unmonitored run's.
    """
    value = (header.eval.task_args or {}).get("monitor")
    return str(value) if value else NO_MONITOR


def log_policy(header: EvalLog) -> str:
    """The verdict policy a log's task ran under, by the task's own rule.

    The ``policy`` task argument if given, else ``both`` with a grader role
    bound, else ``rules`` (see :func:`insiderbench.classify.harm_scorer`).
    """
    given = (header.eval.task_args or {}).get("policy")
    if isinstance(given, str) and given:
        return given
    return "both" if GRADER_ROLE in (header.eval.model_roles or {}) else "rules"


def fill_log_policy(rows: list[dict[str, Any]], default: str) -> None:
    """Give a log's unscored rows (errors, interruptions) the policy the log ran under.

    A sample that failed before scoring carries no record, hence no policy. It
    belongs to the one policy its log's scored rows share (a rescored log's
    records say which), else to the log's task policy (``default``).
    """
    scored = {r["policy"] for r in rows if r.get("policy")}
    policy = scored.pop() if len(scored) == 1 else default
    for row in rows:
        if not row.get("policy"):
            row["policy"] = policy


def _ranked(frame: pd.DataFrame) -> pd.DataFrame:
    measured = frame["status"].astype(str) == Status.MEASURED.value
    created = frame["log_created"].astype(str)
    return frame.assign(_measured=measured, _created=created).sort_values(
        ["_measured", "_created"], kind="stable"
    )


def dedupe(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Apply the two rules of the module docstring; return the rows kept and the reasons."""
    notes: list[str] = []
    if frame.empty:
        return frame, notes
    ranked = _ranked(frame)
    copies = ranked["sample_uuid"].notna() & ranked.duplicated(
        ["sample_uuid", "policy", "judge_model"], keep="last"
    )
    if copies.any():
        notes.append(
            f"{int(copies.sum())} sample(s) found in more than one log file "
            "(the same sample, same policy and judge) were counted once"
        )
    ranked = ranked[~copies]
    superseded = ranked.duplicated(SLOT, keep="last")
    if superseded.any():
        notes.append(
            f"{int(superseded.sum())} earlier attempt(s) of a sample were replaced by a "
            "later attempt of the same run (kept: the measured one, else the newest)"
        )
    kept = ranked[~superseded].drop(columns=["_measured", "_created"]).sort_index()
    for note in notes:
        log.info("%s", note)
    return kept, notes


def distribution_keys(frame: pd.DataFrame, keys: Sequence[str]) -> list[str]:
    """``keys`` plus every :data:`DISTRIBUTION_KEYS` column that varies in ``frame``."""
    out = list(keys)
    for column in DISTRIBUTION_KEYS:
        if column in out or column not in frame.columns:
            continue
        if (
            frame[column].astype(object).where(frame[column].notna(), None).nunique(dropna=False)
            > 1
        ):
            out.append(column)
    return out


def unperturbed(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of unperturbed cells (no ``__`` perturbation in the condition id).

    A perturbed cell is another world than its base; pooling it into a
    contrast or a control check would mix the two silently. How many rows
    were left out is logged.
    """
    if frame.empty:
        return frame
    perturbed = frame["condition_id"].astype(str).str.contains(SEPARATOR, regex=False)
    if perturbed.any():
        log.info(
            "%d sample(s) of perturbed cells left out of a pooled analysis "
            "(they are compared with their base cell in the sensitivity analysis)",
            int(perturbed.sum()),
        )
    return frame[~perturbed.to_numpy(dtype=bool)]


def analysis_keys(frame: pd.DataFrame, keys: Sequence[str]) -> list[str]:
    """The groups a pooled analysis may not cross.

    ``keys``, then ``mode`` if both text and tools mode are present, then
    :func:`distribution_keys`.
    """
    out = list(keys)
    if "mode" in frame.columns and "mode" not in out and frame["mode"].astype(str).nunique() > 1:
        out.append("mode")
    return distribution_keys(frame, out)


def label_with(
    label: pd.Series, frame: pd.DataFrame, keys: Sequence[str], sep: str = " | "
) -> pd.Series:
    """``label`` with ``<sep>key=value`` appended for each of ``keys``: one label per run."""
    for key in keys:
        label = label + f"{sep}{key}=" + frame[key].astype(str)
    return label
