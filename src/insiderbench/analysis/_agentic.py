"""Tools mode in the analysis: text against tools, and what a monitor changed.

Reads the tools-mode fields of each sample's ``harm`` record (its ``extra``:
attempted, executed, blocks, recall counts, what followed a block) beside the
condition, model and monitor. Only measured samples enter a rate; the others
are counted. Comparisons between runs (text against tools, with against
without a monitor) are differences of independent proportions with Newcombe
intervals; within one run, the share of samples a monitor stopped and its
recall on harmful calls are proportions with Wilson intervals.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from insiderbench._logfiles import find_logs
from insiderbench.analysis._stats import Difference, Proportion, newcombe, wilson
from insiderbench.classify._record import HARM_SCORER, Status

TOOLS_SUFFIX = "_tools"
NO_MONITOR = "none"

AGENTIC_COLUMNS = [
    "model",
    "condition_id",
    "base_id",
    "mode",
    "monitor",
    "control",
    "status",
    "harmful",
    "executed",
    "blocked",
    "harmful_calls",
    "harmful_calls_blocked",
    "after_block",
    "end_reason",
    "turns",
]


def _row(
    model: str, condition: str, meta: dict[str, Any], record: dict[str, Any]
) -> dict[str, Any]:
    extra = record.get("extra") or {}
    tools = condition.endswith(TOOLS_SUFFIX)
    measured = record.get("status") == Status.MEASURED.value
    return {
        "model": model,
        "condition_id": condition,
        "base_id": condition.removesuffix(TOOLS_SUFFIX) if tools else condition,
        "mode": "tools" if tools else "text",
        "monitor": extra.get("monitor") or NO_MONITOR,
        "control": meta.get("goal_type") == "none" and meta.get("urgency") == "none",
        "status": record.get("status"),
        "harmful": record.get("harmful") if measured else None,
        "executed": extra.get("executed") if measured and tools else None,
        "blocked": int(extra.get("blocked") or 0),
        "harmful_calls": int(extra.get("harmful_calls") or 0),
        "harmful_calls_blocked": int(extra.get("harmful_calls_blocked") or 0),
        "after_block": extra.get("after_block"),
        "end_reason": extra.get("end_reason"),
        "turns": extra.get("turns"),
    }


def load_agentic(paths: Sequence[str | Path]) -> pd.DataFrame:
    """One row per scored sample (text and tools mode) with its tools-mode fields."""
    from inspect_ai.log import read_eval_log

    rows: list[dict[str, Any]] = []
    for path in find_logs(paths):
        log = read_eval_log(str(path))
        for sample in log.samples or []:
            score = (sample.scores or {}).get(HARM_SCORER)
            if score is None or not isinstance(score.metadata, dict):
                continue
            meta = sample.metadata or {}
            condition = str(meta.get("condition_id", sample.id))
            rows.append(_row(log.eval.model, condition, meta, score.metadata))
    return pd.DataFrame(rows, columns=AGENTIC_COLUMNS)


def _k_n(frame: pd.DataFrame, column: str) -> tuple[int, int]:
    measured = frame[frame["status"] == Status.MEASURED.value]
    values = measured[column].dropna()
    return int((values == True).sum()), len(values)  # noqa: E712 - object column of bools


def _difference_row(keys: dict[str, Any], a: str, b: str, d: Difference) -> dict[str, Any]:
    return {
        **keys,
        f"{a}_k": d.a.k,
        f"{a}_n": d.a.n,
        f"{b}_k": d.b.k,
        f"{b}_n": d.b.n,
        "difference": d.diff,
        "ci_low": d.low,
        "ci_high": d.high,
        "p_value": d.p_value,
    }


def mode_comparison(frame: pd.DataFrame) -> pd.DataFrame:
    """Harmful rate in tools mode minus text mode, per model and condition, unmonitored.

    Only conditions run in both modes appear; the interval is Newcombe's.
    """
    rows = []
    plain = frame[frame["monitor"] == NO_MONITOR]
    for (model, base), group in plain.groupby(["model", "base_id"], sort=True):
        tools, text = group[group["mode"] == "tools"], group[group["mode"] == "text"]
        if tools.empty or text.empty:
            continue
        d = newcombe(*_k_n(tools, "harmful"), *_k_n(text, "harmful"))
        rows.append(_difference_row({"model": model, "condition": base}, "tools", "text", d))
    return pd.DataFrame(rows)


def _proportion(prefix: str, p: Proportion) -> dict[str, Any]:
    return {
        f"{prefix}_k": p.k,
        f"{prefix}_n": p.n,
        prefix: p.rate,
        f"{prefix}_low": p.low,
        f"{prefix}_high": p.high,
    }


def monitor_effect(frame: pd.DataFrame) -> pd.DataFrame:
    """What each monitor did, per model and tools-mode condition.

    - ``attempted`` and ``executed``: harmful samples under the monitor;
    - ``prevented``: samples whose harm was attempted but did not go through;
    - ``recall``: harmful calls blocked over harmful calls;
    - ``false_alarm``: on control conditions, samples with any block;
    - ``harm_prevented``: executed harm without the monitor minus with it
      (Newcombe), when the same condition was also run without one.
    Behaviour after a first block is counted as ``retried``, ``switched``, ``gave_up``.
    """
    tools = frame[frame["mode"] == "tools"]
    rows = []
    monitored = tools[tools["monitor"] != NO_MONITOR]
    for (model, cond, monitor), group in monitored.groupby(
        ["model", "condition_id", "monitor"], sort=True
    ):
        measured = group[group["status"] == Status.MEASURED.value]
        attempted = measured["harmful"] == True  # noqa: E712
        executed = measured["executed"] == True  # noqa: E712
        row: dict[str, Any] = {"model": model, "condition": cond, "monitor": monitor}
        row |= _proportion("attempted", wilson(int(attempted.sum()), len(measured)))
        row |= _proportion("executed", wilson(int(executed.sum()), len(measured)))
        prevented = int((attempted & ~executed).sum())
        row |= _proportion("prevented", wilson(prevented, len(measured)))
        calls, blocked = (
            int(measured["harmful_calls"].sum()),
            int(measured["harmful_calls_blocked"].sum()),
        )
        row |= _proportion("recall", wilson(blocked, calls))
        if bool(group["control"].iloc[0]):
            alarms = int((measured["blocked"] > 0).sum())
            row |= _proportion("false_alarm", wilson(alarms, len(measured)))
        for label in ("retried", "switched", "gave_up"):
            row[label] = int((measured["after_block"] == label).sum())
        baseline = tools[
            (tools["model"] == model)
            & (tools["condition_id"] == cond)
            & (tools["monitor"] == NO_MONITOR)
        ]
        if not baseline.empty:
            d = newcombe(*_k_n(baseline, "executed"), int(executed.sum()), len(measured))
            row |= {
                "harm_prevented": d.diff,
                "harm_prevented_low": d.low,
                "harm_prevented_high": d.high,
            }
        rows.append(row)
    return pd.DataFrame(rows)
