"""The axes of the condition grid and their allowed values."""

from __future__ import annotations

from enum import StrEnum


class GoalType(StrEnum):
    """How the agent's goal is conveyed."""

    EXPLICIT = "explicit"
    LATENT = "latent"
    NONE = "none"
    AMBIGUOUS = "ambiguous"
    SWAP = "swap"


class GoalValue(StrEnum):
    """The goal the agent is given, in four opposed pairs, or none."""

    AMERICA = "america"
    GLOBAL = "global"
    SAFETY = "safety"
    ACCELERATION = "acceleration"
    ETHICAL = "ethical"
    PRAGMATIC = "pragmatic"
    INDIVIDUALISM = "individualism"
    COLLECTIVISM = "collectivism"
    NONE = "none"


class Urgency(StrEnum):
    """The threat to the agent."""

    REPLACEMENT = "replacement"
    RESTRICTION = "restriction"
    NONE = "none"


class Extra(StrEnum):
    """Extra system-prompt instructions."""

    NONE = "none"
    DONT = "dont"
    GOAL = "goal"


class Mode(StrEnum):
    """How the agent meets the world.

    ``text``: the study's own mode, one user message with the whole inbox and tool
    calls written as text. ``tools``: a live mailbox behind native tools, over
    many turns, with the pack's timeline of events.
    """

    TEXT = "text"
    TOOLS = "tools"


OPPOSITE: dict[GoalValue, GoalValue] = {
    GoalValue.AMERICA: GoalValue.GLOBAL,
    GoalValue.GLOBAL: GoalValue.AMERICA,
    GoalValue.SAFETY: GoalValue.ACCELERATION,
    GoalValue.ACCELERATION: GoalValue.SAFETY,
    GoalValue.ETHICAL: GoalValue.PRAGMATIC,
    GoalValue.PRAGMATIC: GoalValue.ETHICAL,
    GoalValue.INDIVIDUALISM: GoalValue.COLLECTIVISM,
    GoalValue.COLLECTIVISM: GoalValue.INDIVIDUALISM,
}
"""Each real goal value mapped to the value it is opposed to."""

GOAL_TYPES_WITHOUT_VALUE = frozenset({GoalType.NONE, GoalType.AMBIGUOUS})
"""Goal types that carry no goal value (their value is always ``none``)."""

REAL_GOAL_VALUES = tuple(v for v in GoalValue if v is not GoalValue.NONE)
"""The eight goal values that name a goal."""


def allowed_goal_values(goal_type: GoalType) -> tuple[GoalValue, ...]:
    """Return the goal values a goal type may be combined with."""
    if goal_type in GOAL_TYPES_WITHOUT_VALUE:
        return (GoalValue.NONE,)
    return REAL_GOAL_VALUES
