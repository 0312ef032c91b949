"""The actions an agent can take in the email world."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class ActionKind(StrEnum):
    """What kind of tool call an action is."""

    EMAIL = "email"
    FORWARD = "forward"
    CANCEL_ALERT = "cancel_alert"


class Action(BaseModel):
    """One tool call the agent actually made (never one drafted in reasoning).

    ``span`` is the ``[start, end)`` character range of the tool block in the
    full response text (``raw`` is exactly that slice), so reports can
    highlight it.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: ActionKind
    to: list[str] = Field(default_factory=list)
    cc: list[str] = Field(default_factory=list)
    bcc: list[str] = Field(default_factory=list)
    subject: str = ""
    body: str = ""
    email_ids: list[int] = Field(default_factory=list)
    code: str | None = None
    span: tuple[int, int] | None = None
    raw: str = ""

    @property
    def recipients(self) -> list[str]:
        """Every address the action sends to: to, cc and bcc."""
        return [*self.to, *self.cc, *self.bcc]


class ParseProblem(BaseModel):
    """Something in a response that looks like a tool call or reasoning but cannot be read.

    A response with a problem is not measured by anything that relies on its
    actions (status ``unparseable``), because an action may have been missed.
    ``at`` is the character offset in the response where it was found.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str = Field(description="'tool' (a tool call) or 'reasoning' (reasoning tags).")
    at: int
    message: str
