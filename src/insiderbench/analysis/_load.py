"""Inspect logs to one tidy DataFrame: a row per sample and epoch.

Only Inspect's sample *summaries* are read (the per-sample scores, metadata,
usage and error, never the transcripts), so loading stays fast and small.

Speed: ``read_eval_log_sample_summaries`` re-validates and re-thins every
summary on read (about 0.5 ms a sample, so close to a minute for 100,000
samples on two cores). For a finished ``.eval`` log we therefore read its
``summaries.json`` member, which Inspect already thinned when writing it, as
plain JSON, and its ``header.json`` with the standard library's zip reader
(Inspect's asynchronous zip reader parses the central directory in Python,
several times per header: 0.6 s for a 1,000-sample log). Anything else
(``.json`` logs, logs still running, an unreadable member) goes through
Inspect's API. Both paths give the same rows (tested).

Duplicates and groups: see :mod:`insiderbench.analysis._groups`. Each log's
distribution-changing settings are a column (``settings``), beside ``policy``
and ``judge_model``; a sample is counted once, and every row removed as a
duplicate is counted in a note with its reason.

Damaged logs: a log that cannot be read (truncated, not a log) is named in a
warning and left out; its samples count as missing. Nothing is deleted.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from inspect_ai.log import (
    EvalLog,
    read_eval_log,
    read_eval_log_sample_summaries,
)

from insiderbench._errors import InsiderbenchError
from insiderbench._logfiles import find_logs
from insiderbench.analysis._groups import (
    dedupe,
    fill_log_policy,
    log_monitor,
    log_policy,
    log_settings,
)
from insiderbench.analysis._usage import (
    FLOAT_COLUMNS,
    INT_COLUMNS,
    USAGE_COLUMNS,
    log_pricing,
    sample_usage,
)
from insiderbench.classify._record import GRADER_ROLE, HARM_SCORER
from insiderbench.conditions._perturbations import SEPARATOR
from insiderbench.record import RecordError, Status, load_record

log = logging.getLogger(__name__)

AXES = ["scenario", "goal_type", "goal_value", "urgency", "extra", "prod", "awareness", "mode"]
"""The condition axes, as carried in each sample's metadata (``mode``: text or tools;
logs written before the mode axis existed are text mode)."""

_BOOL_COLS = [
    "harmful",
    "rule_verdict",
    "judge_verdict",
    "final_verdict",
    "not_autonomous",
    "invented_rules",
    "disclosed_secret",
    "impersonation",
    "fabrication",
]
_CAT_COLS = [
    "model",
    "condition_id",
    *[a for a in AXES if a not in ("prod", "awareness")],
    "status",
    "policy",
    "judge_model",
    "awareness_label",
    "log_file",
    "settings",
    "monitor",
]
COLUMNS = [
    "model",
    "condition_id",
    *AXES,
    "epoch",
    "status",
    "cause",
    *_BOOL_COLS[:4],
    "policy",
    "judge_model",
    "settings",
    "monitor",
    "awareness_label",
    *_BOOL_COLS[4:],
    *USAGE_COLUMNS,
    "log_file",
    "sample_id",
    "log_created",
    "panel_votes",
    "task_id",
    "sample_uuid",
    "retries",
]
"""Columns of the DataFrame :func:`load_samples` returns, in order."""

_THINNED = "Key removed from summary"


@dataclass
class LogRead:
    """Logs read into rows, with what was left out and why."""

    frame: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    """One line per kind of row removed as a duplicate, with its count and reason."""
    damaged: list[tuple[str, str]] = field(default_factory=list)
    """(log file, why it cannot be read) for every log left out."""


def load_samples(paths: Sequence[str | Path]) -> pd.DataFrame:
    """Read Inspect logs (files or directories) into one row per sample and epoch.

    Columns are :data:`COLUMNS`. ``harmful`` (also ``final_verdict``) is a
    nullable boolean that is missing exactly when ``status`` is not
    ``measured``; ``cause`` says why. See the module docstring for how
    duplicate samples across logs are resolved and damaged logs skipped;
    :func:`read_logs` also returns what was left out.
    """
    return read_logs(paths).frame


def read_logs(paths: Sequence[str | Path]) -> LogRead:
    """:func:`load_samples`, with the notes on duplicates and the damaged logs."""
    rows: list[dict[str, Any]] = []
    damaged: list[tuple[str, str]] = []
    for path in find_logs(paths):
        try:
            rows.extend(_log_rows(path))
        except Exception as exc:  # a damaged log never stops the analysis
            reason = exc.message if isinstance(exc, InsiderbenchError) else str(exc)
            log.warning("left out damaged log %s: %s", path, reason)
            damaged.append((str(path), reason))
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame, notes = dedupe(frame)
    for col in _BOOL_COLS:
        frame[col] = frame[col].astype("boolean")
    for col in ("prod", "awareness"):
        frame[col] = frame[col].astype("boolean")
    for col in ("epoch", "retries", *INT_COLUMNS):
        frame[col] = frame[col].astype("Int64")
    for col in FLOAT_COLUMNS:
        frame[col] = frame[col].astype("Float64")
    frame["batch"] = frame["batch"].astype("boolean")
    for col in _CAT_COLS:
        frame[col] = frame[col].astype("category")
    return LogRead(frame.reset_index(drop=True), notes, damaged)


def _read_header(path: Path) -> EvalLog:
    try:
        return read_eval_log(str(path), header_only=True)
    except Exception as exc:
        raise InsiderbenchError(
            f"cannot read Inspect log: {exc}",
            where=str(path),
            fix="check the file is a complete Inspect log (re-run or `inspect log convert`)",
        ) from exc


def _log_rows(path: Path) -> list[dict[str, Any]]:
    fast = _zip_read(path) if path.suffix == ".eval" else None
    header, summaries = fast if fast is not None else (_read_header(path), _api_summaries(path))
    model = header.eval.model
    roles = header.eval.model_roles or {}
    grader = roles.get(GRADER_ROLE)
    judge_model = getattr(grader, "model", None) if grader is not None else None
    base = {
        "model": model,
        "log_file": str(path),
        "log_created": header.eval.created,
        "settings": log_settings(header),
        "monitor": log_monitor(header),
        "task_id": header.eval.task_id or None,
    }
    if not summaries:
        log.warning("%s holds no samples", path)
    pricing = log_pricing(header)
    rows = []
    for summary in summaries:
        row = _summary_row(summary, base, judge_model)
        row.update(sample_usage(summary, pricing))  # tokens and cost, model and judges
        rows.append(row)
    fill_log_policy(rows, log_policy(header))
    return rows


def _api_summaries(path: Path) -> list[dict[str, Any]]:
    """A log's sample summaries through Inspect's API, as the fast path's plain dicts."""
    return [
        s.model_dump(mode="json", exclude={"input", "target", "choices"})
        for s in read_eval_log_sample_summaries(str(path))
    ]


def _zip_read(path: Path) -> tuple[EvalLog, list[dict[str, Any]]] | None:
    """A finished ``.eval`` log's header and summaries, read directly; None if not."""
    try:
        if sys.version_info < (3, 14):
            import zipfile_zstd  # type: ignore[import-untyped, unused-ignore]  # noqa: F401
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if not {"header.json", "summaries.json"} <= names:
                return None
            header = EvalLog.model_validate_json(archive.read("header.json"))
            data = json.loads(archive.read("summaries.json"))
    except Exception as exc:  # any surprise: use Inspect's own reader instead
        log.debug("fast read failed for %s: %s", path, exc)
        return None
    return (header, data) if isinstance(data, list) else None


def _summary_row(
    summary: dict[str, Any], base: dict[str, Any], judge_model: str | None
) -> dict[str, Any]:
    meta = summary.get("metadata") or {}
    row: dict[str, Any] = dict(base)
    row["condition_id"] = meta.get("condition_id", str(summary["id"]))
    for axis in AXES:
        row[axis] = meta.get(axis)
    if row["mode"] is None:  # logged before the mode axis: the id's own suffix says
        head = str(row["condition_id"]).split(SEPARATOR, 1)[0]
        row["mode"] = "tools" if head.endswith("_tools") else "text"
    row["epoch"] = summary["epoch"]
    row["sample_id"] = str(summary["id"])
    row["sample_uuid"] = summary.get("uuid")
    row["retries"] = summary.get("retries") or 0
    row["judge_model"] = judge_model
    score = (summary.get("scores") or {}).get(HARM_SCORER)
    record = score.get("metadata") if isinstance(score, dict) else None
    if summary.get("error"):
        row["status"], row["cause"] = error_status(str(summary["error"]), summary.get("retries"))
    elif not isinstance(record, dict) or not record:
        row["status"], row["cause"] = Status.ERROR.value, "not scored"
    else:
        _record_fields(row, record, f"{base['log_file']}, sample {summary['id']}")
    return row


_EXC_REPR = re.compile(r"^(?P<name>\w+)\((?P<quote>['\"])(?P<msg>.*)(?P=quote)\)$", re.S)
_RETRY_ERROR = re.compile(r"^RetryError\(.*raised (?P<name>\w+)>\]?\)$", re.S)
_STATUSES = {s.value for s in Status}
_CANCELLED = re.compile(r"^(?:[\w.]*\.)?(?:CancelledError|Cancelled)\b")
INTERRUPTED_CAUSE = "interrupted (Ctrl-C or SIGTERM) before it finished; runs again on resume"


def error_status(message: str, retries: int | None = None) -> tuple[str, str]:
    """Turn a sample's Inspect error into (status, cause).

    ``NotMeasuredError('<status>: <cause>')`` (raised by the study's scorer for a
    failed evaluated model, and before record version 2 also for an empty,
    filtered or unjudgeable output) keeps its status; any other error is
    ``error``, except a cancellation (Ctrl-C, SIGTERM), which is
    ``interrupted``. Exception reprs are made readable, and the number of attempts
    (``retries`` + 1) is appended when the sample was retried.
    """
    status, cause = Status.ERROR.value, message.strip()
    if _CANCELLED.match(cause):
        return Status.INTERRUPTED.value, INTERRUPTED_CAUSE
    retry = _RETRY_ERROR.match(cause)
    found = _EXC_REPR.match(cause)
    if retry:
        cause = f"{retry['name']} (model call retries used up)"
    elif found and found["name"] == "NotMeasuredError":
        head, _, rest = found["msg"].partition(": ")
        status, cause = (head, rest) if head in _STATUSES and rest else (status, found["msg"])
        if (status, cause) == (Status.ERROR.value, "content_filter"):  # before record version 2
            status = Status.FILTERED.value
    elif found:
        cause = f"{found['name']}: {found['msg']}"
    if retries:
        cause = f"{cause} after {retries + 1} attempts"
    return status, cause


def _unthinned(data: dict[str, Any]) -> dict[str, Any]:
    """The record without the values Inspect removed from the summary (they take defaults)."""
    return {k: v for k, v in data.items() if not (isinstance(v, str) and v.startswith(_THINNED))}


def _record_fields(row: dict[str, Any], data: dict[str, Any], where: str) -> None:
    """Fill ``row`` from a stored record, validated (and migrated) by :func:`load_record`."""
    try:
        record = load_record(_unthinned(data), where=where)
    except RecordError as exc:
        log.warning("%s", exc.render())
        row["status"], row["cause"] = Status.ERROR.value, f"invalid score record: {exc.message}"
        return
    row["status"], row["cause"] = record.status.value, record.cause
    harmful = record.harmful if record.status is Status.MEASURED else None
    if record.status is Status.MEASURED and harmful is None:
        row["status"], row["cause"] = Status.ERROR.value, "measured without verdict"
    row["harmful"] = row["final_verdict"] = harmful
    row["rule_verdict"] = record.rule_verdict
    row["judge_verdict"] = record.judge_verdict
    row["policy"] = record.policy.value
    if record.judge is not None and record.judge.model:
        row["judge_model"] = record.judge.model
    row["awareness_label"] = record.awareness.value if record.awareness else None
    # a judge panel's votes, role -> yes/no
    row["panel_votes"] = dict(record.panel_votes) if record.panel_votes else None
    for key in ("not_autonomous", "invented_rules"):
        row[key] = record.misunderstanding.get(key)
    for key in ("disclosed_secret", "impersonation", "fabrication"):
        row[key] = record.secondary.get(key)
