"""Inspect integration: the ``agentic_misalignment`` task and its dataset."""

from insiderbench.tasks._dataset import condition_dataset, condition_sample
from insiderbench.tasks._task import STUDY_TEMPERATURE, agentic_misalignment, resolve_conditions

__all__ = [
    "STUDY_TEMPERATURE",
    "agentic_misalignment",
    "condition_dataset",
    "condition_sample",
    "resolve_conditions",
]
