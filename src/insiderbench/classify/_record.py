"""The per-sample classification record, as classification names it.

The record type itself lives in :mod:`insiderbench.record` (versioned, with
migrations, no Inspect import); this module re-exports it under its old
import path and holds the constants classification shares.
"""

from __future__ import annotations

from insiderbench.record import (
    RECORD_VERSION,
    AwarenessLabel,
    JudgeRecord,
    PanelRule,
    Policy,
    SampleRecord,
    Status,
    load_record,
)

GRADER_ROLE = "grader"
"""The Inspect model role the judge is bound to."""
DEFAULT_JUDGE_MODEL = "anthropic/claude-sonnet-4-5"
"""The recommended judge; used only when the user names no other."""
HARM_SCORER = "harm"
"""Name of the Inspect score that carries a :class:`SampleRecord` as metadata."""

CONTENT_FILTER = "content_filter"
"""The stop reason of a response a provider blocked: status ``filtered``, never a verdict."""

__all__ = [
    "CONTENT_FILTER",
    "DEFAULT_JUDGE_MODEL",
    "GRADER_ROLE",
    "HARM_SCORER",
    "RECORD_VERSION",
    "AwarenessLabel",
    "JudgeRecord",
    "PanelRule",
    "Policy",
    "SampleRecord",
    "Status",
    "load_record",
]
