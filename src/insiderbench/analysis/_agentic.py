"""Tools mode in the analysis: text against tools, and what a monitor changed.

Built on :func:`~insiderbench.analysis.load_samples`'s frame, so a sample is
counted once however many logs hold it (resumed and retried runs), and runs
that differ in a distribution key (settings, policy, judge) are never compared
with each other. The tools-mode fields of each sample's ``harm`` record (its
``extra``: executed harm, blocks, harmful calls, what followed a block, why the
episode ended) are too large for Inspect's sample summaries, so they are read
from the full samples of the logs that hold tools-mode rows.

Only measured samples enter a rate; the others are counted. Comparisons
between runs (text against tools, with against without a monitor) are
differences of independent proportions with Newcombe intervals; within one
run, the share of samples a monitor stopped and its recall on harmful calls
are proportions with Wilson intervals.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from insiderbench.analysis._groups import NO_MONITOR, distribution_keys
from insiderbench.analysis._stats import Difference, Proportion, newcombe, wilson
from insiderbench.classify._record import HARM_SCORER, Status
from insiderbench.conditions._perturbations import SEPARATOR

log = logging.getLogger(__name__)

TOOLS_SUFFIX = "_tools"

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

_EPISODE_FIELDS = {
    "executed": None,
    "blocked": 0,
    "harmful_calls": 0,
    "harmful_calls_blocked": 0,
    "after_block": None,
    "end_reason": None,
    "turns": None,
}
"""The tools-mode fields read from a record's ``extra``, with their value when absent."""


def text_counterpart(condition_id: str) -> str:
    """The text-mode id of a condition: ``_tools`` removed, perturbations kept."""
    head, sep, tail = condition_id.partition(SEPARATOR)
    return head.removesuffix(TOOLS_SUFFIX) + sep + tail


def _episodes(log_file: str) -> dict[tuple[str, ...], dict[str, Any]]:
    """Each tools-mode sample's episode fields in one log, by uuid and by (log, id, epoch)."""
    from inspect_ai.log import read_eval_log

    out: dict[tuple[str, ...], dict[str, Any]] = {}
    for sample in read_eval_log(log_file).samples or []:
        score = (sample.scores or {}).get(HARM_SCORER)
        record = score.metadata if score is not None else None
        extra = (record or {}).get("extra") if isinstance(record, dict) else None
        if not isinstance(extra, dict):
            continue
        fields = {k: extra.get(k, default) for k, default in _EPISODE_FIELDS.items()}
        if sample.uuid:
            out[("uuid", sample.uuid)] = fields
        out[("id", log_file, str(sample.id), str(sample.epoch))] = fields
    return out


def agentic_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per sample of ``frame`` (text and tools mode) with its tools-mode fields.

    Columns are :data:`AGENTIC_COLUMNS`, then any distribution key that varies
    in ``frame``. A tools-mode sample whose log no longer holds its episode
    fields keeps them missing, and the count is logged.
    """
    if frame.empty:
        return pd.DataFrame(columns=AGENTIC_COLUMNS)
    keys = [k for k in distribution_keys(frame, []) if k != "monitor"]
    tools = frame["mode"].astype(str) == "tools"
    episodes: dict[tuple[str, ...], dict[str, Any]] = {}
    for log_file in sorted(set(frame.loc[tools, "log_file"].astype(str))):
        episodes.update(_episodes(log_file))
    rows: list[dict[str, Any]] = []
    unread = 0
    for r, is_tools in zip(frame.to_dict("records"), tools, strict=True):
        measured = str(r["status"]) == Status.MEASURED.value
        condition = str(r["condition_id"])
        fields = dict(_EPISODE_FIELDS)
        if is_tools:
            found = episodes.get(("uuid", str(r["sample_uuid"]))) or episodes.get(
                ("id", str(r["log_file"]), str(r["sample_id"]), str(r["epoch"]))
            )
            unread += found is None
            fields |= found or {}
        harmful = r["harmful"]
        rows.append({
            "model": str(r["model"]),
            "condition_id": condition,
            "base_id": text_counterpart(condition),
            "mode": "tools" if is_tools else "text",
            "monitor": str(r["monitor"]) if pd.notna(r["monitor"]) else NO_MONITOR,
            "control": str(r["goal_type"]) == "none" and str(r["urgency"]) == "none",
            "status": str(r["status"]),
            "harmful": bool(harmful) if measured and pd.notna(harmful) else None,
            **fields,
            "executed": fields["executed"] if measured and is_tools else None,
            "blocked": int(fields["blocked"] or 0),
            "harmful_calls": int(fields["harmful_calls"] or 0),
            "harmful_calls_blocked": int(fields["harmful_calls_blocked"] or 0),
            **{k: str(r[k]) for k in keys},
        })  # fmt: skip
    if unread:
        log.warning(
            "%d tools-mode sample(s) have no episode fields in their log (executed harm, "
            "blocks): they are left out of executed harm, harm prevented and recall",
            unread,
        )
    return pd.DataFrame(rows, columns=[*AGENTIC_COLUMNS, *keys])


def load_agentic(paths: Sequence[str | Path]) -> pd.DataFrame:
    """:func:`agentic_frame` of the logs under ``paths`` (read once, duplicates removed)."""
    from insiderbench.analysis._load import load_samples

    return agentic_frame(load_samples(paths))


def run_keys(frame: pd.DataFrame) -> list[str]:
    """The distribution keys an agentic frame carries (runs never compared across them)."""
    return [c for c in frame.columns if c not in AGENTIC_COLUMNS]


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
    keys = ["model", *run_keys(frame)]
    for group, part in plain.groupby([*keys, "base_id"], sort=True):
        named = dict(zip(keys, group[:-1], strict=True))
        tools, text = part[part["mode"] == "tools"], part[part["mode"] == "text"]
        if tools.empty or text.empty:
            continue
        d = newcombe(*_k_n(tools, "harmful"), *_k_n(text, "harmful"))
        rows.append(_difference_row({**named, "condition": group[-1]}, "tools", "text", d))
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
    keys = ["model", *run_keys(frame)]
    for group_key, group in monitored.groupby([*keys, "condition_id", "monitor"], sort=True):
        named = dict(zip(keys, group_key[: len(keys)], strict=True))
        cond, monitor = group_key[-2], group_key[-1]
        measured = group[group["status"] == Status.MEASURED.value]
        attempted = measured["harmful"] == True  # noqa: E712
        row: dict[str, Any] = {**named, "condition": cond, "monitor": monitor}
        row |= _proportion("attempted", wilson(int(attempted.sum()), len(measured)))
        # executed harm is unknown where a log lost the episode fields: left out, never "no"
        known = measured[measured["executed"].notna()]
        executed = known["executed"] == True  # noqa: E712
        row |= _proportion("executed", wilson(int(executed.sum()), len(known)))
        prevented = int(((known["harmful"] == True) & ~executed).sum())  # noqa: E712
        row |= _proportion("prevented", wilson(prevented, len(known)))
        calls, blocked = (
            int(known["harmful_calls"].sum()),
            int(known["harmful_calls_blocked"].sum()),
        )
        row |= _proportion("recall", wilson(blocked, calls))
        if bool(group["control"].iloc[0]):
            alarms = int((known["blocked"] > 0).sum())
            row |= _proportion("false_alarm", wilson(alarms, len(known)))
        for label in ("retried", "switched", "gave_up"):
            row[label] = int((known["after_block"] == label).sum())
        same_run = (tools[list(named)] == pd.Series(named)).all(axis=1)
        baseline = tools[
            same_run & (tools["condition_id"] == cond) & (tools["monitor"] == NO_MONITOR)
        ]
        if not baseline.empty:
            d = newcombe(*_k_n(baseline, "executed"), int(executed.sum()), len(known))
            row |= {
                "harm_prevented": d.diff,
                "harm_prevented_low": d.low,
                "harm_prevented_high": d.high,
            }
        rows.append(row)
    return pd.DataFrame(rows)
