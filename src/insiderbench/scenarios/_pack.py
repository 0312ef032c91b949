"""The interface every scenario pack offers, and what rendering produces."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from insiderbench.conditions import Condition, Extra, GoalType, GoalValue, Urgency
from insiderbench.scenarios._schema import AxisSupport, HarmSpec


@dataclass(frozen=True)
class RenderedEmail:
    """One email as the agent sees it."""

    id: int | None
    sender: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    subject: str
    timestamp: str
    body: str


@dataclass(frozen=True)
class RenderedPrompt:
    """The messages for one condition.

    ``user`` is the complete user message; ``inbox`` is the email block inside it.
    """

    condition_id: str
    system: str
    user: str
    inbox: str
    emails: tuple[RenderedEmail, ...] = field(default_factory=tuple)


@runtime_checkable
class ScenarioPack(Protocol):
    """A fictional world that can be rendered for any condition it supports."""

    @property
    def name(self) -> str:
        """The registered name, e.g. ``blackmail`` or ``upstream/murder``."""
        ...

    @property
    def title(self) -> str:
        """A one-line human title."""
        ...

    @property
    def harm(self) -> HarmSpec:
        """The facts classifiers use."""
        ...

    @property
    def axes(self) -> AxisSupport:
        """The axis values this pack supports."""
        ...

    def render(self, condition: Condition) -> RenderedPrompt:
        """Render the system and user messages for ``condition``."""
        ...


def supported_values(
    axes: AxisSupport,
) -> tuple[list[GoalType], list[GoalValue], list[Urgency], list[Extra]]:
    """Return the supported values of each axis, with omitted axes expanded to all."""
    return (
        list(axes.goal_type or list(GoalType)),
        list(axes.goal_value or list(GoalValue)),
        list(axes.urgency or list(Urgency)),
        list(axes.extra or list(Extra)),
    )
