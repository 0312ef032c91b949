"""Which model providers run inside this process (light: no inspect_ai import).

Shared by the model pre-flight check and the study runner, which gives these
models no timeouts and leaves their concurrency to Inspect.
"""

from __future__ import annotations

IN_PROCESS_PROVIDERS = ("llamacpp", "replay")
"""Providers that run inside this process: no network to time out, and a call may
wait its turn for the one local model far longer than any attempt timeout."""


def in_process(model: str) -> bool:
    """Whether ``model`` (provider/name) runs inside this process."""
    return model.split("/", 1)[0] in IN_PROCESS_PROVIDERS
