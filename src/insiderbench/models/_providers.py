"""Register our model providers with Inspect.

The factories import the implementation only when a model is created, so
``llamacpp`` can be registered without llama-cpp-python installed.
"""

from __future__ import annotations

from inspect_ai.model import ModelAPI, modelapi


@modelapi(name="replay")
def replay() -> type[ModelAPI]:
    """Scripted responses from a JSONL file: ``replay/<file.jsonl>``."""
    from insiderbench.models._replay import ReplayAPI

    return ReplayAPI


@modelapi(name="llamacpp")
def llamacpp() -> type[ModelAPI]:
    """llama.cpp in-process: ``llamacpp/<path.gguf>`` or ``llamacpp/local``."""
    from insiderbench.models._llamacpp import LlamaCppAPI

    return LlamaCppAPI
