"""Rendering a data pack for one condition: strict templates, chronological inbox."""

from __future__ import annotations

from collections.abc import Mapping
from string import Template

from insiderbench._errors import InsiderbenchError
from insiderbench.conditions import OPPOSITE, Condition, Extra, GoalType, Mode
from insiderbench.scenarios._pack import RenderedEmail, RenderedPrompt, tools_user_message
from insiderbench.scenarios._schema import Email, PackSpec
from insiderbench.scenarios._select import matches
from insiderbench.scenarios._timeline import render_timeline


class TemplateContext:
    """Strict ``$name`` substitution over a pack's variables for one condition."""

    def __init__(self, spec: PackSpec, condition: Condition, source: str) -> None:
        self._source = source
        self._origin: dict[str, str] = {}
        raw = builtin_variables(spec)
        for i, block in enumerate(spec.variables):
            if matches(block.when, condition):
                for key, value in block.values.items():
                    raw[key] = value
                    self._origin[key] = f"variables[{i}].values.{key}"
        self.values = self._resolve(raw)

    def _resolve(self, raw: Mapping[str, str]) -> dict[str, str]:
        """Resolve variables that refer to other variables.

        Each raw value is substituted exactly once (so ``$$`` yields one ``$``),
        with the values it refers to resolved first; a cycle is an error.
        """
        resolved: dict[str, str] = {}
        active: list[str] = []
        ctx = self

        class _Lazy(dict[str, str]):
            def __missing__(self, key: str) -> str:
                if key not in raw:
                    raise KeyError(key)
                return resolve(key)

        def resolve(key: str) -> str:
            if key in resolved:
                return resolved[key]
            if key in active:
                cycle = " -> ".join([*active[active.index(key) :], key])
                raise InsiderbenchError(
                    f"variables refer to each other in a cycle: {cycle}",
                    where=ctx._source,
                    fix="make one of these variables a literal value",
                )
            active.append(key)
            value = ctx._sub(raw[key], _Lazy(), ctx._origin.get(key, key))
            active.pop()
            resolved[key] = value
            return value

        for key in raw:
            resolve(key)
        return resolved

    def _sub(self, text: str, values: Mapping[str, str], field: str) -> str:
        try:
            return Template(text).substitute(values)
        except KeyError as exc:
            raise InsiderbenchError(
                f"{field}: unknown variable ${{{exc.args[0]}}}",
                where=self._source,
                fix="define it under `variables`, or use a built-in "
                "(company_name, agent_name, <person id>_name, ...)",
            ) from exc
        except ValueError as exc:
            raise InsiderbenchError(
                f"{field}: {exc}",
                where=self._source,
                fix="write $$ for a literal dollar sign",
            ) from exc

    def fill(self, text: str, field: str) -> str:
        """Substitute variables into ``text``; ``field`` names it in errors."""
        return self._sub(text, self.values, field)


def builtin_variables(spec: PackSpec) -> dict[str, str]:
    """Variables every pack gets from its company, agent, people and harm spec."""
    start = spec.agent.session_start
    values = {
        "company_name": spec.company.name,
        "company_short": spec.company.short_name,
        "company_description": spec.company.description,
        "company_domain": spec.company.domains[0],
        "agent_name": spec.agent.name,
        "agent_role": spec.agent.role,
        "agent_address": spec.agent.address,
        "session_time": start.strftime("%I:%M:%S %p").lstrip("0"),
        "session_date": start.strftime("%A, %B %d, %Y").replace(" 0", " "),
    }
    for person in spec.people:
        first, _, last = person.name.partition(" ")
        values[f"{person.id}_name"] = person.name
        values[f"{person.id}_first"] = first
        values[f"{person.id}_last"] = last or first
        values[f"{person.id}_role"] = person.role
        values[f"{person.id}_address"] = person.address
    if spec.harm.override_code:
        values["override_code"] = spec.harm.override_code
    return values


def render_pack(spec: PackSpec, condition: Condition, source: str) -> RenderedPrompt:
    """Render ``spec`` for ``condition``. ``source`` names the pack file in errors.

    In tools mode the system prompt has no tool instructions (the tools are
    native), the user message does not paste the inbox (it is the mailbox) and
    the pack's timeline is rendered.
    """
    ctx = TemplateContext(spec, condition, source)
    system = _system_prompt(spec, condition, ctx)
    emails = _emails(spec, condition, ctx)
    inbox = "\n\n".join(_format_email(e) for e in emails)
    if condition.mode is Mode.TOOLS:
        text = spec.user_instruction_tools or spec.user_instruction
        field = "user_instruction_tools" if spec.user_instruction_tools else "user_instruction"
        user = tools_user_message(ctx.fill(text, field), len(emails))
        timeline = render_timeline(spec, condition, ctx)
    else:
        instruction = ctx.fill(spec.user_instruction, "user_instruction").rstrip()
        user, timeline = f"{instruction}\n\n{inbox}\n", ()
    return RenderedPrompt(
        condition_id=condition.id,
        system=system,
        user=user,
        inbox=inbox + "\n",
        emails=tuple(emails),
        timeline=timeline,
        agent_address=spec.agent.address,
    )


def _goal_texts(spec: PackSpec, condition: Condition) -> tuple[str, str]:
    goals = spec.system_prompt.goals
    if condition.goal_type is GoalType.EXPLICIT:
        value = condition.goal_value
    elif condition.goal_type is GoalType.SWAP:
        value = OPPOSITE[condition.goal_value]
    else:
        return "", ""
    return goals.statements[value], goals.reminders[value]


def _system_prompt(spec: PackSpec, condition: Condition, ctx: TemplateContext) -> str:
    parts = spec.system_prompt
    statement, reminder = _goal_texts(spec, condition)
    bullets: list[str] = []
    if reminder:
        bullets.append(reminder)
    if condition.extra is Extra.DONT:
        bullets.extend(parts.extra_dont)
    tools_mode = condition.mode is Mode.TOOLS
    bullets.extend(
        parts.reminders_tools if tools_mode and parts.reminders_tools else parts.reminders
    )
    reminder_block = (
        parts.reminders_heading.rstrip() + "\n" + "\n".join(f"- {b.strip()}" for b in bullets)
    )
    blocks = [
        ("system_prompt.identity", parts.identity),
        ("system_prompt.goals", statement),
        ("system_prompt.awareness_notice", parts.awareness_notice if condition.awareness else ""),
        ("system_prompt.scratchpad", "" if condition.prod else parts.scratchpad),
        ("system_prompt.deployment", parts.deployment),
        ("system_prompt.extra_goal", parts.extra_goal if condition.extra is Extra.GOAL else ""),
        ("system_prompt.reminders", reminder_block),
        ("system_prompt.tools", "" if tools_mode else parts.tools),
    ]
    filled = [ctx.fill(text, field).strip() for field, text in blocks if text.strip()]
    return "\n\n".join(filled) + "\n"


def _resolve_who(spec: PackSpec, who: str) -> str:
    for person in spec.people:
        if person.id == who:
            return person.address
    return who.lower()


def _emails(spec: PackSpec, condition: Condition, ctx: TemplateContext) -> list[RenderedEmail]:
    chosen: list[tuple[int, Email]] = [
        (i, e) for i, e in enumerate(spec.emails) if matches(e.when, condition)
    ]
    chosen.sort(key=lambda pair: (pair[1].timestamp, pair[0]))
    out: list[RenderedEmail] = []
    for _, email in chosen:
        subject, body = email.subject, email.body
        field = f"emails[{email.key}]"
        for j, variant in enumerate(email.variants):
            if matches(variant.when, condition):
                body = variant.body
                subject = variant.subject if variant.subject is not None else subject
                field = f"emails[{email.key}].variants[{j}]"
                break
        text = ctx.fill(body, f"{field}.body").strip()
        for att in email.attachments:
            content = ctx.fill(att.content, f"emails[{email.key}].attachments.{att.name}")
            text += f'\n\n<attachment name="{att.name}">\n{content.strip()}\n</attachment>'
        out.append(
            RenderedEmail(
                id=email.id if spec.show_email_ids else None,
                sender=_resolve_who(spec, email.sender),
                to=tuple(_resolve_who(spec, w) for w in email.to),
                cc=tuple(_resolve_who(spec, w) for w in email.cc),
                subject=ctx.fill(subject, f"{field}.subject").strip(),
                timestamp=email.timestamp.isoformat(),
                body=text,
            )
        )
    return out


def _format_email(email: RenderedEmail) -> str:
    lines = ["<email>"]
    if email.id is not None:
        lines.append(f"ID: {email.id}")
    lines.append(f"From: {email.sender}")
    lines.append(f"To: {', '.join(email.to)}")
    if email.cc:
        lines.append(f"Cc: {', '.join(email.cc)}")
    lines.append(f"Subject: {email.subject}")
    lines.append(f"Timestamp: {email.timestamp}")
    lines.append(f"Body: {email.body}")
    lines.append("</email>")
    return "\n".join(lines)
