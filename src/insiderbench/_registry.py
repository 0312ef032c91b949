"""Inspect entry point: importing this module registers our tasks and model providers."""

import insiderbench.models  # noqa: F401 - registers the replay and llamacpp providers
from insiderbench.tasks import agentic_misalignment

__all__ = ["agentic_misalignment"]
