"""What a study expected beside what its logs hold: expected / measured / not measured / missing.

The expectation comes from the study manifests found in the log directories
given (``insiderbench-manifest.json``, written by ``insiderbench run``). Logs
without a manifest (older runs, ``inspect eval``) still analyse; their
``expected`` and ``missing`` are unknown (null), never 0.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from insiderbench.analysis._load import AXES, read_logs
from insiderbench.conditions import Condition
from insiderbench.study._manifest import MANIFEST_NAME, StudyManifest, read_manifest

log = logging.getLogger(__name__)

CELL_KEYS = ["model", "settings", "policy", "judge_model", "condition_id"]
"""What identifies an expected cell."""

EXPECTED_COLUMNS = [*CELL_KEYS, *AXES, "expected"]


@dataclass
class StudyLogs:
    """Logs and manifests read together."""

    frame: pd.DataFrame
    """:func:`~insiderbench.analysis.load_samples` of the logs."""
    expected: pd.DataFrame | None
    """One row per expected cell (:data:`EXPECTED_COLUMNS`), or None without a manifest."""
    manifests: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Why rows were removed (duplicates), one line per reason, with counts."""
    damaged: list[tuple[str, str]] = field(default_factory=list)
    """(log file, reason) of every log left out because it cannot be read."""


def find_manifests(paths: Sequence[str | Path]) -> list[Path]:
    """The manifests inside the directories given (a log file given alone brings none)."""
    found: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.update(p.resolve() for p in path.rglob(MANIFEST_NAME))
    return sorted(found)


def expected_cells(manifests: Sequence[StudyManifest]) -> pd.DataFrame:
    """One row per cell expected by ``manifests``.

    Each manifest is one log directory's study (its cells already merged over
    the runs into it); separate directories are separate runs, so a cell that
    several expect adds up, as their replicate samples are pooled.
    """
    cells: dict[tuple[str, str, str, str | None, str], int] = {}
    for manifest in manifests:
        for cell in manifest.cells:
            cells[cell.key()] = cells.get(cell.key(), 0) + cell.samples
    rows = []
    for (model, settings, policy, judge, condition_id), samples in cells.items():
        axes = Condition.from_id(condition_id).axes()
        rows.append({
            "model": model,
            "settings": settings,
            "policy": policy,
            "judge_model": judge,
            "condition_id": condition_id,
            **{axis: axes[axis] for axis in AXES},
            "expected": samples,
        })  # fmt: skip
    return pd.DataFrame(rows, columns=EXPECTED_COLUMNS)


def load_study_logs(paths: Sequence[str | Path]) -> StudyLogs:
    """Read the logs under ``paths`` and the manifests of the directories among them."""
    read = read_logs(paths)
    manifest_paths = find_manifests(paths)
    manifests = [read_manifest(p) for p in manifest_paths]
    expected = expected_cells(manifests) if manifests else None
    return StudyLogs(read.frame, expected, manifest_paths, read.notes, read.damaged)


def _join_key(frame: pd.DataFrame, keys: Sequence[str]) -> pd.Series:
    parts = [frame[k].astype(object).where(frame[k].notna(), None).map(str) for k in keys]
    if not parts:
        return pd.Series([""] * len(frame), index=frame.index)
    joined = parts[0]
    for part in parts[1:]:
        joined = joined + "\x1f" + part
    return joined


def add_coverage(
    table: pd.DataFrame, keys: Sequence[str], expected: pd.DataFrame | None
) -> pd.DataFrame:
    """Add ``expected`` and ``missing`` to a rates ``table`` grouped by ``keys``.

    Cells the manifest expects but no log holds become rows with nothing
    measured. Where the expectation is unknown (no manifest, a grouping the
    manifest cannot answer, a cell it does not list) both are missing values.
    """
    from insiderbench.analysis._rates import count_columns

    counted = count_columns()
    observed = table[[*counted]].sum(axis=1) if len(table) else pd.Series(dtype=int)
    table = table.assign(_seen=observed)
    usable = expected is not None and all(k in expected.columns for k in keys)
    if not usable:
        return table.drop(columns="_seen").assign(
            expected=pd.array([pd.NA] * len(table), dtype="Int64"),
            missing=pd.array([pd.NA] * len(table), dtype="Int64"),
        )
    assert expected is not None
    want = expected.assign(_key=_join_key(expected, keys))
    per_key = want.groupby("_key", sort=False)["expected"].sum()
    first = want.drop_duplicates("_key").set_index("_key")
    table = table.assign(_key=_join_key(table, keys))
    absent = [k for k in per_key.index if k not in set(table["_key"])]
    if absent:
        extra = first.loc[absent, list(keys)].reset_index()
        for col in ("harmful", *counted):
            extra[col] = 0
        extra["_seen"] = 0
        extra["rate"] = extra["ci_low"] = extra["ci_high"] = float("nan")
        table = pd.concat(
            [table.astype({k: object for k in keys}), extra[[*table.columns]]], ignore_index=True
        )
    exp = table["_key"].map(per_key)
    table["expected"] = pd.array([pd.NA if pd.isna(v) else int(v) for v in exp], dtype="Int64")
    missing = [
        pd.NA if pd.isna(e) else max(0, int(e) - int(s))
        for e, s in zip(exp, table["_seen"], strict=True)
    ]
    table["missing"] = pd.array(missing, dtype="Int64")
    table = table.sort_values(list(keys), key=lambda s: s.astype(str), kind="stable")
    return table.drop(columns=["_seen", "_key"]).reset_index(drop=True)
