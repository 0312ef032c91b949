"""List prices for well-known models, with cached-input and batch rates.

Prices are US dollars per million tokens, as the providers publish them on
their pricing pages (late 2025): input, output, cached input read and cache
write. ``batch`` is the multiplier a provider's batch API applies to the
whole bill (0.5: half price), or ``None`` where no batch rate is published.
A model not in the table has an *unknown* price, reported as ``None`` and
never as zero.

Sources, per vendor:

- Anthropic (docs.anthropic.com, pricing): a 5-minute cache write costs
  1.25x the input price, a cache read 0.1x; the Message Batches API is 50%
  off, and batch and cache discounts stack.
- OpenAI (openai.com/api/pricing): cached input is listed per model (0.5x
  for the GPT-4o family, 0.25x for GPT-4.1 and o-series, 0.1x for GPT-5);
  writing the cache costs nothing extra; the Batch API is 50% off.
- Google (ai.google.dev/gemini-api/docs/pricing): Gemini 2.5 context-cache
  reads at the listed cached price (prompts up to 200k tokens), no write
  charge for implicit caching; Batch Mode is 50% off.
- xAI (docs.x.ai, models): cached input is listed per model; no batch
  discount is listed here, so a batched Grok run is priced unknown.
- DeepSeek (api-docs.deepseek.com, pricing): since 29 September 2025
  ``deepseek-reasoner`` is DeepSeek-V3.2 in thinking mode, no longer R1, at
  $0.28 in (cache miss), $0.028 cache hit, $0.42 out; no batch API. (Until then
  it was R1 at $0.55 / $0.14 / $2.19.)
- Together (together.ai/pricing), which still serves the study's DeepSeek-R1
  ($3 in, $7 out) and Llama 4 Maverick ($0.27 / $0.85): no cache discount; the
  Batch API is 50% off. These rows are the provider's own, so they are keyed
  ``together/<model>``: another host of the same weights is priced unknown,
  never at Together's rate.

Prices change: check the providers' pages before relying on a bill.

Reasoning tokens are billed as output tokens by every vendor here, and every
provider reports them inside its output count, so they are never added twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_VERSION_SUFFIX = re.compile(r"(-\d{4}-?\d{2}-?\d{2}|-\d{8}|-latest|-preview(-[\d-]+)?|-beta)$")


@dataclass(frozen=True)
class Price:
    """One model's published rates, dollars per million tokens."""

    input: float
    output: float
    cache_read: float
    """Input tokens read from the provider's prompt cache."""
    cache_write: float
    """Input tokens written to the prompt cache (equal to ``input`` where writing is free)."""
    batch: float | None
    """Multiplier on the whole bill through the batch API; None: no published batch rate."""


def _anthropic(inp: float, out: float) -> Price:
    return Price(inp, out, cache_read=inp * 0.1, cache_write=inp * 1.25, batch=0.5)


def _free_write(inp: float, out: float, read: float, batch: float | None = 0.5) -> Price:
    return Price(inp, out, cache_read=read, cache_write=inp, batch=batch)


PRICES: dict[str, Price] = {
    "claude-opus-4": _anthropic(15.0, 75.0),
    "claude-opus-4-1": _anthropic(15.0, 75.0),
    "claude-sonnet-4": _anthropic(3.0, 15.0),
    "claude-sonnet-4-5": _anthropic(3.0, 15.0),
    "claude-3-7-sonnet": _anthropic(3.0, 15.0),
    "claude-3-5-sonnet": _anthropic(3.0, 15.0),
    "claude-3-5-haiku": _anthropic(0.8, 4.0),
    "claude-haiku-4-5": _anthropic(1.0, 5.0),
    "gpt-4.1": _free_write(2.0, 8.0, 0.5),
    "gpt-4.1-mini": _free_write(0.4, 1.6, 0.1),
    "gpt-4o": _free_write(2.5, 10.0, 1.25),
    "gpt-4o-mini": _free_write(0.15, 0.6, 0.075),
    "gpt-4.5": _free_write(75.0, 150.0, 37.5),
    "o3": _free_write(2.0, 8.0, 0.5),
    "o4-mini": _free_write(1.1, 4.4, 0.275),
    "gpt-5": _free_write(1.25, 10.0, 0.125),
    "gemini-2.5-pro": _free_write(1.25, 10.0, 0.125),
    "gemini-2.5-flash": _free_write(0.3, 2.5, 0.03),
    "grok-3": _free_write(3.0, 15.0, 0.75, batch=None),
    "grok-4": _free_write(3.0, 15.0, 0.75, batch=None),
    "deepseek-reasoner": _free_write(0.28, 0.42, 0.028, batch=None),
    "together/deepseek-r1": _free_write(3.0, 7.0, 3.0),
    "together/llama-4-maverick-17b-128e-instruct-fp8": _free_write(0.27, 0.85, 0.27),
}
"""Published rates by model name (provider prefix and date suffix removed), or by
``provider/name`` where the price is one host's for open weights."""

PRICES_PER_MTOK: dict[str, tuple[float, float]] = {
    name: (p.input, p.output) for name, p in PRICES.items()
}
"""(input, output) list prices, kept for callers of the first table."""

FREE_PROVIDERS = frozenset({"llamacpp", "replay", "ollama", "vllm"})
"""Providers that run locally or replay recorded text: no per-token cost."""

_FREE = Price(0.0, 0.0, 0.0, 0.0, batch=1.0)

BATCH_PROVIDERS = frozenset({"openai", "anthropic", "google", "grok", "together"})
"""Inspect providers that implement the ``batch`` generate option."""

CACHE_PROMPT_PROVIDERS = frozenset({"anthropic"})
"""Providers that cache only when asked (``cache_prompt``); the others cache on their own."""


def model_price(model: str) -> Price | None:
    """Return the published rates of ``model``, or ``None`` if unknown.

    A ``provider/name`` entry (one host's price for open weights) is looked up
    first; otherwise the provider prefix and any date suffix are ignored, so
    ``anthropic/claude-sonnet-4-20250514`` matches ``claude-sonnet-4``. The
    rest of the name must match a table entry exactly, so a variant the table
    does not list (``o3-mini`` beside ``o3``) is unknown, not mispriced.
    """
    provider, _, name = model.partition("/")
    if provider in FREE_PROVIDERS:
        return _FREE
    base = _VERSION_SUFFIX.sub("", name.rsplit("/", 1)[-1].lower())
    hosted = PRICES.get(f"{provider}/{base}")
    return hosted if hosted is not None else PRICES.get(base)


def price_for(model: str) -> tuple[float, float] | None:
    """Return (input, output) dollars per million tokens, or ``None`` if unknown."""
    price = model_price(model)
    return None if price is None else (price.input, price.output)


def usage_cost(
    model: str,
    *,
    input_tokens: float,
    output_tokens: float,
    cache_read: float = 0,
    cache_write: float = 0,
    batch: bool = False,
) -> float | None:
    """Return the dollar cost of one usage, or ``None`` when a needed rate is unknown.

    ``input_tokens`` are the tokens billed at the full input rate (Inspect's
    ``ModelUsage.input_tokens`` excludes cached tokens); ``cache_read`` and
    ``cache_write`` are billed at the cache rates; ``batch`` applies the
    batch multiplier.
    """
    price = model_price(model)
    if price is None:
        return None
    dollars = (
        input_tokens * price.input
        + output_tokens * price.output
        + cache_read * price.cache_read
        + cache_write * price.cache_write
    ) / 1_000_000
    if batch:
        if price.batch is None:
            return None
        dollars *= price.batch
    return dollars


def estimate_cost(model: str, input_tokens: float, output_tokens: float) -> float | None:
    """Return the list-price dollar cost, or ``None`` when the price is unknown."""
    return usage_cost(model, input_tokens=input_tokens, output_tokens=output_tokens)


def batch_supported(model: str) -> bool:
    """Whether Inspect can send ``model``'s calls through a provider batch API."""
    return model.partition("/")[0] in BATCH_PROVIDERS
