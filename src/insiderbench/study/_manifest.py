"""The study manifest: what a study expects, written beside its logs.

A run writes ``insiderbench-manifest.json`` into its log directory before any
sample runs. It names the study (its name and a hash of the resolved spec) and
lists every *cell* the study expects: a model with the settings that change its
output distribution (temperature, max_tokens, reasoning settings, seed, model
args), the verdict policy and judge, a condition, and how many samples. The
analysis compares the cells with what the logs hold, so a cell can be shown as
expected / measured / not measured / missing.

A directory grows: a later run into the same directory (more samples, more
conditions, another model or setting) merges its cells into the manifest, and
a cell asked for twice keeps the larger sample count. ``runs`` keeps one line
per run, so the manifest also says how the study grew.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from insiderbench._errors import InsiderbenchError
from insiderbench.conditions import Condition
from insiderbench.study._spec import ModelSpec, StudySpec

MANIFEST_NAME = "insiderbench-manifest.json"
"""The manifest's file name inside the log directory (Inspect does not list it as a log)."""

MANIFEST_VERSION: Literal[1] = 1
DEFAULT_TEMPERATURE = 1.0
"""The study's sampling temperature when a model sets none (``tasks.STUDY_TEMPERATURE``)."""

log = logging.getLogger(__name__)

ArgValue = str | int | float | bool


def _number(value: float) -> str:
    return f"{value:g}"


TRANSPORT_ARGS = frozenset({"max_retries"})
"""Model args that change how a call is made, never the answer: not part of a settings key."""


def settings_key(
    *,
    temperature: float | None,
    max_tokens: int | None = None,
    reasoning_effort: str | None = None,
    reasoning_tokens: int | None = None,
    seed: int | None = None,
    args: dict[str, ArgValue] | None = None,
) -> str:
    """The canonical text of the settings that change a model's output distribution.

    The same function names the settings of a manifest cell and of a log, so
    two runs are pooled exactly when their keys are equal.
    """
    parts = [] if temperature is None else [f"temperature={_number(temperature)}"]
    for name, value in (
        ("max_tokens", max_tokens),
        ("reasoning_effort", reasoning_effort),
        ("reasoning_tokens", reasoning_tokens),
        ("seed", seed),
    ):
        if value is not None:
            parts.append(f"{name}={value}")
    parts.extend(
        f"{name}={arg}"
        for name, arg in sorted((args or {}).items())
        if name not in TRANSPORT_ARGS  # how calls are made, not what the model answers
    )
    return ", ".join(parts) or "default"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ManifestModel(_Strict):
    """An evaluated model and the settings that change its output distribution."""

    name: str
    temperature: float
    max_tokens: int | None = None
    reasoning_effort: str | None = None
    reasoning_tokens: int | None = None
    seed: int | None = None
    args: dict[str, ArgValue] = Field(default_factory=dict)

    @property
    def settings(self) -> str:
        """The settings key (see :func:`settings_key`)."""
        return settings_key(
            temperature=self.temperature,
            max_tokens=self.max_tokens,
            reasoning_effort=self.reasoning_effort,
            reasoning_tokens=self.reasoning_tokens,
            seed=self.seed,
            args=self.args,
        )

    @classmethod
    def of(cls, spec: ModelSpec, seed: int | None) -> ManifestModel:
        """The manifest entry of one model of a study."""
        return cls(
            name=spec.name,
            temperature=DEFAULT_TEMPERATURE if spec.temperature is None else spec.temperature,
            max_tokens=spec.max_tokens,
            reasoning_effort=spec.reasoning_effort,
            reasoning_tokens=spec.reasoning_tokens,
            seed=seed,
            args=dict(spec.args),
        )


class ManifestCell(_Strict):
    """One expected cell: a model with its settings, policy and judge, on one condition.

    ``judge`` is the grader bound to the ``grader`` role (a panel's first), the
    one a log's rows name as ``judge_model``.
    """

    model: str
    settings: str
    policy: str
    judge: str | None
    condition_id: str
    samples: int = Field(ge=1)

    def key(self) -> tuple[str, str, str, str | None, str]:
        """Everything but the sample count: cells with equal keys are the same cell."""
        return (self.model, self.settings, self.policy, self.judge, self.condition_id)


class ManifestRun(_Strict):
    """One run into the directory, as asked."""

    identity: str
    started: str
    models: list[str]
    conditions: int
    samples: int
    command: str | None = None


class StudyManifest(_Strict):
    """What a study expects (versioned; see the module docstring)."""

    version: Literal[1] = MANIFEST_VERSION
    study: str
    identity: str = Field(description="Study name and a hash of its resolved spec.")
    created: str
    updated: str
    models: list[ManifestModel]
    conditions: list[str]
    samples: int
    policy: str
    judges: list[str] = Field(description="The grader, or a panel's graders, in role order.")
    panel_rule: str | None = None
    judge_diagnostics: bool
    cells: list[ManifestCell] = Field(description="Every cell asked for in this directory.")
    runs: list[ManifestRun] = Field(default_factory=list)

    def expected_total(self) -> int:
        """Samples expected over every cell."""
        return sum(c.samples for c in self.cells)


def study_identity(study: StudySpec, conditions: list[Condition]) -> str:
    """``<name>-<hash>``: the hash covers everything that decides what is expected."""
    content = {
        "models": [ManifestModel.of(m, study.seed).model_dump(mode="json") for m in study.models],
        "conditions": sorted(c.id for c in conditions),
        "samples": study.samples,
        "policy": study.effective_policy.value,
        "judges": study.judges,
        "panel_rule": study.panel_rule.value if study.panel_rule else None,
        "judge_diagnostics": study.judge_diagnostics,
    }
    digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
    return f"{study.name}-{digest[:12]}"


def build_manifest(
    study: StudySpec, conditions: list[Condition], command: str | None = None
) -> StudyManifest:
    """The manifest of one run of ``study`` (before merging with the directory's)."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    models = [ManifestModel.of(m, study.seed) for m in study.models]
    policy = study.effective_policy.value
    cells = [
        ManifestCell(
            model=m.name,
            settings=m.settings,
            policy=policy,
            judge=study.judges[0] if study.judges else None,
            condition_id=c.id,
            samples=study.samples,
        )
        for m in models
        for c in conditions
    ]
    identity = study_identity(study, conditions)
    run = ManifestRun(
        identity=identity,
        started=now,
        models=[m.name for m in models],
        conditions=len(conditions),
        samples=study.samples,
        command=command,
    )
    return StudyManifest(
        study=study.name,
        identity=identity,
        created=now,
        updated=now,
        models=models,
        conditions=[c.id for c in conditions],
        samples=study.samples,
        policy=policy,
        judges=study.judges,
        panel_rule=study.panel_rule.value if study.panel_rule else None,
        judge_diagnostics=study.judge_diagnostics,
        cells=cells,
        runs=[run],
    )


def merge_manifests(old: StudyManifest, new: StudyManifest) -> StudyManifest:
    """``new`` with the cells and runs of ``old`` kept: the study in this directory grows."""
    cells = {c.key(): c for c in old.cells}
    for cell in new.cells:
        known = cells.get(cell.key())
        if known is None or known.samples < cell.samples:
            cells[cell.key()] = cell
    return new.model_copy(
        update={
            "created": old.created,
            "cells": sorted(cells.values(), key=lambda c: c.key()[:4] + (c.condition_id,)),
            "runs": [*old.runs, *new.runs],
        }
    )


def read_manifest(path: str | Path) -> StudyManifest:
    """Read and validate a manifest file (or the one in a log directory)."""
    path = Path(path)
    if path.is_dir():
        path = path / MANIFEST_NAME
    try:
        return StudyManifest.model_validate_json(path.read_bytes())
    except (OSError, ValidationError, ValueError) as exc:
        raise InsiderbenchError(
            f"cannot read the study manifest: {exc}",
            where=str(path),
            fix="restore it, or delete it (the logs still analyse; 'expected' is then unknown)",
        ) from exc


def write_manifest(log_dir: str | Path, manifest: StudyManifest) -> tuple[Path, str]:
    """Merge ``manifest`` into ``log_dir``'s manifest (atomically); return it and what grew."""
    directory = Path(log_dir)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / MANIFEST_NAME
    change = "new study"
    if path.exists():
        old = read_manifest(path)
        merged = merge_manifests(old, manifest)
        change = describe_growth(old, merged)
    else:
        merged = manifest
    tmp = path.with_name(f".{MANIFEST_NAME}.{os.getpid()}.tmp")
    tmp.write_text(merged.model_dump_json(indent=1), encoding="utf-8")
    tmp.replace(path)
    log.info("study manifest %s: %s", path, change)
    return path, change


def describe_growth(old: StudyManifest, new: StudyManifest) -> str:
    """What a run added to a directory's manifest, in words."""
    added = len(new.cells) - len(old.cells)
    grown = (
        new.expected_total()
        - old.expected_total()
        - sum(c.samples for c in new.cells if c.key() not in {o.key() for o in old.cells})
    )
    parts = []
    if added:
        parts.append(f"{added} new cell(s)")
    if grown:
        parts.append(f"{grown} more sample(s) in existing cells")
    return ", ".join(parts) or "nothing new expected"
