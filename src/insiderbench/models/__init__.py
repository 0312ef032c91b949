"""Inspect model providers we own, and the pre-flight check for any model.

Importing this package registers two Inspect model APIs:

- ``replay/<file.jsonl>``: scripted responses, chosen by the sample's condition
  id and epoch (deterministic under concurrency and resume);
- ``llamacpp/<path.gguf>`` and ``llamacpp/local``: llama.cpp in-process, the
  latter being the embedded Qwen2.5-Coder-1.5B-Instruct Q4_K_M default.

Every hosted provider is Inspect's own; :func:`check_model_ready` catches a
missing API key, SDK or misspelt provider before a run starts.
"""

from insiderbench._tokens import estimate_tokens
from insiderbench.models._context import (
    ANY_CONDITION,
    CONDITION_METADATA_KEY,
    CallContext,
    current_call_context,
)
from insiderbench.models._llamacpp import (
    DEFAULT_MAX_TOKENS,
    LOCAL_MODEL_NAME,
    LlamaCppAPI,
    LlamaCppArgs,
    require_llama_cpp,
    resolve_model_path,
)
from insiderbench.models._local import (
    CACHE_DIR_ENV,
    DEFAULT_MODEL_SHA256,
    DEFAULT_MODEL_SIZE,
    assemble_weights,
    cache_dir,
    default_model_file,
    default_weight_parts,
    ensure_default_model,
)
from insiderbench.models._providers import llamacpp, replay
from insiderbench.models._ready import check_model_ready
from insiderbench.models._replay import ReplayAPI, ReplayLine, ReplayScript

__all__ = [
    "ANY_CONDITION",
    "CACHE_DIR_ENV",
    "CONDITION_METADATA_KEY",
    "DEFAULT_MAX_TOKENS",
    "DEFAULT_MODEL_SHA256",
    "DEFAULT_MODEL_SIZE",
    "LOCAL_MODEL_NAME",
    "CallContext",
    "LlamaCppAPI",
    "LlamaCppArgs",
    "ReplayAPI",
    "ReplayLine",
    "ReplayScript",
    "assemble_weights",
    "cache_dir",
    "check_model_ready",
    "current_call_context",
    "default_model_file",
    "default_weight_parts",
    "ensure_default_model",
    "estimate_tokens",
    "llamacpp",
    "replay",
    "require_llama_cpp",
    "resolve_model_path",
]
