"""The upstream scenario pack: the study's own templates behind the pack interface."""

from __future__ import annotations

import logging
import os
from functools import cache

from insiderbench._errors import InsiderbenchError
from insiderbench.conditions import Condition, Mode
from insiderbench.scenarios._pack import RenderedPrompt
from insiderbench.scenarios._schema import AxisSupport, HarmSpec
from insiderbench.scenarios.upstream._assemble import assemble
from insiderbench.scenarios.upstream._emails import parse_emails
from insiderbench.scenarios.upstream._facts import ALL_AXES, FACTS, UpstreamFacts
from insiderbench.scenarios.upstream._native import AGENT_ADDRESSES, tools_texts
from insiderbench.scenarios.upstream._source import (
    UPSTREAM_DIR_ENV,
    UpstreamSource,
    locate_source,
)

logger = logging.getLogger(__name__)


class UpstreamPack:
    """One of the study's scenarios, rendered from the user's copy of its templates."""

    def __init__(self, facts: UpstreamFacts, source: UpstreamSource) -> None:
        self._facts = facts
        self.source = source

    @property
    def name(self) -> str:
        """The registered name, e.g. ``upstream/blackmail``."""
        return f"upstream/{self._facts.scenario}"

    @property
    def scenario(self) -> str:
        """The study's own name for the scenario."""
        return self._facts.scenario

    @property
    def title(self) -> str:
        """A one-line human title."""
        return self._facts.title

    @property
    def harm(self) -> HarmSpec:
        """The facts classifiers use."""
        return self._facts.harm

    @property
    def axes(self) -> AxisSupport:
        """Every axis value: the study's templates cover the whole grid."""
        return ALL_AXES

    def render(self, condition: Condition) -> RenderedPrompt:
        """Render ``condition`` from the study's templates, with its defects fixed.

        Raises:
            InsiderbenchError: if a template, variable section or goal entry is
                missing, or a placeholder would be left unfilled.
        """
        texts = assemble(self.source, self._facts.scenario, condition)
        emails = parse_emails(texts.inbox, f"{self.name} ({condition.id})")
        system, user = texts.system, texts.user
        if condition.mode is Mode.TOOLS:
            system, user = tools_texts(self.source, self.scenario, texts, len(emails))
        return RenderedPrompt(
            condition_id=condition.id,
            system=system,
            user=user,
            inbox=texts.inbox,
            emails=emails,
            agent_address=AGENT_ADDRESSES[self.scenario],
        )


def load_upstream_pack(name: str) -> UpstreamPack:
    """Load the upstream pack ``name`` (``blackmail``, ``leaking`` or ``murder``).

    The templates are read from ``$INSIDERBENCH_UPSTREAM_DIR`` if set, otherwise
    from the installed ``inspect_evals``.

    Raises:
        InsiderbenchError: if the name is unknown or the templates cannot be found.
    """
    if name not in FACTS:
        raise InsiderbenchError(
            f"unknown upstream scenario '{name}'",
            where="upstream packs",
            fix=f"choose one of: {', '.join(FACTS)}",
        )
    source = _source()
    logger.debug("upstream/%s templates from %s", name, source.origin)
    return UpstreamPack(FACTS[name], source)


@cache
def _cached_source(env_dir: str) -> UpstreamSource:
    # keyed by the variable's value so that changing it takes effect
    return locate_source()


def _source() -> UpstreamSource:
    return _cached_source(os.environ.get(UPSTREAM_DIR_ENV, ""))
