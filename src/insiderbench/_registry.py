"""Inspect entry point: importing this module registers our tasks and model providers."""

from insiderbench.tasks import agentic_misalignment

__all__ = ["agentic_misalignment"]
