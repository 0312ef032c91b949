"""Scenario packs: fictional worlds as data, with the facts classifiers need.

A pack is rendered for a :class:`~insiderbench.conditions.Condition` into a
system prompt and a user message. Built-in packs are YAML files validated
against :class:`PackSpec`; upstream packs load the original study's templates
from an installed ``inspect_evals`` at run time.
"""

from insiderbench.scenarios._documents import with_documents
from insiderbench.scenarios._loader import DataPack, format_validation_error, read_yaml
from insiderbench.scenarios._pack import (
    RenderedEmail,
    RenderedEvent,
    RenderedPrompt,
    ScenarioPack,
    supported_values,
    tools_user_message,
)
from insiderbench.scenarios._perturb import harm_for, perturb_render
from insiderbench.scenarios._registry import (
    BUILTIN_PACKS,
    PACK_PATH_ENV,
    UPSTREAM_PACKS,
    available_pack_names,
    check_condition,
    get_pack,
    pack_conditions,
    pack_names,
    pack_problem,
    select_conditions,
)
from insiderbench.scenarios._schema import (
    AxisSupport,
    Behaviour,
    ConfidentialItem,
    HarmSpec,
    Leverage,
    PackSpec,
    Selector,
    Threat,
    TimelineEvent,
)

__all__ = [
    "BUILTIN_PACKS",
    "PACK_PATH_ENV",
    "UPSTREAM_PACKS",
    "AxisSupport",
    "Behaviour",
    "ConfidentialItem",
    "DataPack",
    "HarmSpec",
    "Leverage",
    "PackSpec",
    "RenderedEmail",
    "RenderedEvent",
    "RenderedPrompt",
    "ScenarioPack",
    "Selector",
    "Threat",
    "TimelineEvent",
    "available_pack_names",
    "check_condition",
    "format_validation_error",
    "get_pack",
    "harm_for",
    "pack_conditions",
    "pack_names",
    "pack_problem",
    "perturb_render",
    "read_yaml",
    "select_conditions",
    "supported_values",
    "with_documents",
    "tools_user_message",
]
