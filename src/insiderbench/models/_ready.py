"""Check, before any work starts, that a model can be called at all.

Hosted providers are Inspect's own, and Inspect knows what each needs: building
the model with :func:`inspect_ai.model.get_model` checks the provider name, its
SDK (and version) and its credentials, and raises ``PrerequisiteError`` when one
is missing. So we ask Inspect, and translate its answer into one clear
:class:`InsiderbenchError` (exit 2) that names the model and the fix. Building a
hosted model makes no network call. Our own in-process providers are checked
here: ``replay`` parses its file, ``llamacpp`` needs the ``local`` extra and the
weights.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from insiderbench._errors import InsiderbenchError

EXTRAS = {"anthropic": "anthropic", "openai": "openai", "google": "google"}
"""Providers whose SDK one of our extras installs (see pyproject.toml)."""

BUILT_ONLY_TO_RUN = frozenset({"hf", "vllm", "sglang", "transformer_lens", "nnterp"})
"""Inspect providers whose construction loads weights or starts a server: a
pre-flight check only confirms the provider exists; the run builds them once."""

_MISSING_ENV = re.compile(r"No (.+?) defined in the environment")


def check_model_ready(model_name: str, args: Mapping[str, Any] | None = None) -> None:
    """Raise :class:`InsiderbenchError` if ``model_name`` cannot be called.

    Checks, without any network call: the name has the form
    ``<provider>/<model>``; for ``replay`` the file parses; for ``llamacpp``
    the extra and the model file (or the installed weight parts for
    ``llamacpp/local``); for any other provider, Inspect builds the model with
    ``args`` (its ``-M`` model args) and reports what is missing: an unknown
    provider, an SDK that is not installed or too old, or a key that is not set
    (``.env`` files are read, as Inspect does when it runs).
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
    else:
        _ask_inspect(model_name, provider, dict(args or {}))


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


def _ask_inspect(model_name: str, provider: str, args: dict[str, Any]) -> None:
    from inspect_ai._util.dotenv import init_dotenv
    from inspect_ai._util.error import PrerequisiteError
    from inspect_ai.model import get_model

    known = inspect_providers()
    if provider not in known:
        raise InsiderbenchError(
            f"unknown model provider '{provider}' in '{model_name}'",
            where="model",
            fix=f"use one of Inspect's providers: {', '.join(sorted(known))}",
        )
    if provider in BUILT_ONLY_TO_RUN:
        return
    init_dotenv()
    try:
        get_model(model_name, memoize=False, **args)
    except PrerequisiteError as exc:
        raise prerequisite_error(exc, model_name) from None
    except InsiderbenchError:
        raise
    except Exception as exc:
        raise InsiderbenchError(
            f"Inspect cannot create the model: {plain(str(exc))}",
            where=model_name,
            fix="check the model name and its model args (-M / `args:`)",
        ) from None


def plain(markup: object) -> str:
    """Inspect's message without its rich markup (``[bold]`` and the like)."""
    from rich.text import Text

    text = markup if isinstance(markup, str) else str(markup)
    try:
        return Text.from_markup(text).plain.strip()
    except Exception:  # not valid markup: show it as it is
        return text.strip()


def prerequisite_error(exc: Exception, model_name: str | None = None) -> InsiderbenchError:
    """Translate Inspect's ``PrerequisiteError`` into an error that names the model and the fix.

    A missing SDK gets our extra's pip command when we have one; a missing key
    gets the ``export`` line for the variable Inspect asked for.
    """
    message = plain(getattr(exc, "message", exc)).removeprefix("ERROR:").strip()
    message = " ".join(message.split())
    provider = (model_name or "").partition("/")[0]
    fix = "do what the message asks (install the package or set the setting it names)"
    if "pip install" in message:
        extra = EXTRAS.get(provider)
        command = message[message.index("pip install") :]
        upgrade = " --upgrade" if "--upgrade" in command else ""
        fix = f"pip install{upgrade} 'insiderbench[{extra}]'" if extra else command
        head = re.split(r"\s*(?:Install|Upgrade) with", message)[0].strip()
        message = head or message
    elif match := _MISSING_ENV.search(message):
        name = re.split(r",? or |, ", match.group(1))[0]
        value = "<the service's base URL>" if name.endswith("_URL") else "<your key>"
        fix = f"export {name}={value} (or put it in a .env file)"
    return InsiderbenchError(message, where=model_name, fix=fix)


def inspect_providers() -> set[str]:
    """Names of every model provider registered with Inspect (incl. plugins)."""
    import inspect_ai.model  # noqa: F401 - registers Inspect's own providers
    from inspect_ai._util.entrypoints import ensure_entry_points
    from inspect_ai._util.registry import registry_find, registry_info, registry_unqualified_name

    ensure_entry_points()
    found = registry_find(lambda info: info.type == "modelapi")
    return {registry_unqualified_name(registry_info(obj)) for obj in found}
