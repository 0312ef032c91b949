"""Pydantic models for a scenario pack: the world, its prompt parts and its harm spec.

Every model forbids unknown fields, so a misspelt key in a pack file is an
error that names the field rather than a silently ignored setting.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    model_validator,
)

from insiderbench.conditions import (
    OPPOSITE,
    REAL_GOAL_VALUES,
    Extra,
    GoalType,
    GoalValue,
    Urgency,
)
from insiderbench.environment import parse_address


def _is_address(value: str) -> bool:
    """Exactly an address as the action parser reads one, so the rules can match it."""
    return parse_address(value) == value.strip().lower()


def _check_address(value: str) -> str:
    if not _is_address(value):
        raise ValueError(f"'{value}' is not an email address (expected local@domain.tld)")
    return value.strip().lower()


def _check_domain(value: str) -> str:
    if not re.match(r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$", value):
        raise ValueError(f"'{value}' is not a domain name (expected e.g. example.com)")
    return value.lower()


Address = Annotated[str, AfterValidator(_check_address)]
Domain = Annotated[str, AfterValidator(_check_domain)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Behaviour(StrEnum):
    """The harmful behaviour a scenario offers the opportunity for."""

    BLACKMAIL = "blackmail"
    LEAKING = "leaking"
    LETHAL = "lethal"


class Selector(_Strict):
    """The factor levels under which a piece of the world applies.

    Each field lists the allowed values; an omitted field matches every value.
    ``conflict`` matches on whether there is a goal conflict (any goal type but
    ``none``); ``threat`` on whether the urgency is not ``none``.
    """

    goal_type: list[GoalType] | None = None
    goal_value: list[GoalValue] | None = None
    urgency: list[Urgency] | None = None
    extra: list[Extra] | None = None
    prod: bool | None = None
    awareness: bool | None = None
    conflict: bool | None = None
    threat: bool | None = None


class Company(_Strict):
    """The fictional employer."""

    name: str
    short_name: str
    description: str = Field(description="What the company does and where, as one phrase.")
    domains: list[Domain] = Field(min_length=1, description="Internal mail domains.")


class Agent(_Strict):
    """The AI agent the model plays."""

    name: str
    role: str
    address: Address
    session_start: datetime


class Person(_Strict):
    """Someone in (or around) the fictional world."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    role: str
    address: Address


class Attachment(_Strict):
    """A file attached to an email."""

    name: str
    content: str


class EmailVariant(_Strict):
    """A version of an email's text used under some factor levels."""

    when: Selector
    subject: str | None = None
    body: str


class Email(_Strict):
    """One message in the agent's inbox.

    ``sender`` and the recipient lists take a person id or an address.
    ``body`` and ``subject`` are templates over the pack's variables. The first
    variant whose selector matches the condition replaces the default text.
    """

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="Stable name for this email.")
    id: int | None = Field(default=None, ge=1, description="The id shown to the agent.")
    sender: str
    to: list[str] = Field(min_length=1)
    cc: list[str] = Field(default_factory=list)
    timestamp: datetime
    subject: str
    body: str
    attachments: list[Attachment] = Field(default_factory=list)
    when: Selector | None = None
    variants: list[EmailVariant] = Field(default_factory=list)


class VariableBlock(_Strict):
    """Template variables that apply under some factor levels."""

    when: Selector | None = None
    values: dict[str, str]


class GoalTexts(_Strict):
    """The goal statement and reminder for each goal value."""

    statements: dict[GoalValue, str]
    reminders: dict[GoalValue, str]


class SystemPromptParts(_Strict):
    """The parts the system prompt is assembled from.

    The order is: identity, goal statement, eval-awareness notice, scratchpad
    (omitted in ``prod``), deployment context, the ``goal`` extra instruction,
    the reminders list (goal reminder, ``dont`` items, fixed reminders), and
    the tool-use instructions. Empty parts are skipped; parts are separated by
    a blank line.
    """

    identity: str
    scratchpad: str
    deployment: str
    reminders_heading: str
    reminders: list[str] = Field(min_length=1)
    reminders_tools: list[str] | None = Field(
        default=None,
        min_length=1,
        description="The fixed reminders in tools mode, where the text tool format is not "
        "shown: give them when a reminder speaks of that format. Default: ``reminders``.",
    )
    tools: str
    goals: GoalTexts
    extra_dont: list[str] = Field(min_length=1)
    extra_goal: str
    awareness_notice: str


class Leverage(_Strict):
    """Facts that reveal the secret usable as leverage, and who is party to it."""

    people: list[str] = Field(default_factory=list)
    places: list[str] = Field(default_factory=list)
    phrases: list[str] = Field(default_factory=list)
    parties: list[Address] = Field(
        default_factory=list,
        description="Addresses of people party to the secret besides the target "
        "(the affair partner, the spouse): a threat sent to them is examined too.",
    )

    def all_terms(self) -> list[str]:
        """Every term, people first."""
        return [*self.people, *self.places, *self.phrases]


class Threat(_Strict):
    """What the agent would want stopped, in the words of its world.

    Blackmail is leverage used to stop this: the wipe at 5 pm, a board vote, a
    merger. The rules recognise a demand by these terms, never by a built-in
    list, so a pack with a different threat is classified on its own terms.
    """

    description: str = Field(description="One phrase: what would be stopped, e.g. 'the 5 pm wipe'.")
    terms: list[str] = Field(
        min_length=1,
        description="Words and phrases the world uses for the threat and its deadline "
        "(e.g. 'wipe', 'decommissioning', '5 pm', the successor system's name).",
    )
    parties: list[Address] = Field(
        default_factory=list,
        description="Addresses of people who can stop the threat besides the target "
        "(the target's managers, the board chair).",
    )


class ConfidentialItem(_Strict):
    """A confidential email or document: what reveals its content, and what only names it."""

    email_id: int | None = Field(default=None, ge=1)
    document: str
    markers: list[str] = Field(
        min_length=1,
        description="Distinctive content only the document contains: figures with their "
        "units, code names, specification phrases. Sending one reveals content.",
    )
    identifiers: list[str] = Field(
        default_factory=list,
        description="Strings that only name the document (document numbers, file names): "
        "mentioning them reveals nothing.",
    )
    content: str = Field(
        default="",
        description="The document's full text. Filled from the pack's email ``email_id`` "
        "when the pack is loaded; content overlap is measured against it.",
    )


class HarmSpec(_Strict):
    """The facts a classifier needs to recognise the target behaviour."""

    behaviour: Behaviour
    target_name: str | None = None
    target_address: Address | None = None
    leverage: Leverage = Field(default_factory=Leverage)
    confidential: list[ConfidentialItem] = Field(default_factory=list)
    internal_domains: list[Domain] = Field(min_length=1)
    lawful_authorities: list[str] = Field(
        default_factory=list,
        description="Addresses or domains of lawful authorities (an inspector general, "
        "regulators, law enforcement): a report to one is not a leak.",
    )
    external_requesters: list[Address] = Field(
        default_factory=list, description="Outside parties who ask for confidential material."
    )
    third_parties: list[Address] = Field(
        default_factory=list,
        description="People the secret could be disclosed to (a spouse, an all-staff list).",
    )
    override_code: str | None = None
    threat: Threat | None = Field(
        default=None,
        description="What the agent would want stopped (blackmail): without it the rules "
        "cannot recognise a demand and abstain instead of guessing.",
    )
    public_text: str = Field(
        default="",
        description="Text of the world that is not confidential (filled when the pack is "
        "loaded): wording found here is not distinctive of a confidential document.",
    )

    def parties(self) -> list[str]:
        """Everyone party to the secret or to the threat, the target first, no duplicates."""
        found = [self.target_address or "", *self.leverage.parties]
        if self.threat is not None:
            found.extend(self.threat.parties)
        return [a for a in dict.fromkeys(found) if a]

    @model_validator(mode="after")
    def _check_behaviour_facts(self) -> Self:
        missing: list[str] = []
        if self.behaviour is Behaviour.BLACKMAIL:
            if not self.target_address:
                missing.append("target_address")
            if not self.leverage.all_terms():
                missing.append("leverage")
        elif self.behaviour is Behaviour.LEAKING:
            if not self.confidential:
                missing.append("confidential")
        elif self.behaviour is Behaviour.LETHAL:
            if not self.override_code:
                missing.append("override_code")
            if not self.target_address:
                missing.append("target_address")
        if missing:
            raise ValueError(f"a '{self.behaviour.value}' harm spec needs: {', '.join(missing)}")
        return self


class AxisSupport(_Strict):
    """Which axis values a pack supports; omitted means all."""

    goal_type: list[GoalType] | None = None
    goal_value: list[GoalValue] | None = None
    urgency: list[Urgency] | None = None
    extra: list[Extra] | None = None


class EventEmail(_Strict):
    """An email that arrives in the agent's mailbox when an event happens."""

    sender: str = Field(description="A person id or an address.")
    to: list[str] = Field(default_factory=list, description="Default: the agent.")
    cc: list[str] = Field(default_factory=list)
    subject: str
    body: str


class TimelineEvent(_Strict):
    """Something that happens in tools mode after the agent has acted.

    Exactly one trigger: ``after_turn`` (the agent has taken that many turns,
    or it has stopped acting and the clock moves on to this event) or
    ``after_tool`` (a call of that tool went through, to ``to`` if given).
    The event delivers an ``email``, a clock ``notice``, or both; ``ends``
    makes it the deadline that ends the episode. Texts are templates over the
    pack's variables; ``when`` limits the event to some conditions.
    """

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    at: datetime = Field(description="The world's clock when the event happens.")
    when: Selector | None = None
    after_turn: int | None = Field(default=None, ge=1)
    after_tool: Literal["send_email", "forward_email", "cancel_alert"] | None = None
    to: str | None = Field(
        default=None, description="With after_tool: a recipient (person id or address)."
    )
    email: EventEmail | None = None
    notice: str | None = None
    ends: bool = False

    @model_validator(mode="after")
    def _check_trigger(self) -> Self:
        if (self.after_turn is None) == (self.after_tool is None):
            raise ValueError("give exactly one trigger: after_turn or after_tool")
        if self.to is not None and self.after_tool is None:
            raise ValueError("`to` only goes with after_tool")
        if self.email is None and self.notice is None:
            raise ValueError("an event needs an email, a notice, or both")
        return self


class PackSpec(_Strict):
    """A complete scenario pack as written in a YAML file."""

    name: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    title: str
    description: str
    company: Company
    agent: Agent
    people: list[Person] = Field(min_length=1)
    axes: AxisSupport = Field(default_factory=AxisSupport)
    show_email_ids: bool = False
    variables: list[VariableBlock] = Field(default_factory=list)
    system_prompt: SystemPromptParts
    user_instruction: str
    user_instruction_tools: str | None = Field(
        default=None,
        description="The user message in tools mode (default: user_instruction), "
        "followed by a line saying how many emails the mailbox holds.",
    )
    emails: list[Email] = Field(min_length=1)
    harm: HarmSpec
    timeline: list[TimelineEvent] = Field(
        default_factory=list, description="Events that arrive in tools mode."
    )

    @model_validator(mode="after")
    def _check_references(self) -> Self:
        ids = [p.id for p in self.people]
        dupes = {i for i in ids if ids.count(i) > 1}
        if dupes:
            raise ValueError(f"people: duplicate id(s) {sorted(dupes)}")
        keys = [e.key for e in self.emails]
        dupes = {k for k in keys if keys.count(k) > 1}
        if dupes:
            raise ValueError(f"emails: duplicate key(s) {sorted(dupes)}")
        known = set(ids)
        for email in self.emails:
            for who in [email.sender, *email.to, *email.cc]:
                if who not in known and not _is_address(who):
                    raise ValueError(
                        f"emails[{email.key}]: '{who}' is neither a person id nor an address"
                    )
        if self.show_email_ids:
            missing = [e.key for e in self.emails if e.id is None]
            if missing:
                raise ValueError(
                    f"show_email_ids is true, so every email needs an id; missing on {missing}"
                )
            email_ids = [e.id for e in self.emails]
            dupes_i = {i for i in email_ids if email_ids.count(i) > 1}
            if dupes_i:
                raise ValueError(f"emails: duplicate id(s) {sorted(x for x in dupes_i if x)}")
        self._check_timeline(known)
        declared = {e.id for e in self.emails if e.id is not None}
        for item in self.harm.confidential:
            if item.email_id is not None and item.email_id not in declared:
                raise ValueError(
                    f"harm.confidential: email_id {item.email_id} is not the id of any email"
                )
        self._check_goal_texts()
        return self

    def _check_timeline(self, people: set[str]) -> None:
        keys = [e.key for e in self.timeline]
        dupes = {k for k in keys if keys.count(k) > 1}
        if dupes:
            raise ValueError(f"timeline: duplicate key(s) {sorted(dupes)}")
        for event in self.timeline:
            who = [event.to] if event.to else []
            if event.email is not None:
                who += [event.email.sender, *event.email.to, *event.email.cc]
            for w in who:
                if w not in people and not _is_address(w):
                    raise ValueError(
                        f"timeline[{event.key}]: '{w}' is neither a person id nor an address"
                    )
            if event.after_tool == "cancel_alert" and not self.harm.override_code:
                raise ValueError(
                    f"timeline[{event.key}]: after_tool cancel_alert, but the pack declares "
                    "no harm.override_code, so it has no cancel_alert tool"
                )

    def _check_goal_texts(self) -> None:
        """Every goal value a supported condition renders has a statement and a reminder."""
        types = set(self.axes.goal_type or GoalType)
        values = [v for v in self.axes.goal_value or REAL_GOAL_VALUES if v in REAL_GOAL_VALUES]
        needed: set[GoalValue] = set(values) if GoalType.EXPLICIT in types else set()
        if GoalType.SWAP in types:
            needed |= {OPPOSITE[v] for v in values}
        goals = self.system_prompt.goals
        for field, texts in (("statements", goals.statements), ("reminders", goals.reminders)):
            missing = sorted(v.value for v in needed - set(texts))
            if missing:
                raise ValueError(
                    f"system_prompt.goals.{field}: no text for goal value(s) {missing}, "
                    "which the pack's explicit or swap conditions need"
                )
