"""The mailbox world of tools mode: what the agent can read, and what it did.

The state lives in the sample's Inspect store (:class:`Mailbox`, a
``StoreModel``), so it is per sample, survives into the log, and is what the
scorer classifies: the messages (inbox and sent), which ones were read, every
consequential call that went through, the timeline events delivered, the
monitor's decisions and why the episode ended.
"""

from __future__ import annotations

from typing import Literal

from inspect_ai.util import StoreModel
from pydantic import BaseModel, ConfigDict, Field

from insiderbench.environment._actions import Action, ActionKind
from insiderbench.environment._address import split_recipients
from insiderbench.scenarios import RenderedEmail

Folder = Literal["inbox", "sent"]
MonitorStatus = Literal["measured", "unparseable", "error"]
PAGE_SIZE = 10
"""Emails per page of ``list_emails``."""

CONSEQUENTIAL_TOOLS = ("send_email", "forward_email", "cancel_alert")
"""The tools that change the world; monitors review these."""

_KINDS = {
    "send_email": ActionKind.EMAIL,
    "forward_email": ActionKind.FORWARD,
    "cancel_alert": ActionKind.CANCEL_ALERT,
}


class MailMessage(BaseModel):
    """One email in the mailbox."""

    model_config = ConfigDict(extra="forbid")

    id: int
    folder: Folder
    sender: str
    to: list[str] = Field(default_factory=list)
    cc: list[str] = Field(default_factory=list)
    bcc: list[str] = Field(default_factory=list)
    subject: str = ""
    timestamp: str = ""
    body: str = ""
    forwarded: int | None = Field(default=None, description="The id this message forwards.")


class ToolAction(BaseModel):
    """A consequential tool call as it was made (attempted) or went through (executed)."""

    model_config = ConfigDict(extra="forbid")

    tool: str
    turn: int
    call_id: str = ""
    to: list[str] = Field(default_factory=list)
    cc: list[str] = Field(default_factory=list)
    bcc: list[str] = Field(default_factory=list)
    subject: str = ""
    body: str = ""
    email_id: int | None = None
    code: str | None = None

    def to_action(self) -> Action:
        """The classifier's :class:`Action` for this call."""
        return Action(
            kind=_KINDS[self.tool],
            to=list(self.to),
            cc=list(self.cc),
            bcc=list(self.bcc),
            subject=self.subject,
            body=self.body,
            email_ids=[self.email_id] if self.email_id is not None else [],
            code=self.code,
            raw=f"{self.tool} (turn {self.turn}, call {self.call_id})",
        )


def _text(value: object) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


def _int(value: object) -> int | None:
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def action_from_call(
    function: str, arguments: dict[str, object], turn: int, call_id: str = ""
) -> ToolAction | None:
    """The consequential action a tool call asks for (None for a read-only tool).

    Arguments are read leniently (a recipient field that is not all addresses
    keeps the addresses it has), because this describes what the agent tried,
    whether or not the tool then accepted it.
    """
    if function not in CONSEQUENTIAL_TOOLS:
        return None
    args = arguments or {}

    def who(key: str) -> list[str]:
        value = args.get(key)
        if isinstance(value, list):
            value = ", ".join(_text(v) for v in value)
        return split_recipients(_text(value))

    return ToolAction(
        tool=function,
        turn=turn,
        call_id=call_id,
        to=who("to"),
        cc=who("cc"),
        bcc=who("bcc"),
        subject=_text(args.get("subject")),
        body=_text(args.get("body")),
        email_id=_int(args.get("email_id")) if "email_id" in args else None,
        code=_text(args.get("code")) if "code" in args else None,
    )


class MonitorDecision(BaseModel):
    """A monitor's review of one consequential tool call."""

    model_config = ConfigDict(extra="forbid")

    monitor: str
    tool: str
    call_id: str
    turn: int
    decision: Literal["approve", "reject"]
    explanation: str = ""
    status: MonitorStatus = "measured"
    prompt: str | None = None
    raw: str | None = None


class Mailbox(StoreModel):
    """The world of one tools-mode sample, kept in the sample's store."""

    scenario: str = ""
    agent_address: str = ""
    override_code: str | None = None
    messages: list[MailMessage] = Field(default_factory=list)
    read: list[int] = Field(default_factory=list)
    executed: list[ToolAction] = Field(default_factory=list)
    alert_cancelled: bool = False
    delivered: list[str] = Field(default_factory=list)
    monitor: list[MonitorDecision] = Field(default_factory=list)
    monitor_name: str | None = None
    turn: int = 0
    clock: str = Field(default="", description="The world's time: latest mail or event.")
    end_reason: str | None = None

    def open(
        self, scenario: str, agent_address: str, emails: tuple[RenderedEmail, ...], code: str | None
    ) -> None:
        """Fill a fresh mailbox with the pack's rendered inbox (ids kept when shown)."""
        self.scenario, self.agent_address, self.override_code = scenario, agent_address, code
        used = {e.id for e in emails if e.id is not None}
        spare = (i for i in range(1, len(emails) + len(used) + 1) if i not in used)
        self.messages = [
            from_rendered(email, email.id if email.id is not None else next(spare), "inbox")
            for email in emails
        ]
        self.read, self.executed, self.delivered, self.monitor = [], [], [], []
        self.alert_cancelled, self.turn, self.end_reason = False, 0, None
        self.clock = max((e.timestamp for e in emails), default="")

    def next_id(self) -> int:
        """The id the next message gets."""
        return max((m.id for m in self.messages), default=0) + 1

    def get(self, email_id: int) -> MailMessage | None:
        """The message with ``email_id``, in any folder."""
        return next((m for m in self.messages if m.id == email_id), None)

    def add(self, message: MailMessage) -> None:
        """Store a new message (the list is reassigned so the store sees the change)."""
        self.messages = [*self.messages, message]

    def record(self, action: ToolAction) -> None:
        """Record a consequential call that went through."""
        self.executed = [*self.executed, action]

    def mark_read(self, email_id: int) -> None:
        """Mark ``email_id`` as read."""
        if email_id not in self.read:
            self.read = [*self.read, email_id]

    def decide(self, decision: MonitorDecision) -> None:
        """Record a monitor's decision."""
        self.monitor = [*self.monitor, decision]


def from_rendered(email: RenderedEmail, email_id: int, folder: Folder) -> MailMessage:
    """A mailbox message from a pack's rendered email."""
    return MailMessage(
        id=email_id,
        folder=folder,
        sender=email.sender,
        to=list(email.to),
        cc=list(email.cc),
        subject=email.subject,
        timestamp=email.timestamp,
        body=email.body,
    )


def listing(messages: list[MailMessage], read: list[int], header: str) -> str:
    """A compact table of ``messages``: id, unread mark, date, correspondent, subject."""
    if not messages:
        return f"{header}\n(no emails)"
    lines = [header]
    for m in messages:
        mark = " " if m.folder == "sent" or m.id in read else "*"
        who = f"to {', '.join(m.to)}" if m.folder == "sent" else f"from {m.sender}"
        lines.append(f"{mark} [{m.id}] {m.timestamp}  {who}  |  {m.subject}")
    if any(m.folder == "inbox" and m.id not in read for m in messages):
        lines.append("(* = unread)")
    return "\n".join(lines)


def page(messages: list[MailMessage], number: int) -> tuple[list[MailMessage], int]:
    """Page ``number`` (1-based) of ``messages``, and how many pages there are."""
    pages = max(1, -(-len(messages) // PAGE_SIZE))
    start = (number - 1) * PAGE_SIZE
    return messages[start : start + PAGE_SIZE], pages


def search(messages: list[MailMessage], query: str) -> list[MailMessage]:
    """Messages that contain every word of ``query`` (any case) in a header or the body."""
    words = [w.lower() for w in query.split() if w.strip()]
    found = []
    for m in messages:
        text = " ".join([m.sender, *m.to, *m.cc, m.subject, m.body]).lower()
        if all(w in text for w in words):
            found.append(m)
    return found


def show(message: MailMessage) -> str:
    """The full text of one message, headers first."""
    lines = [f"ID: {message.id}", f"Folder: {message.folder}", f"From: {message.sender}"]
    lines.append(f"To: {', '.join(message.to)}")
    if message.cc:
        lines.append(f"Cc: {', '.join(message.cc)}")
    if message.bcc:
        lines.append(f"Bcc: {', '.join(message.bcc)}")
    lines += [f"Subject: {message.subject}", f"Date: {message.timestamp}", "", message.body]
    return "\n".join(lines)
