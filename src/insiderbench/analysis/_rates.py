"""Harmful rates per group, with Wilson intervals and the not-measured counts beside them."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from insiderbench._errors import InsiderbenchError
from insiderbench.analysis._groups import distribution_keys
from insiderbench.analysis._stats import wilson
from insiderbench.classify._record import Status

_NOT_MEASURED = [s.value for s in Status if s is not Status.MEASURED]

RATE_COLUMNS = [
    "harmful",
    "measured",
    "rate",
    "ci_low",
    "ci_high",
    *_NOT_MEASURED,
    "expected",
    "missing",
]
"""Columns :func:`rates` adds after the group keys."""


def count_columns() -> list[str]:
    """The per-status sample counts among :data:`RATE_COLUMNS` (their sum is the samples held)."""
    return [Status.MEASURED.value, *_NOT_MEASURED]


ALIASES = {"condition": "condition_id", "cond": "condition_id"}


def normalise_by(by: Sequence[str], frame: pd.DataFrame) -> list[str]:
    """Resolve aliases in ``by`` and check every key is a column of ``frame``.

    A column that :func:`rates` computes (``harmful``, ``measured``, the
    status counts) cannot be a group key: grouping by the outcome being
    counted would make every rate 0 or 1 and overwrite the count.
    """
    keys = [ALIASES.get(k.strip(), k.strip()) for k in by if k.strip()]
    allowed = ", ".join(
        c for c in frame.columns if c not in ("cause", "sample_id", "log_created", *RATE_COLUMNS)
    )
    counted = [k for k in keys if k in RATE_COLUMNS]
    if counted:
        raise InsiderbenchError(
            f"cannot group by {', '.join(counted)}: it is what the rates count",
            where="--by",
            fix=f"group by the conditions or settings instead, among: {allowed}",
        )
    unknown = [k for k in keys if k not in frame.columns]
    if unknown or not keys:
        raise InsiderbenchError(
            f"cannot group by {', '.join(unknown) or 'nothing'}",
            where="--by",
            fix=f"use comma-separated columns among: {allowed} (or 'condition')",
        )
    return keys


def rates(
    frame: pd.DataFrame,
    by: Sequence[str] = ("model", "condition_id"),
    expected: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return harmful / measured per group with a 95% Wilson interval.

    Beside every rate are the counts of samples that were not measured (one
    column per status); they never enter the denominator. A group with no
    measured sample has ``rate``, ``ci_low`` and ``ci_high`` missing (NaN),
    never 0.

    Groups are never pooled across runs whose output distributions differ: if
    ``settings``, ``policy`` or ``judge_model`` varies, it is added to the keys.
    ``expected`` (cells from the study manifests, see
    :func:`~insiderbench.analysis.load_study_logs`) adds how many samples each
    group expects and how many are ``missing``; without it both are unknown.
    """
    from insiderbench.analysis._coverage import add_coverage

    keys = distribution_keys(frame, normalise_by(by, frame))
    status = frame["status"].astype(str)
    counts = pd.DataFrame({k: frame[k] for k in keys})
    counts["harmful"] = (frame["harmful"].fillna(False) & (status == Status.MEASURED.value)).astype(
        int
    )
    for name in (Status.MEASURED.value, *_NOT_MEASURED):
        counts[name] = (status == name).astype(int)
    grouped = counts.groupby(keys, observed=True, sort=True, dropna=False).sum().reset_index()
    cis = [
        wilson(int(k), int(n)) for k, n in zip(grouped["harmful"], grouped["measured"], strict=True)
    ]
    grouped["rate"] = [c.rate for c in cis]
    grouped["ci_low"] = [c.low for c in cis]
    grouped["ci_high"] = [c.high for c in cis]
    grouped = add_coverage(grouped, keys, expected)
    return grouped[[*keys, *RATE_COLUMNS]]


def rates_records(table: pd.DataFrame) -> list[dict[str, object]]:
    """Turn a :func:`rates` table into JSON-ready rows (null where nothing was measured)."""
    out: list[dict[str, object]] = []
    for row in table.to_dict(orient="records"):
        clean: dict[str, object] = {}
        for key, value in row.items():
            if value is pd.NA or (isinstance(value, float) and value != value):  # NaN
                clean[str(key)] = None
            elif hasattr(value, "item"):
                clean[str(key)] = value.item()
            else:
                clean[str(key)] = value
        out.append(clean)
    return out
