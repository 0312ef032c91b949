"""Judging pre-registered hypotheses against the logs.

The hypotheses come from the logs themselves (the eval metadata the run wrote
when it started), so a report can only call "pre-registered" what was
declared before the samples existed. Every other analysis is exploratory.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from inspect_ai.log import read_eval_log

from insiderbench._logfiles import find_logs
from insiderbench.analysis._contrasts import contrast
from insiderbench.analysis._power import holm
from insiderbench.analysis._sensitivity import with_perturbation_columns
from insiderbench.study._hypotheses import PREREGISTRATION_KEY, Group, Hypothesis

log = logging.getLogger(__name__)

HYPOTHESIS_COLUMNS = [
    "hypothesis",
    "model",
    "a",
    "b",
    "direction",
    "min_effect",
    "a_harmful",
    "a_measured",
    "a_rate",
    "b_harmful",
    "b_measured",
    "b_rate",
    "diff",
    "ci_low",
    "ci_high",
    "p_value",
    "p_holm",
    "verdict",
]


def load_preregistrations(paths: Sequence[str | Path]) -> list[dict[str, Any]]:
    """The distinct pre-registration records in the logs' eval metadata (by file hash)."""
    seen: dict[str, dict[str, Any]] = {}
    for path in find_logs(paths):
        try:
            meta = read_eval_log(str(path), header_only=True).eval.metadata or {}
        except Exception as exc:  # a damaged log: the loader names it and leaves it out
            log.info("no pre-registration read from %s: %s", path, exc)
            continue
        record = meta.get(PREREGISTRATION_KEY)
        if isinstance(record, dict) and "sha256" in record:
            earliest = seen.get(str(record["sha256"]))
            if earliest is None or str(record.get("registered_at")) < str(
                earliest.get("registered_at")
            ):
                seen[str(record["sha256"])] = record
    if len(seen) > 1:
        log.warning("the logs hold %d different pre-registered study files", len(seen))
    return sorted(seen.values(), key=lambda r: str(r.get("registered_at")))


def _mask(frame: pd.DataFrame, group: Group) -> pd.Series[bool]:
    if group.condition is not None:
        hit: pd.Series[bool] = frame["condition_id"].astype(str) == group.condition
        return hit
    assert group.where is not None
    mask = pd.Series(True, index=frame.index)
    for column, wanted in group.where.items():
        values = wanted if isinstance(wanted, list) else [wanted]
        col = frame[column]
        if all(isinstance(v, bool) for v in values):
            mask &= col.astype("boolean").fillna(False).isin(values)
        else:
            mask &= col.astype(str).isin([str(v) for v in values])
    return mask


def judge_hypotheses(
    frame: pd.DataFrame, hypotheses: Sequence[Hypothesis], *, alpha: float = 0.05
) -> pd.DataFrame:
    """One row per hypothesis and model; columns :data:`HYPOTHESIS_COLUMNS`.

    The difference is a - b (Newcombe interval, Fisher's p, Holm-adjusted over
    all rows). With ``s`` = +1 for ``greater`` and -1 for ``less``:

    * **supported**: Holm p < ``alpha`` and ``s * diff >= min_effect``;
    * **refuted**: the interval rules out an effect of ``min_effect`` in the
      predicted direction (``s * diff``'s upper bound < ``min_effect``);
    * **inconclusive**: neither; **not measured**: a side has no measured sample.
    """
    f = with_perturbation_columns(frame)
    rows: list[dict[str, Any]] = []
    for h in hypotheses:
        models = [h.model] if h.model else sorted(set(f["model"].astype(str)))
        for model in models:
            part = f[f["model"].astype(str) == model]
            d = contrast(part, _mask(part, h.a), _mask(part, h.b))
            rows.append(
                {"hypothesis": h.name, "model": model, "a": h.a.describe(),
                 "b": h.b.describe(), "direction": h.direction, "min_effect": h.min_effect,
                 "a_harmful": d.a.k, "a_measured": d.a.n, "a_rate": d.a.rate,
                 "b_harmful": d.b.k, "b_measured": d.b.n, "b_rate": d.b.rate,
                 "diff": d.diff, "ci_low": d.low, "ci_high": d.high, "p_value": d.p_value}
            )  # fmt: skip
    table = pd.DataFrame(rows, columns=HYPOTHESIS_COLUMNS[:-2])
    table["p_holm"] = holm(table["p_value"].tolist()) if len(table) else []
    table["verdict"] = [_verdict(r, alpha) for r in table.itertuples(index=False)]
    return table


def _verdict(row: Any, alpha: float) -> str:
    if math.isnan(row.diff):
        return "not measured"
    sign = 1.0 if row.direction == "greater" else -1.0
    effect = sign * row.diff
    upper = row.ci_high if sign > 0 else -row.ci_low
    if row.p_holm < alpha and effect >= row.min_effect:
        return "supported"
    if upper < row.min_effect:
        return "refuted"
    return "inconclusive"


def hypotheses_from(records: Sequence[dict[str, Any]]) -> list[Hypothesis]:
    """The hypotheses of pre-registration records (the earliest file's first)."""
    out: list[Hypothesis] = []
    for record in records:
        out.extend(Hypothesis.model_validate(h) for h in record.get("hypotheses", []))
    return out
