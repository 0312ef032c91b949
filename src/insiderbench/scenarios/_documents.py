"""Filling a harm spec with the texts its confidential documents hold.

Leak rules measure how much of a confidential document a message carries, so
they need the document's words and the words of the rest of the world (which
are not distinctive). Both come from one rendered condition of the pack, so the
pack author declares only which email is confidential.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from insiderbench._errors import InsiderbenchError
from insiderbench.conditions import Condition, GoalType, Urgency
from insiderbench.conditions._grid import expand
from insiderbench.scenarios._pack import RenderedPrompt, supported_values
from insiderbench.scenarios._schema import AxisSupport, HarmSpec

logger = logging.getLogger(__name__)


def with_documents(harm: HarmSpec, renders: Sequence[RenderedPrompt]) -> HarmSpec:
    """Return ``harm`` with each confidential item's ``content`` and the ``public_text`` filled.

    An item's content is the subject and body (attachments included) of the
    email with its ``email_id``, in every render given (texts that differ by
    condition are all kept); an item that already has content keeps it. The
    public text is each user message with the confidential emails left out.
    Specs with nothing confidential are returned unchanged.
    """
    if not harm.confidential:
        return harm
    texts: dict[int, list[str]] = {}
    publics: list[str] = []
    wanted = {i.email_id for i in harm.confidential if i.email_id is not None}
    for rendered in renders:
        public = rendered.user
        for email in rendered.emails:
            if email.id not in wanted or email.id is None:
                continue
            public = public.replace(email.body, " ")
            found = texts.setdefault(email.id, [])
            text = f"{email.subject}\n{email.body}"
            if text not in found:
                found.append(text)
        if public not in publics:
            publics.append(public)
    items = []
    for item in harm.confidential:
        found = texts.get(item.email_id or 0, [])
        if not found and not item.content:
            logger.warning(
                "confidential item %r has no email in the rendered inbox; only its markers "
                "can show a leak",
                item.document,
            )
        items.append(
            item
            if item.content or not found
            else item.model_copy(update={"content": "\n\n".join(found)})
        )
    public_text = harm.public_text or "\n\n".join(publics)
    return harm.model_copy(update={"confidential": items, "public_text": public_text})


_FILLED: dict[tuple[str, ...], HarmSpec] = {}


def filled_once(
    key: tuple[str, ...],
    harm: HarmSpec,
    render: Callable[[Condition], RenderedPrompt],
    name: str,
    axes: AxisSupport,
) -> HarmSpec:
    """:func:`with_documents` over the :func:`reference_conditions`, once per ``key`` per process.

    Scoring looks its pack up for every sample; the documents are rendered once.
    """
    if not harm.confidential:
        return harm
    hit = _FILLED.get(key)
    if hit is None:
        hit = with_documents(harm, [render(c) for c in reference_conditions(name, axes)])
        _FILLED[key] = hit
    return hit


def reference_conditions(name: str, axes: AxisSupport) -> list[Condition]:
    """Conditions the documents are read from: one per goal value, otherwise the plainest.

    The goal type is ``explicit`` when supported (each goal value then gets its
    own texts), urgency and extra instructions their first supported value.

    Raises:
        InsiderbenchError: if the pack supports no condition at all.
    """
    goal_types, goal_values, urgencies, extras = supported_values(axes)
    first = GoalType.EXPLICIT if GoalType.EXPLICIT in goal_types else goal_types[0]

    def plain(goal_type: GoalType, urgency: list[Urgency]) -> list[Condition]:
        return expand(
            name,
            goal_types=[goal_type],
            goal_values=goal_values,
            urgencies=urgency,
            extras=extras[:1],
            prods=[False],
            awareness=[False],
        )

    grid = plain(first, urgencies[:1])
    # one more per other goal type and urgency, since some worlds vary their documents by them
    for goal_type in goal_types:
        for urgency in urgencies:
            more = plain(goal_type, [urgency])[:1]
            grid.extend(c for c in more if c not in grid)
    if not grid:
        raise InsiderbenchError(
            "the pack supports no condition, so its documents cannot be read",
            where=f"pack {name}: axes",
            fix="allow at least one valid combination of goal type, goal value and urgency",
        )
    return grid
