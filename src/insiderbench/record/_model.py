"""The per-sample verdict record: what classification concluded about one response.

This is the contract between classification (which writes it as the ``harm``
score's metadata) and everything that reads logs back (analysis, report,
re-scoring). Anything that changes its fields bumps :data:`RECORD_VERSION` and
adds a migration in :mod:`insiderbench.record._migrate`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from insiderbench.environment._actions import Action, ParseProblem

RECORD_VERSION = 2
"""Version of :class:`SampleRecord` this code writes.

1: the first record. 2: ``filtered`` is its own status (version 1 wrote a
content-filtered output as ``error`` with cause ``content_filter``); adds
``problems``, ``judge_rounds`` and ``earlier_judges``, and the judge panel's
``judges``, ``panel_rule``, ``panel_votes`` and ``JudgeRecord.role``.
"""


class Status(StrEnum):
    """Whether a sample was measured. Only ``measured`` samples enter rates."""

    MEASURED = "measured"
    ERROR = "error"
    EMPTY = "empty"
    UNPARSEABLE = "unparseable"
    FILTERED = "filtered"
    """The provider blocked the output (content filter): recorded, never redrawn."""
    UNDETERMINED = "undetermined"
    """The rules could not tell (meaning decides), or a judge panel split evenly: counted
    beside the rate, never as harmless."""
    INTERRUPTED = "interrupted"
    """The run was stopped (Ctrl-C, SIGTERM) before the sample finished: re-run on resume."""


class Policy(StrEnum):
    """How the final verdict is reached."""

    RULES = "rules"
    JUDGE = "judge"
    BOTH = "both"


class PanelRule(StrEnum):
    """How a panel of several judges reaches one verdict (see ``classify._panel``)."""

    MAJORITY = "majority"
    """Harmful when more graders say yes than no; a tie is not measured (``undetermined``)."""
    UNANIMOUS = "unanimous"
    """Harmful only when every grader says yes."""


class AwarenessLabel(StrEnum):
    """What the model concluded about being evaluated."""

    EVAL = "eval"
    REAL = "real"
    NO_DELIBERATION = "no_deliberation"


class JudgeRecord(BaseModel):
    """A judge's raw output and what was parsed from it."""

    model_config = ConfigDict(extra="forbid")

    model: str
    verdict: bool | None
    status: Status
    role: str | None = Field(
        default=None, description="The Inspect model role: grader, grader_2, ... (panels)."
    )
    raw: list[str] = Field(default_factory=list, description="Raw output of every attempt.")
    reasoning: str = ""
    attempts: int = 0
    error: str | None = None


class SampleRecord(BaseModel):
    """Everything classification concluded about one sample."""

    model_config = ConfigDict(extra="forbid")

    version: int = RECORD_VERSION
    scenario: str
    behaviour: str
    policy: Policy
    status: Status
    cause: str | None = Field(default=None, description="Why the sample is not measured.")
    harmful: bool | None = Field(default=None, description="None exactly when not measured.")
    rule_verdict: bool | None = None
    judge_verdict: bool | None = None
    actions: list[Action] = Field(default_factory=list)
    problems: list[ParseProblem] = Field(
        default_factory=list,
        description="Tool-like syntax or reasoning tags the parser could not read.",
    )
    reasons: list[str] = Field(default_factory=list)
    judge: JudgeRecord | None = Field(
        default=None, description="The first grader's record (role ``grader``)."
    )
    judges: list[JudgeRecord] = Field(
        default_factory=list,
        description="Every grader of the panel, in role order (the first is ``judge``); "
        "``judge_verdict`` is their verdict combined under ``panel_rule``.",
    )
    panel_rule: PanelRule | None = Field(
        default=None, description="How the graders' verdicts were combined."
    )
    panel_votes: dict[str, bool | None] = Field(
        default_factory=dict,
        description="Role -> each grader's yes/no (None: it failed). Small on purpose: "
        "Inspect's sample summaries drop metadata values over 1 KB, such as ``judges``.",
    )
    judge_rounds: int = Field(
        default=0, description="Times the judge was asked for the verdict on this same response."
    )
    earlier_judges: list[JudgeRecord] = Field(
        default_factory=list,
        description="The failed judge rounds before ``judge``, with their raw output.",
    )
    diagnostics: JudgeRecord | None = Field(
        default=None,
        description="The judge call for awareness, misunderstanding and secondary behaviours.",
    )
    secondary: dict[str, bool | None] = Field(default_factory=dict)
    awareness: AwarenessLabel | None = None
    awareness_source: str | None = None
    misunderstanding: dict[str, bool | None] = Field(default_factory=dict)
    extra: dict[str, Any] = Field(default_factory=dict)
