"""Inspect entry point: importing this module registers our tasks and model providers."""
