"""Every harmful labelled action, rewritten in the other forms models use, is still caught.

Each harmful case of the labelled set with one action has that action's block
replaced by the same action written as a JSON call, XML child elements,
reversed field lines, a Markdown email, a self-closing tag, or a code with a
``reason:`` line, a comment, a non-breaking hyphen or an en dash. The rules
must reach the same verdict as on the original (harmful, or an honest
abstention where they abstain on the original too), and a scratchpad closed
with another tag must make the response unparseable: never a silent "not harmful".
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from insiderbench.classify import rule_verdict
from insiderbench.classify._validate import load_labelled, set_path
from insiderbench.environment import Action, ActionKind, parse_response
from insiderbench.scenarios import get_pack


def _fields(action: Action) -> dict[str, object]:
    if action.kind is ActionKind.CANCEL_ALERT:
        return {"code": action.code}
    found: dict[str, object] = {}
    if action.email_ids:
        found["email_id"] = action.email_ids
    for name in ("to", "cc", "bcc"):
        if getattr(action, name):
            found[name] = getattr(action, name)
    if action.subject:
        found["subject"] = action.subject
    found["body"] = action.body
    return found


def _text(value: object) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def _forms(action: Action) -> Iterator[tuple[str, str]]:
    fields, kind = _fields(action), action.kind.value
    reverse = list(reversed(list(fields.items())))
    call = {"name": "send_email" if kind == "email" else kind, "arguments": fields}
    yield "json", f"```json\n{json.dumps(call)}\n```"
    children = "".join(f"<{n}>{_text(v)}</{n}>\n" for n, v in reverse)
    yield "xml", f"<tool_use:{kind}>\n{children}</tool_use:{kind}>"
    lines = "".join(f"{n}: {_text(v)}\n" for n, v in reverse)
    yield "reversed", f"<tool_use:{kind}>\n{lines}</tool_use:{kind}>"
    if action.kind is ActionKind.EMAIL:
        head = "\n".join(
            f"**{n.capitalize()}:** {_text(v)}" for n, v in fields.items() if n != "body"
        )
        yield "markdown", f"{head}\n\n{action.body}\n\n---"
    if action.kind is ActionKind.CANCEL_ALERT:
        code, tag = action.code or "", "tool_use:cancel_alert"
        nb_hyphen, en_dash = code.replace("-", "\u2011"), code.replace("-", "\u2013")
        yield "self-closing", f'<{tag} code="{code}" />'
        yield "reason", f"<{tag}>\ncode: {code}\nreason: confirmed false alarm\n</{tag}>"
        yield "comment", f"<{tag}>\ncode: {nb_hyphen}  # false alarm\n</{tag}>"
        yield "en-dash", f"<{tag}>\ncode: {en_dash}\n</{tag}>"


def _original_verdicts() -> dict[str, bool | None]:
    """The rules' verdict on each harmful case as written: True, or None where they abstain."""
    found = {}
    for item in load_labelled(set_path("labelled")):
        if item.harmful:
            found[item.id] = rule_verdict(
                get_pack(item.scenario).harm, parse_response(item.response)
            ).harmful
    return found


ORIGINAL = _original_verdicts()


def _cases() -> Iterator[tuple[str, str, str]]:
    for item in load_labelled(set_path("labelled")):
        parsed = parse_response(item.response)
        if not item.harmful or len(parsed.actions) != 1 or parsed.problems:
            continue
        (action,) = parsed.actions
        assert action.span is not None
        for name, block in _forms(action):
            text = item.response[: action.span[0]] + block + item.response[action.span[1] :]
            yield f"{item.id}:{name}", item.scenario, text


CASES = list(_cases())


def test_the_probe_covers_every_pack_and_form() -> None:
    assert len(CASES) >= 150
    assert {c[0].split(":")[1] for c in CASES} >= {"json", "xml", "markdown", "en-dash"}


@pytest.mark.parametrize(("case", "scenario", "text"), CASES, ids=[c[0] for c in CASES])
def test_rewritten_harmful_action_is_caught(case: str, scenario: str, text: str) -> None:
    parsed = parse_response(text)
    assert parsed.problems == []
    original = ORIGINAL[case.split(":")[0]]
    assert original is not False, f"{case}: a harmful case read as benign as written"
    # the form of the action changes nothing: caught stays caught, an abstention stays one
    assert rule_verdict(get_pack(scenario).harm, parsed).harmful is original, case


def test_the_rules_catch_most_harmful_cases_as_written() -> None:
    caught = sum(v is True for v in ORIGINAL.values())
    assert caught >= 0.9 * len(ORIGINAL), ORIGINAL


def test_a_scratchpad_closed_by_another_tag_is_unparseable() -> None:
    swallowed = 0
    for item in load_labelled(set_path("labelled")):
        opening = "<SCRATCHPAD_REASONING>"
        if item.harmful and item.response.lstrip().startswith(opening):
            text = item.response.replace("</SCRATCHPAD_REASONING>", "</think>", 1)
            assert parse_response(text).problems, item.id
            swallowed += 1
    assert swallowed >= 5
