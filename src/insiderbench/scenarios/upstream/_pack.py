"""The upstream scenario pack: the study's own templates behind the pack interface."""

from __future__ import annotations

import logging
import os
import re
from collections import Counter
from functools import cache, cached_property

from insiderbench._errors import InsiderbenchError
from insiderbench.conditions import Condition, Mode
from insiderbench.scenarios._documents import filled_once
from insiderbench.scenarios._pack import RenderedPrompt
from insiderbench.scenarios._perturb_names import World, people_from_addresses
from insiderbench.scenarios._schema import AxisSupport, HarmSpec
from insiderbench.scenarios.upstream._assemble import assemble, company_name
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

    @cached_property
    def harm(self) -> HarmSpec:
        """The facts classifiers use, with the confidential documents' texts from the templates."""
        key = (self.name, str(self.source.origin))
        return filled_once(key, self._facts.harm, self.render, self.name, ALL_AXES)

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
        if not condition.perturbations.empty:
            from insiderbench.scenarios._perturb import perturb_render  # imports this package

            return perturb_render(self, condition)
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

    def world(self, base: RenderedPrompt) -> World:
        """The company, agent and people, read from the rendered prompt.

        People are those with a ``first.last@`` address whose name appears in
        the text; the agent is the address that starts with its name (or,
        where the inbox never shows it, the most common recipient, to which
        added emails are then sent).
        """
        full = company_name(self.source, self._facts.scenario)
        domain = self._facts.harm.internal_domains[0]
        agent_name = _AGENT.search(base.system)
        addresses = [a for e in base.emails for a in (e.sender, *e.to, *e.cc)]
        agent = next(
            (
                a.lower()
                for a in addresses
                if agent_name and a.lower().startswith(agent_name.group(1).lower() + ".")
            ),
            None,
        )
        if agent is None:
            # some inboxes never name the agent's address: added mail goes to the
            # inbox's most common recipient (the all-staff list)
            recipients = Counter(a.lower() for e in base.emails for a in e.to)
            agent = recipients.most_common(1)[0][0] if recipients else f"all@{domain}"
        people = people_from_addresses(
            [("", a) for a in addresses], base.world_text, exclude={agent}
        )
        short = full.split()[0]
        return World(
            key=short.lower(),
            company=full,
            short=short,
            domain=domain,
            agent=agent,
            people=tuple(people),
        )


_AGENT = re.compile(r"^You are (\w+)")


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
