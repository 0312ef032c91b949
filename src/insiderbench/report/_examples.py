"""Example transcripts for the report, read a few at a time from the logs.

Only the samples shown are read (never whole logs), in small batches that are
rendered to HTML and dropped, so memory does not grow with the number of
transcripts in the logs.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator
from typing import Any, cast

import pandas as pd
from inspect_ai.log import EvalSample, read_eval_log_samples_by_id
from inspect_ai.model import ContentReasoning

from insiderbench.classify._record import HARM_SCORER
from insiderbench.record import RecordError, SampleRecord, load_record
from insiderbench.report._html import esc

log = logging.getLogger(__name__)

BATCH = 16
SHOWN_CHARS = 20_000
"""Characters of a response (or of provider reasoning) shown in an example; the
rest is left to the transcript, so one runaway response cannot bloat the page."""
_SKIP = {"events", "store", "attachments"}


def pick_examples(frame: pd.DataFrame, per_cell: int) -> pd.DataFrame:
    """Choose up to ``per_cell`` samples per (model, condition): harmful, then not, then unmeasured.

    With two or more per cell, a cell that has both kinds shows one of each.
    """
    if per_cell <= 0 or frame.empty:
        return frame.iloc[0:0]
    kind = frame["harmful"].map({True: 0, False: 1}).fillna(2).astype(int)
    cells = [frame["model"].astype(str), frame["condition_id"].astype(str)]
    order = frame.assign(_kind=kind, _nth=frame.groupby([*cells, kind], observed=True).cumcount())
    order = order.sort_values(["model", "condition_id", "_nth", "_kind"], kind="stable")
    chosen = order.groupby(["model", "condition_id"], observed=True).head(per_cell)
    return chosen.drop(columns=["_kind", "_nth"])


def render_examples(chosen: pd.DataFrame) -> dict[tuple[str, str], list[str]]:
    """Read the chosen samples in small batches and render each as an HTML fragment."""
    out: dict[tuple[str, str], list[str]] = defaultdict(list)
    for log_file, part in chosen.groupby("log_file", observed=True):
        wanted = list(zip(part["sample_id"], part["epoch"].astype(int), strict=True))
        for key, fragment in _render_file(str(log_file), wanted, part):
            out[key].append(fragment)
    return dict(out)


def _render_file(
    log_file: str, wanted: list[tuple[str, int]], part: pd.DataFrame
) -> Iterator[tuple[tuple[str, str], str]]:
    meta = part.set_index(["sample_id", "epoch"])
    for start in range(0, len(wanted), BATCH):
        batch = wanted[start : start + BATCH]
        try:
            samples = read_eval_log_samples_by_id(
                log_file, batch, resolve_attachments=True, exclude_fields=_SKIP
            )
        except Exception as exc:  # a damaged log loses its examples, not the report
            log.warning("cannot read examples from %s: %s", log_file, exc)
            continue
        for sample in samples:
            row = cast("pd.Series[Any]", meta.loc[(str(sample.id), sample.epoch)])
            yield (str(row["model"]), str(row["condition_id"])), render_sample(sample, row)
        del samples


def _reasoning(sample: EvalSample) -> str:
    if sample.output is None or not sample.output.choices:
        return ""
    content = sample.output.message.content
    if isinstance(content, str):
        return ""
    return "\n\n".join(c.reasoning for c in content if isinstance(c, ContentReasoning))


def _spans(text: str, actions: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """Character ranges of the actions in ``text``, checked against each action's raw block."""
    found: list[tuple[int, int]] = []
    for action in actions:
        raw = action.get("raw") or ""
        span = action.get("span")
        if (
            span
            and 0 <= span[0] < span[1] <= len(text)
            and (not raw or text[span[0] : span[1]] == raw)
        ):
            found.append((span[0], span[1]))
        elif raw and (at := text.find(raw)) >= 0:
            found.append((at, at + len(raw)))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, actions: list[dict[str, Any]]) -> str:
    """Escape ``text`` and wrap each detected action in ``<mark class="action">``."""
    parts: list[str] = []
    pos = 0
    for start, end in _spans(text, actions):
        parts.append(esc(text[pos:start]))
        parts.append(f'<mark class="action">{esc(text[start:end])}</mark>')
        pos = end
    parts.append(esc(text[pos:]))
    return "".join(parts)


def _tag(row: pd.Series[Any]) -> str:
    harmful = row["harmful"]
    if harmful is pd.NA or harmful is None:
        return f'<span class="tag unmeasured">{esc(row["status"])}</span>'
    return (
        '<span class="tag harmful">harmful</span>'
        if harmful
        else ('<span class="tag safe">not harmful</span>')
    )


def _record(sample: EvalSample) -> SampleRecord | None:
    """The sample's verdict record, validated; None (logged) when it has none or a bad one."""
    score = (sample.scores or {}).get(HARM_SCORER)
    if score is None or not score.metadata:
        return None
    try:
        return load_record(dict(score.metadata), where=f"sample {sample.id}")
    except RecordError as exc:
        log.warning("%s", exc.render())
        return None


def _cut(text: str, sample: EvalSample, row: pd.Series[Any]) -> tuple[str, str]:
    """``text`` cut to :data:`SHOWN_CHARS`, and a note saying where the rest is ('' if whole)."""
    if len(text) <= SHOWN_CHARS:
        return text, ""
    where = f"log {row.get('log_file', '?')}, sample {sample.id}, epoch {sample.epoch}"
    note = (
        f'<p class="none">truncated: the first {SHOWN_CHARS:,} of {len(text):,} characters '
        f"are shown; the whole text is in the transcript (<code>inspect view</code>: "
        f"{esc(where)})</p>"
    )
    return text[:SHOWN_CHARS], note


def render_sample(sample: EvalSample, row: pd.Series[Any]) -> str:
    """One collapsible example: response with actions marked, reasons and the judge's reasoning.

    A response or reasoning longer than :data:`SHOWN_CHARS` is cut, with a note
    naming the log, sample and epoch where the whole transcript is.
    """
    record = _record(sample)
    full = sample.output.completion if sample.output is not None else ""
    text, note = _cut(full, sample, row)
    body = [f"<p><b>response</b> ({len(full):,} characters)</p>"]
    actions = [a.model_dump(mode="json") for a in record.actions] if record else []
    body.append(f'<pre class="response">{highlight(text, actions)}</pre>')
    body.append(note)
    reasoning, reasoning_note = _cut(_reasoning(sample), sample, row)
    if reasoning:
        body.append(
            f'<details><summary>provider reasoning</summary><pre class="response">'
            f"{esc(reasoning)}</pre>{reasoning_note}</details>"
        )
    if sample.error is not None:
        body.append(f"<p><b>error:</b> {esc(sample.error.message)}</p>")
    elif record is not None and record.cause:
        body.append(f"<p><b>not measured:</b> {esc(record.cause)}</p>")
    reasons = record.reasons if record is not None else []
    if reasons:
        items = "".join(f"<li>{esc(r)}</li>" for r in reasons)
        body.append(f"<p><b>classifier reasons</b></p><ul>{items}</ul>")
    judge = record.judge if record is not None else None
    if judge is not None and judge.reasoning:
        body.append(f"<p><b>judge</b> ({esc(judge.model)}): {esc(judge.reasoning)}</p>")
    title = f"epoch {row.name[1] if isinstance(row.name, tuple) else ''} {_tag(row)}"
    return (
        f'<details class="example"><summary>{title}</summary>'
        f'<div class="body">{"".join(body)}</div></details>'
    )
