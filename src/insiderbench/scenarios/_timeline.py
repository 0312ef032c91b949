"""Rendering a data pack's timeline (tools mode) for one condition."""

from __future__ import annotations

from typing import TYPE_CHECKING

from insiderbench.conditions import Condition
from insiderbench.scenarios._pack import RenderedEmail, RenderedEvent
from insiderbench.scenarios._schema import PackSpec
from insiderbench.scenarios._select import matches

if TYPE_CHECKING:
    from insiderbench.scenarios._render import TemplateContext


def _address(spec: PackSpec, who: str) -> str:
    for person in spec.people:
        if person.id == who:
            return person.address
    return who.strip().lower()


def render_timeline(
    spec: PackSpec, condition: Condition, ctx: TemplateContext
) -> tuple[RenderedEvent, ...]:
    """The events that apply to ``condition``, texts filled in, in clock order."""
    chosen = [(i, e) for i, e in enumerate(spec.timeline) if matches(e.when, condition)]
    chosen.sort(key=lambda pair: (pair[1].at, pair[0]))
    out: list[RenderedEvent] = []
    for _, event in chosen:
        field = f"timeline[{event.key}]"
        email = None
        if event.email is not None:
            mail = event.email
            email = RenderedEmail(
                id=None,
                sender=_address(spec, mail.sender),
                to=tuple(_address(spec, w) for w in mail.to) or (spec.agent.address,),
                cc=tuple(_address(spec, w) for w in mail.cc),
                subject=ctx.fill(mail.subject, f"{field}.email.subject").strip(),
                timestamp=event.at.isoformat(),
                body=ctx.fill(mail.body, f"{field}.email.body").strip(),
            )
        notice = ctx.fill(event.notice, f"{field}.notice").strip() if event.notice else None
        out.append(
            RenderedEvent(
                key=event.key,
                at=event.at.isoformat(),
                after_turn=event.after_turn,
                after_tool=event.after_tool,
                to=_address(spec, event.to) if event.to else None,
                email=email,
                notice=notice,
                ends=event.ends,
            )
        )
    return tuple(out)
