"""Batch APIs and prompt caching: the study's settings, mapped onto Inspect's own options.

Both are Inspect machinery; nothing here sends a request.

- **Batch** (``batch:`` in the study, ``--batch`` on the command line) sets
  Inspect's ``batch`` generate option for the evaluated models and the judge.
  Inspect then queues calls and sends them through the provider's batch API
  (OpenAI, Anthropic, Google, xAI, Together), which bills about half price and
  answers within the provider's window (minutes to hours, 24 h at most)
  instead of seconds. A model whose provider has no batch API runs as usual,
  with a warning.
- **Prompt caching** (``cache_prompt:``, on by default) asks Anthropic to cache
  each prompt's prefix (Inspect's ``cache_prompt``). Every sample of a
  condition sends the same prompt, so all but the first read it from the
  cache at a tenth of the input price. OpenAI, Google, xAI and DeepSeek cache
  long prefixes on their own; ``cache_prompt: false`` turns off what Inspect
  can turn off.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from insiderbench.study._prices import CACHE_PROMPT_PROVIDERS, batch_supported

if TYPE_CHECKING:  # inspect_ai takes seconds to import; the study file must not wait
    from inspect_ai.model import BatchConfig, GenerateConfig

log = logging.getLogger(__name__)

DEFAULT_SEND_DELAY = 15.0
"""Inspect's default wait before sending a partly filled batch, seconds."""
DEFAULT_TICK = 15.0
"""Inspect's default interval between batch status checks, seconds."""
DEFAULT_SIZE = 100
"""Inspect's default target number of requests per batch."""


class BatchSettings(BaseModel):
    """Inspect's ``BatchConfig``: how calls are grouped and how often batches are polled."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    size: int | None = Field(
        default=None, ge=1, description="Target requests per batch (Inspect default 100)."
    )
    max_size: int | None = Field(
        default=None, ge=1, description="Most requests per batch (provider maximum)."
    )
    send_delay: float | None = Field(
        default=None, gt=0, description="Seconds before a partly filled batch is sent (15)."
    )
    tick: float | None = Field(
        default=None, gt=0, description="Seconds between batch status checks (15)."
    )
    max_batches: int | None = Field(
        default=None, ge=1, description="Batches in flight per provider (100)."
    )

    def to_inspect(self) -> BatchConfig:
        """The equivalent Inspect ``BatchConfig``."""
        from inspect_ai.model import BatchConfig

        return BatchConfig(**self.model_dump())


def batch_settings(value: bool | BatchSettings | None) -> BatchSettings | None:
    """Normalise the study's ``batch`` field: None/False is off, True is Inspect's defaults."""
    if value is None or value is False:
        return None
    return BatchSettings() if value is True else value


def cost_config(
    model: str, batch: bool | BatchSettings | None, cache_prompt: bool
) -> GenerateConfig:
    """The batch and caching options for calls to ``model`` (evaluated or judge)."""
    from inspect_ai.model import GenerateConfig

    settings = batch_settings(batch)
    options: dict[str, object] = {}
    if settings is not None:
        if batch_supported(model):
            options["batch"] = settings.to_inspect()
        else:
            log.warning(
                "batch is on, but %s has no batch API in Inspect: its calls go one by one",
                model,
            )
    provider = model.partition("/")[0]
    if not cache_prompt:
        options["cache_prompt"] = False
    elif provider in CACHE_PROMPT_PROVIDERS:
        options["cache_prompt"] = True
    return GenerateConfig(**options)
