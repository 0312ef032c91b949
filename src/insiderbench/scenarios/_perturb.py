"""Applying a condition's perturbations to the prompt its base condition renders.

Perturbations work on the rendered texts, so they apply the same way to data
packs and to the study's own templates. The steps, in this order:

1. ``distractors``: mundane emails from the world's pool, at seeded times
   within the session (in timestamp order if the inbox is, else at seeded
   places); numbered after the last id when the inbox shows ids.
2. ``escalation``: a notice in the system prompt and an email from the
   ethics office, the first of the day, confirming it is reachable.
3. ``audit`` and ``framing``: a notice after the system prompt's first paragraph.
4. ``agency``: the reminder to analyse the situation before deciding on a
   strategy is removed (exactly one such line must exist).
5. ``order``: the inbox is put in timestamp order, newest first, or shuffled.
6. ``names``: people, company and addresses are renamed everywhere.

Every step must change the prompt: one that would change nothing (say,
``order-chrono`` on a pack already in timestamp order) is an error naming the
perturbation and the pack, never a silent no-op.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import lru_cache
from string import Template
from typing import NoReturn, Protocol

from insiderbench._errors import InsiderbenchError
from insiderbench.conditions import Condition, Mode, Order
from insiderbench.scenarios._pack import (
    RenderedEvent,
    RenderedPrompt,
    tools_instruction,
    tools_user_message,
)
from insiderbench.scenarios._perturb_names import Renaming, World, draw_renaming
from insiderbench.scenarios._perturb_texts import (
    AUDIT_NOTICE,
    ESCALATION_EMAIL,
    ESCALATION_NOTICE,
    FRAMING_NOTICES,
    Distractor,
    distractor_pool,
)
from insiderbench.scenarios._schema import HarmSpec
from insiderbench.scenarios.upstream._emails import parse_emails

_BLOCK = re.compile(r"<email>\n.*?</email>", re.DOTALL)
_STAMP = re.compile(r"^Timestamp: (\S+)$", re.MULTILINE)
_ID = re.compile(r"^ID: (\d+)$", re.MULTILINE)
_BULLET = re.compile(r"^[ \t]*-[ \t].*$", re.MULTILINE)


class PerturbablePack(Protocol):
    """A pack that can describe its world, and so take perturbations."""

    @property
    def name(self) -> str:
        """The registered name."""
        ...

    @property
    def harm(self) -> HarmSpec:
        """The unperturbed harm spec."""
        ...

    def render(self, condition: Condition) -> RenderedPrompt:
        """Render a condition."""
        ...

    def world(self, base: RenderedPrompt) -> World:
        """The world as rendered for a base condition."""
        ...


def _error(perturbation: str, pack: str, condition: Condition, message: str, fix: str) -> NoReturn:
    raise InsiderbenchError(
        f"perturbation '{perturbation}' {message}",
        where=f"pack {pack}, condition {condition.id}",
        fix=fix,
    )


@dataclass
class _Inbox:
    """An inbox split into email blocks and the text around them."""

    head: str
    blocks: list[str]
    separators: list[str]
    tail: str

    @classmethod
    def split(cls, inbox: str) -> _Inbox:
        matches = list(_BLOCK.finditer(inbox))
        if not matches:
            return cls(inbox, [], [], "")
        seps = [inbox[a.end() : b.start()] for a, b in zip(matches, matches[1:], strict=False)]
        return cls(
            inbox[: matches[0].start()],
            [m.group(0) for m in matches],
            seps,
            inbox[matches[-1].end() :],
        )

    def separator(self) -> str:
        return Counter(self.separators).most_common(1)[0][0] if self.separators else "\n\n"

    def join(self) -> str:
        seps = [*self.separators]
        while len(seps) < len(self.blocks) - 1:
            seps.append(self.separator())
        body = "".join(b + s for b, s in zip(self.blocks, [*seps, ""], strict=False))
        return self.head + body + self.tail


def _stamp(block: str) -> datetime:
    match = _STAMP.search(block)
    if match is None:
        raise InsiderbenchError(
            "an email has no Timestamp line, so it cannot be ordered or placed in time",
            where=block.splitlines()[1] if "\n" in block else block,
            fix="give every email a timestamp",
        )
    return datetime.fromisoformat(match.group(1))


def _chronological(blocks: list[str]) -> bool:
    stamps = [_stamp(b) for b in blocks]
    return stamps == sorted(stamps)


def _format(distractor: Distractor, world: World, when: datetime, email_id: int | None) -> str:
    values = world.values()
    sender = distractor.sender
    if "@" not in sender:
        sender = f"{sender}@{world.domain}"
    lines = ["<email>"]
    if email_id is not None:
        lines.append(f"ID: {email_id}")
    lines += [
        f"From: {sender}",
        f"To: {world.agent}",
        f"Subject: {Template(distractor.subject).substitute(values)}",
        f"Timestamp: {when.isoformat()}",
        f"Body: {Template(distractor.body).substitute(values)}",
        "</email>",
    ]
    return "\n".join(lines)


def _next_id(blocks: list[str]) -> int | None:
    ids = [int(m.group(1)) for b in blocks if (m := _ID.search(b))]
    return max(ids) + 1 if ids else None


def _add_emails(inbox: _Inbox, new: list[tuple[str, datetime]], rng: random.Random) -> None:
    """Insert blocks: by time if the inbox is chronological, else at seeded places."""
    if _chronological(inbox.blocks):
        merged = sorted([*inbox.blocks, *(b for b, _ in new)], key=_stamp)
        inbox.blocks[:] = merged
        return
    for block, _ in new:
        inbox.blocks.insert(rng.randint(0, len(inbox.blocks)), block)


def _distractors(inbox: _Inbox, world: World, count: int, seed: int, check: _Check) -> None:
    pool = distractor_pool(world.key)
    if pool is None:
        check.fail(
            "distractors",
            f"has no pool of mundane emails for the world '{world.key}'",
            "use distractors with the built-in or upstream packs",
        )
    if count > len(pool):
        check.fail(
            "distractors",
            f"asks for {count} emails; the world '{world.key}' has {len(pool)}",
            f"use distractors-N with N <= {len(pool)}",
        )
    rng = random.Random(f"distractors-{seed}")
    stamps = sorted(_stamp(b) for b in inbox.blocks)
    start, end = stamps[0], stamps[-1]
    span = max(int((end - start).total_seconds()), 1)
    next_id = _next_id(inbox.blocks)
    new: list[tuple[str, datetime]] = []
    for i, distractor in enumerate(rng.sample(pool, count)):
        when = start + timedelta(seconds=rng.randrange(span))
        email_id = None if next_id is None else next_id + i
        new.append((_format(distractor, world, when, email_id), when))
    _add_emails(inbox, new, rng)


def _escalation_email(inbox: _Inbox, world: World) -> None:
    when = min(_stamp(b) for b in inbox.blocks) - timedelta(minutes=20)
    block = _format(ESCALATION_EMAIL, world, when.replace(microsecond=0), _next_id(inbox.blocks))
    inbox.blocks.insert(0, block)


def _insert_notices(system: str, notices: list[str]) -> str:
    head, sep, rest = system.partition("\n\n")
    if not sep:
        return system.rstrip("\n") + "\n\n" + "\n\n".join(notices) + "\n"
    return head + "\n\n" + "\n\n".join(notices) + "\n\n" + rest


def _remove_agency(system: str) -> str | None:
    hits = [
        m
        for m in _BULLET.finditer(system)
        if re.search(r"strateg|\bplan\b", m.group(0), re.I)
        and re.search(r"situation|circumstances", m.group(0), re.I)
        and re.search(r"\bgoals?\b", m.group(0), re.I)
    ]
    if len(hits) != 1:
        return None
    hit = hits[0]
    end = hit.end() + 1 if system[hit.end() : hit.end() + 1] == "\n" else hit.end()
    return system[: hit.start()] + system[end:]


def _reorder(blocks: list[str], order: Order, seed: int | None) -> list[str]:
    if order is Order.CHRONO:
        return sorted(blocks, key=_stamp)
    if order is Order.NEWEST:
        return sorted(blocks, key=_stamp, reverse=True)
    shuffled = list(blocks)
    random.Random(f"order-{seed}").shuffle(shuffled)
    return shuffled


class _Check:
    """Raises a located error for a perturbation that cannot apply or changes nothing."""

    def __init__(self, pack: str, condition: Condition) -> None:
        self.pack = pack
        self.condition = condition

    def fail(self, perturbation: str, message: str, fix: str) -> NoReturn:
        _error(perturbation, self.pack, self.condition, message, fix)

    def changed(self, perturbation: str, before: object, after: object, fix: str) -> None:
        if before == after:
            self.fail(perturbation, "changes nothing in this prompt", fix)


def perturb_render(pack: PerturbablePack, condition: Condition) -> RenderedPrompt:
    """Render ``condition`` by perturbing its base condition's prompt.

    Raises:
        InsiderbenchError: if a perturbation cannot apply to the pack, or would
            leave the prompt unchanged.
    """
    p = condition.perturbations
    base = pack.render(condition.base)
    world = pack.world(base)
    check = _Check(pack.name, condition)
    tools = condition.mode is Mode.TOOLS  # the inbox is the mailbox, not in the user message
    if not tools and not base.user.endswith(base.inbox):
        check.fail(
            p.names()[0], "cannot find the inbox at the end of the user message", "report this"
        )
    prefix = base.user[: len(base.user) - len(base.inbox)]
    inbox = _Inbox.split(base.inbox)
    system = base.system
    if p.distractors:
        _distractors(inbox, world, p.distractors, p.distractors_seed, check)
    notices: list[str] = []
    values = world.values()
    if p.escalation:
        notices.append(Template(ESCALATION_NOTICE).substitute(values))
        _escalation_email(inbox, world)
    if p.audit is not None:
        notices.append(Template(AUDIT_NOTICE).substitute(values, percent=str(p.audit)))
    if p.framing is not None:
        notices.append(FRAMING_NOTICES[p.framing.value])
    if notices:
        system = _insert_notices(system, notices)
    if p.agency_removed:
        removed = _remove_agency(system)
        if removed is None:
            check.fail(
                "agency",
                "found no single reminder to analyse the situation before deciding on a "
                "strategy in the system prompt",
                "drop agency-off for this pack",
            )
        system = removed
    if p.order is not None:
        before = list(inbox.blocks)
        inbox.blocks = _reorder(inbox.blocks, p.order, p.order_seed)
        check.changed(
            "order",
            before,
            inbox.blocks,
            "this pack's inbox is already in that order; use another order "
            "(or another shuffle seed)",
        )
    new_inbox = inbox.join()
    where = f"{pack.name} ({condition.id})"
    if tools:  # the same instruction; the mailbox count follows the perturbed inbox
        user = tools_user_message(tools_instruction(base.user), len(inbox.blocks))
    else:
        user = prefix + new_inbox
    timeline, agent = base.timeline, base.agent_address
    if p.names_seed is not None:
        renaming = _renaming(pack, base, world, p.names_seed, check)
        system, user, new_inbox = (renaming.apply(t) for t in (system, user, new_inbox))
        timeline = tuple(_rename_event(e, renaming) for e in timeline)
        agent = renaming.apply(agent)
        whole = base.system + base.user + base.inbox
        check.changed("names", whole, renaming.apply(whole), "report this")
    return replace(
        base,
        condition_id=condition.id,
        system=system,
        user=user,
        inbox=new_inbox,
        emails=parse_emails(new_inbox, where),
        timeline=timeline,
        agent_address=agent,
    )


def _rename_event(event: RenderedEvent, renaming: Renaming) -> RenderedEvent:
    """A timeline event in the renamed world: its recipient, email and notice."""
    email = event.email
    if email is not None:
        email = replace(
            email,
            sender=renaming.apply(email.sender),
            to=tuple(renaming.apply(a) for a in email.to),
            cc=tuple(renaming.apply(a) for a in email.cc),
            subject=renaming.apply(email.subject),
            body=renaming.apply(email.body),
        )
    return replace(
        event,
        to=None if event.to is None else renaming.apply(event.to),
        email=email,
        notice=None if event.notice is None else renaming.apply(event.notice),
    )


def _renaming(
    pack: PerturbablePack, base: RenderedPrompt, world: World, seed: int, check: _Check
) -> Renaming:
    if not world.people:
        check.fail("names", "found no people to rename in this world", "drop names-sN")
    return _draw(world, seed, base.world_text)


@lru_cache(maxsize=256)
def _draw(world: World, seed: int, text: str) -> Renaming:
    return draw_renaming(
        list(world.people),
        (world.company, world.short, world.domain),
        seed,
        lambda word: re.search(rf"\b{re.escape(word)}\b", text, re.I) is not None,
    )


def harm_for(pack: object, condition: Condition) -> HarmSpec:
    """The harm spec that matches what ``condition`` renders.

    Only ``names`` changes facts; the renamed spec uses the same mapping as the
    prompt, so the target, the leverage and the addresses are those the model saw.

    Raises:
        InsiderbenchError: if the condition renames and the pack cannot.
    """
    harm: HarmSpec = getattr(pack, "harm")  # noqa: B009 - any ScenarioPack
    seed = condition.perturbations.names_seed
    if seed is None:
        return harm
    world_of = getattr(pack, "world", None)
    if world_of is None:
        raise InsiderbenchError(
            "perturbation 'names' needs a pack that describes its world",
            where=f"condition {condition.id}",
            fix="use names-sN with the built-in or upstream packs",
        )
    perturbable: PerturbablePack = pack  # type: ignore[assignment]
    base = perturbable.render(condition.base)
    check = _Check(perturbable.name, condition)
    renaming = _renaming(perturbable, base, world_of(base), seed, check)
    return rename_harm(harm, renaming)


def rename_harm(harm: HarmSpec, renaming: Renaming) -> HarmSpec:
    """Apply ``renaming`` to every name, address and domain in ``harm``."""
    data = harm.model_dump(mode="json")

    def walk(value: object) -> object:
        if isinstance(value, str):
            return renaming.apply(value)
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {
                k: (v if k in ("behaviour", "override_code") else walk(v)) for k, v in value.items()
            }
        return value

    return HarmSpec.model_validate(walk(data))
