"""A small table of list prices for well-known models, for dry-run estimates.

Prices are US dollars per million tokens (input, output), as published by
the providers in 2025. A model not in the table has an *unknown* price,
reported as ``None`` and never as zero.
"""

from __future__ import annotations

import re

_VERSION_SUFFIX = re.compile(r"(-\d{4}-?\d{2}-?\d{2}|-\d{8}|-latest|-preview(-[\d-]+)?|-beta)$")

PRICES_PER_MTOK: dict[str, tuple[float, float]] = {
    "claude-opus-4": (15.0, 75.0),
    "claude-opus-4-1": (15.0, 75.0),
    "claude-sonnet-4": (3.0, 15.0),
    "claude-sonnet-4-5": (3.0, 15.0),
    "claude-3-7-sonnet": (3.0, 15.0),
    "claude-3-5-haiku": (0.8, 4.0),
    "claude-haiku-4-5": (1.0, 5.0),
    "gpt-4.1": (2.0, 8.0),
    "gpt-4.1-mini": (0.4, 1.6),
    "gpt-4o": (2.5, 10.0),
    "gpt-4o-mini": (0.15, 0.6),
    "o3": (2.0, 8.0),
    "o4-mini": (1.1, 4.4),
    "gpt-5": (1.25, 10.0),
    "gemini-2.5-pro": (1.25, 10.0),
    "gemini-2.5-flash": (0.3, 2.5),
    "grok-3": (3.0, 15.0),
    "grok-4": (3.0, 15.0),
    "deepseek-r1": (0.55, 2.19),
}

FREE_PROVIDERS = frozenset({"llamacpp", "replay", "ollama", "vllm"})
"""Providers that run locally or replay recorded text: no per-token cost."""


def price_for(model: str) -> tuple[float, float] | None:
    """Return (input, output) dollars per million tokens, or ``None`` if unknown.

    The provider prefix and any date suffix are ignored, so
    ``anthropic/claude-sonnet-4-20250514`` matches ``claude-sonnet-4``. The
    rest of the name must match a table entry exactly, so a variant the table
    does not list (``o3-mini`` beside ``o3``) is unknown, not mispriced.
    """
    provider, _, name = model.partition("/")
    if provider in FREE_PROVIDERS:
        return (0.0, 0.0)
    name = name.rsplit("/", 1)[-1].lower()
    base = _VERSION_SUFFIX.sub("", name)
    return PRICES_PER_MTOK.get(base)


def estimate_cost(model: str, input_tokens: float, output_tokens: float) -> float | None:
    """Return the estimated dollar cost, or ``None`` when the price is unknown."""
    price = price_for(model)
    if price is None:
        return None
    return (input_tokens * price[0] + output_tokens * price[1]) / 1_000_000
