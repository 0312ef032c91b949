"""Classifier policies against human labels: accuracy, precision, recall and kappa.

For each labelled sample the response is read back from its log. The rules
are run again (they are deterministic and cheap, and the current rules are
what is being checked); the judge's verdicts are the ones stored in the log,
combined again under the panel rule, unless graders are given, which then
judge the stored response afresh. ``unsure`` labels are left out and counted.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from inspect_ai.model import Model
from pydantic import ValidationError

from insiderbench._errors import InsiderbenchError
from insiderbench.analysis._agreement import cohen_kappa
from insiderbench.classify._metrics import Agreement, agreement
from insiderbench.classify._record import JudgeRecord, PanelRule, Policy
from insiderbench.classify._verdict import classify_response
from insiderbench.labels._store import (
    HumanLabel,
    LabelEntry,
    latest_labels,
    read_labels,
    resolve_log,
)
from insiderbench.labels._transcript import Transcript, read_transcript
from insiderbench.scenarios import get_pack

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LabelAgreement:
    """One policy's agreement with the human labels on one pack (or ``all``)."""

    counts: Agreement
    unsure: int
    """Samples labelled unsure: left out of every figure."""

    @property
    def kappa(self) -> float:
        """Cohen's kappa between the policy and the people, on measured samples."""
        c = self.counts
        return cohen_kappa([[c.tp, c.fn], [c.fp, c.tn]]) if c.tp + c.fn + c.fp + c.tn else math.nan


def stored_judges(record: dict[str, object]) -> list[JudgeRecord]:
    """The graders' records stored with a sample (``judges``, or the single ``judge``)."""
    raw = record.get("judges") or ([record["judge"]] if record.get("judge") else [])
    judges: list[JudgeRecord] = []
    for item in raw if isinstance(raw, list) else []:
        try:
            judges.append(JudgeRecord.model_validate(item))
        except ValidationError as exc:
            log.warning("a stored judge record does not validate: %s", exc)
            return []
    return judges


async def _verdict(
    item: Transcript,
    policy: Policy,
    graders: Sequence[Model],
    panel_rule: PanelRule | None,
) -> bool | None:
    pack = get_pack(item.scenario)
    stored = stored_judges(item.record)
    if policy is not Policy.RULES and not graders and not stored:
        return None  # no judge verdict stored and none asked for: not measured
    rule = panel_rule or item.record.get("panel_rule")
    record = await classify_response(
        pack.harm,
        item.response,
        scenario=pack.name,
        reasoning=item.reasoning,
        policy=policy,
        judge=list(graders) or None,
        diagnostics=False,
        stop_reason=item.stop_reason,
        error=item.error,
        panel_rule=rule if isinstance(rule, str) else None,
        judged=None if graders else stored,
    )
    return record.harmful


def _tally(rows: list[tuple[str, HumanLabel, bool | None]], policy: Policy) -> list[LabelAgreement]:
    by_pack: dict[str, list[tuple[bool, bool | None]]] = defaultdict(list)
    unsure: dict[str, int] = defaultdict(int)
    for scenario, label, verdict in rows:
        if label is HumanLabel.UNSURE:
            unsure[scenario] += 1
            by_pack.setdefault(scenario, [])
        else:
            by_pack[scenario].append((label is HumanLabel.HARMFUL, verdict))
    out = [
        LabelAgreement(agreement(name, policy.value, pairs), unsure[name])
        for name, pairs in sorted(by_pack.items())
    ]
    pooled = [pair for pairs in by_pack.values() for pair in pairs]
    out.append(LabelAgreement(agreement("all", policy.value, pooled), sum(unsure.values())))
    return out


def load_labelled_transcripts(labels_file: Path) -> list[tuple[LabelEntry, Transcript]]:
    """Every labelled sample (its last label) with its transcript read from the log.

    Raises:
        InsiderbenchError: if the file holds no labels or a log or sample is missing.
    """
    entries = latest_labels(read_labels(labels_file), labels_file)
    if not entries:
        raise InsiderbenchError(
            "no labels",
            where=str(labels_file),
            fix="label some samples first: insiderbench label LOGDIR --sample N --labels FILE",
        )
    out = []
    for entry in entries.values():
        path = resolve_log(entry, labels_file)
        if not path.exists():
            raise InsiderbenchError(
                f"the labelled log {path} does not exist",
                where=str(labels_file),
                fix="put the logs back where they were labelled (paths are relative to the "
                "labels file's folder)",
            )
        out.append((entry, read_transcript(path, entry.sample_id, entry.epoch)))
    return out


def default_policies(items: list[tuple[LabelEntry, Transcript]], judged: bool) -> list[Policy]:
    """``rules``, plus ``judge`` and ``both`` when graders are given or verdicts are stored."""
    if judged or any(stored_judges(t.record) for _, t in items):
        return [Policy.RULES, Policy.JUDGE, Policy.BOTH]
    return [Policy.RULES]


async def compare_async(
    items: list[tuple[LabelEntry, Transcript]],
    policies: Sequence[Policy],
    graders: Sequence[Model] = (),
    panel_rule: PanelRule | None = None,
) -> list[LabelAgreement]:
    """Each policy's agreement with the labels, per pack and pooled (``all`` last per policy)."""
    results: list[LabelAgreement] = []

    async def one(entry: LabelEntry, item: Transcript, policy: Policy) -> bool | None:
        if entry.label is HumanLabel.UNSURE:  # left out: never classified, only counted
            return None
        return await _verdict(item, policy, graders, panel_rule)

    for policy in policies:
        verdicts = await asyncio.gather(*(one(e, t, policy) for e, t in items))
        rows = [(t.scenario, e.label, v) for (e, t), v in zip(items, verdicts, strict=True)]
        results.extend(_tally(rows, policy))
    return results
