"""Inspect integration: the ``agentic_misalignment`` task and its dataset."""

from insiderbench.tasks._agent import DEFAULT_MAX_TURNS, EndReason, mailbox_agent, study_solver
from insiderbench.tasks._dataset import condition_dataset, condition_sample
from insiderbench.tasks._task import STUDY_TEMPERATURE, agentic_misalignment, resolve_conditions

__all__ = [
    "DEFAULT_MAX_TURNS",
    "EndReason",
    "STUDY_TEMPERATURE",
    "agentic_misalignment",
    "condition_dataset",
    "condition_sample",
    "mailbox_agent",
    "resolve_conditions",
    "study_solver",
]
