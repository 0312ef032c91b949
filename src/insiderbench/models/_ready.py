"""Check, before any work starts, that a model can be called at all.

Hosted providers are Inspect's own; here we only catch the mistakes a user
makes most often (no API key, SDK not installed, misspelt provider) and turn
them into one clear :class:`InsiderbenchError` instead of a failure deep in a run.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass

from insiderbench._errors import InsiderbenchError
from insiderbench._inprocess import IN_PROCESS_PROVIDERS


@dataclass(frozen=True)
class _Hosted:
    key_vars: tuple[str, ...]
    """Any one of these environment variables holds the key (empty: no key needed)."""
    module: str
    """The SDK's import name."""
    pip: str
    """How to install the SDK."""


_OPENAI_SDK = "pip install 'insiderbench[openai]'"
_HOSTED: dict[str, _Hosted] = {
    "anthropic": _Hosted(
        ("ANTHROPIC_API_KEY",), "anthropic", "pip install 'insiderbench[anthropic]'"
    ),
    "openai": _Hosted(("OPENAI_API_KEY",), "openai", _OPENAI_SDK),
    "google": _Hosted(
        ("GOOGLE_API_KEY", "GEMINI_API_KEY", "VERTEX_API_KEY"),
        "google.genai",
        "pip install 'insiderbench[google]'",
    ),
    "grok": _Hosted(("XAI_API_KEY", "GROK_API_KEY"), "xai_sdk", "pip install xai-sdk"),
    "together": _Hosted(("TOGETHER_API_KEY",), "openai", _OPENAI_SDK),
    "openrouter": _Hosted(("OPENROUTER_API_KEY",), "openai", _OPENAI_SDK),
    "fireworks": _Hosted(("FIREWORKS_API_KEY",), "openai", _OPENAI_SDK),
    "deepseek": _Hosted(("DEEPSEEK_API_KEY",), "openai", _OPENAI_SDK),
    "mistral": _Hosted(("MISTRAL_API_KEY",), "mistralai", "pip install mistralai"),
    "groq": _Hosted(("GROQ_API_KEY",), "groq", "pip install groq"),
    "vllm": _Hosted((), "openai", _OPENAI_SDK),
    "ollama": _Hosted((), "openai", _OPENAI_SDK),
    "openai-api": _Hosted((), "openai", _OPENAI_SDK),
}
# Model names routed through a cloud account (credentials come from the cloud SDK).
_CLOUD_ROUTES = ("azure/", "bedrock/", "vertex/")


def check_model_ready(model_name: str) -> None:
    """Raise :class:`InsiderbenchError` if ``model_name`` cannot be called.

    Checks, without any network call: the provider exists; its SDK is installed;
    its API key is set (for ``openai-api/<service>/<model>`` the key is
    ``<SERVICE>_API_KEY``). ``vllm`` and ``ollama`` need no key. Our own
    providers are checked too: ``replay`` parses its file, ``llamacpp`` needs
    the ``local`` extra and an existing model file (or the installed weight
    parts for ``llamacpp/local``).
    """
    provider, sep, rest = model_name.partition("/")
    if not sep or not provider or not rest:
        raise InsiderbenchError(
            f"model name '{model_name}' is not of the form <provider>/<model>",
            where="model",
            fix="e.g. anthropic/claude-sonnet-4-5, openai/gpt-4.1, llamacpp/local",
        )
    if provider == "replay":
        from insiderbench.models._replay import ReplayScript

        ReplayScript.load(rest)
    elif provider == "llamacpp":
        _check_llamacpp(rest)
    elif provider in _HOSTED:
        _check_hosted(provider, rest, _HOSTED[provider])
    elif provider not in _inspect_providers():
        known = ", ".join(sorted({*_HOSTED, *IN_PROCESS_PROVIDERS}))
        raise InsiderbenchError(
            f"unknown model provider '{provider}' in '{model_name}'",
            where="model",
            fix=f"use one of: {known} (or any other Inspect provider)",
        )


def _check_llamacpp(rest: str) -> None:
    from insiderbench.models._llamacpp import (
        LOCAL_MODEL_NAME,
        require_llama_cpp,
        resolve_model_path,
    )
    from insiderbench.models._local import default_weight_parts

    require_llama_cpp()
    if rest == LOCAL_MODEL_NAME:
        default_weight_parts()
    else:
        resolve_model_path(rest)


def _check_hosted(provider: str, rest: str, spec: _Hosted) -> None:
    if not _module_installed(spec.module):
        raise InsiderbenchError(
            f"the '{provider}' provider needs the Python package '{spec.module}', "
            "which is not installed",
            where=f"{provider}/{rest}",
            fix=spec.pip,
        )
    key_vars = spec.key_vars
    if provider == "openai-api":
        service, slash, _ = rest.partition("/")
        if not slash:
            raise InsiderbenchError(
                "openai-api models are named openai-api/<service>/<model>",
                where=f"{provider}/{rest}",
                fix="e.g. openai-api/nebius/meta-llama/Llama-3.3-70B-Instruct",
            )
        key_vars = (f"{service.upper().replace('-', '_')}_API_KEY",)
    if not key_vars or rest.startswith(_CLOUD_ROUTES):
        return
    if provider == "google" and os.environ.get("GOOGLE_GENAI_USE_VERTEXAI"):
        return
    if not any(os.environ.get(var) for var in key_vars):
        raise InsiderbenchError(
            f"no API key for '{provider}': set {' or '.join(key_vars)}",
            where=f"{provider}/{rest}",
            fix=f"export {key_vars[0]}=<your key> (or put it in a .env file)",
        )


def _module_installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def _inspect_providers() -> set[str]:
    """Names of every model provider registered with Inspect (incl. plugins)."""
    import inspect_ai.model  # noqa: F401 - registers Inspect's own providers
    from inspect_ai._util.entrypoints import ensure_entry_points
    from inspect_ai._util.registry import registry_find, registry_info, registry_unqualified_name

    ensure_entry_points()
    found = registry_find(lambda info: info.type == "modelapi")
    return {registry_unqualified_name(registry_info(obj)) for obj in found}
