"""One retry loop per model call: Inspect's, never the provider SDK's as well.

The OpenAI and Anthropic Python SDKs retry a failed request on their own (twice
by default) before Inspect sees the error. Those retries are silent: they are
not in the log, not counted, and ``max_retries: 0`` in a study did not stop
them (measured with the loopback fault server: one sample, every request
answered with HTTP 500, ``max_retries: 0``: 3 requests). Inspect retries the
same errors itself, with the study's settings, and records every attempt, so
the SDK's own loop is switched off by passing ``max_retries=0`` to the client
of every provider whose client takes it, unless the user set it.

``max_retries`` does not change what a model answers, so it is left out of a
run's settings key (see :func:`insiderbench.study._manifest.settings_key`).
"""

from __future__ import annotations

from typing import Any

SDK_RETRY_PROVIDERS = frozenset({
    "openai", "openai-api", "anthropic", "together", "openrouter", "vllm", "sglang", "ollama",
    "groq", "fireworks", "deepseek", "sambanova", "perplexity", "cloudflare", "moonshot",
    "hf-inference-providers", "litellm",
})  # fmt: skip
"""Inspect providers that pass their model args to an OpenAI or Anthropic SDK client."""

SDK_RETRY_ARG = "max_retries"


def without_sdk_retries(model: str, args: dict[str, Any]) -> dict[str, Any]:
    """``args`` for ``model`` with the SDK's own retries off (when its client has them)."""
    provider = model.split("/", 1)[0]
    if provider not in SDK_RETRY_PROVIDERS or SDK_RETRY_ARG in args:
        return args
    return {**args, SDK_RETRY_ARG: 0}
