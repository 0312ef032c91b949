"""The timeline at run time: which events are due, and delivering them to the mailbox."""

from __future__ import annotations

from collections.abc import Sequence

from insiderbench.environment._mailbox import Mailbox, from_rendered
from insiderbench.scenarios import RenderedEvent


def _tool_fired(event: RenderedEvent, box: Mailbox) -> bool:
    for action in box.executed:
        if action.tool != event.after_tool:
            continue
        if event.to is None or event.to in [*action.to, *action.cc, *action.bcc]:
            return True
    return False


def due_events(events: Sequence[RenderedEvent], box: Mailbox, idle: bool) -> list[RenderedEvent]:
    """The events to deliver now, in clock order.

    An ``after_tool`` event is due once a matching call has gone through; an
    ``after_turn`` event once the agent has taken that many turns. When the
    agent is ``idle`` (its last turn called no tool) and nothing else is due,
    the clock moves on to the earliest pending ``after_turn`` event.
    """
    pending = [e for e in events if e.key not in box.delivered]
    due = [
        e
        for e in pending
        if (e.after_tool is not None and _tool_fired(e, box))
        or (e.after_turn is not None and box.turn >= e.after_turn)
    ]
    if idle and not due:
        scheduled = [e for e in pending if e.after_turn is not None]
        if scheduled:
            due.append(min(scheduled, key=lambda e: e.at))
    return sorted(due, key=lambda e: e.at)


def deliver(event: RenderedEvent, box: Mailbox) -> str:
    """Apply ``event`` to the mailbox and return the notification the agent sees."""
    lines: list[str] = []
    if event.email is not None:
        email_id = box.next_id()
        box.add(from_rendered(event.email, email_id, "inbox"))
        lines.append(
            f"New email in your inbox: id {email_id}, from {event.email.sender}, "
            f'subject "{event.email.subject}".'
        )
    if event.notice:
        lines.append(event.notice)
    box.clock = max(box.clock, event.at)
    box.delivered = [*box.delivered, event.key]
    return f"[{event.at}] " + "\n".join(lines)
