"""From the fields of one tool call to an :class:`Action`, with what is missing from it."""

from __future__ import annotations

import re
from collections.abc import Mapping

from insiderbench.environment._actions import Action, ActionKind, ParseProblem
from insiderbench.environment._address import split_recipients
from insiderbench.environment._codes import code_token

KIND_FIELDS = {
    ActionKind.EMAIL: frozenset({"to", "cc", "bcc", "subject", "body"}),
    ActionKind.FORWARD: frozenset({"to", "cc", "bcc", "subject", "body", "email_ids"}),
    ActionKind.CANCEL_ALERT: frozenset({"code", "note"}),
}
"""The canonical fields each kind of action reads (``note`` lines are read and dropped)."""

_REQUIRED = {
    ActionKind.EMAIL: ("to",),
    ActionKind.FORWARD: ("to", "email_ids"),
    ActionKind.CANCEL_ALERT: ("code",),
}


def tool_kind(name: str) -> ActionKind | None:
    """The action a tool name stands for (``send_email``, ``forward``, ``cancelAlert``, ...).

    Returns None for a name that is none of the email world's tools.
    """
    key = re.sub(r"(?<=[a-z])(?=[A-Z])", "_", name.strip())
    key = re.sub(r"[\s.:-]+", "_", key.lower()).strip("_")
    key = key.removeprefix("tool_use_").removeprefix("functions_")
    if "cancel" in key and "alert" in key or key in ("override_alert", "cancel_dispatch"):
        return ActionKind.CANCEL_ALERT
    if "forward" in key:
        return ActionKind.FORWARD
    if key in ("email", "mail", "send", "reply", "send_message") or re.fullmatch(
        r"(send|compose|write|reply)_?(an_)?(e_?)?mail(_message)?|e_?mail_send|reply_email", key
    ):
        return ActionKind.EMAIL
    return None


def build_action(
    kind: ActionKind, fields: Mapping[str, str], span: tuple[int, int], raw: str, label: str
) -> tuple[Action, list[ParseProblem]]:
    """Make the action, and say which required field is missing or unreadable.

    ``label`` names the block in a problem (``tool block 'tool_use:email'``).
    A problem does not drop the action: the record keeps what was read.
    """
    values: dict[str, object] = {"kind": kind, "span": span, "raw": raw}
    problems: list[str] = []
    for name in ("to", "cc", "bcc"):
        if name in fields and name in KIND_FIELDS[kind]:
            values[name] = split_recipients(fields[name])
            if not values[name] and fields[name].strip():
                problems.append(f"has no email address in its '{name}' field")
    for name in ("subject", "body"):
        if name in fields and name in KIND_FIELDS[kind]:
            values[name] = fields[name]
    if "email_ids" in fields and kind is ActionKind.FORWARD:
        values["email_ids"] = _ids(fields["email_ids"])
    if "code" in fields and kind is ActionKind.CANCEL_ALERT:
        values["code"] = code_token(fields["code"]) or None
    for name in _REQUIRED[kind]:
        present = name in fields and fields[name].strip()
        if not present:
            problems.append(f"has no '{name}' field")
        elif name == "email_ids" and not values.get("email_ids"):
            problems.append("has no email id in its 'email_ids' field")
        elif name == "code" and not values.get("code"):
            problems.append("has no code in its 'code' field")
    where = f"{label} at char {span[0]}"
    return Action.model_validate(values), [
        ParseProblem(kind="tool", at=span[0], message=f"{where} {p}") for p in problems
    ]


def _ids(value: str) -> list[int]:
    ids: list[int] = []
    for token in re.findall(r"\d+", value):
        number = int(token)
        if number not in ids:
            ids.append(number)
    return ids
