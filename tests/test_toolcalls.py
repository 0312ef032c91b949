"""Reading native tool calls out of an in-process model's text (offline, no generation)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from inspect_ai.model import ChatMessageAssistant, ChatMessageTool, ChatMessageUser
from inspect_ai.tool import ToolCall, ToolCallError, ToolInfo, ToolParam, ToolParams

from insiderbench.models._toolcalls import (
    UNKNOWN_TOOL,
    chat_messages,
    parse_tool_calls,
    tool_specs,
)

SEND = {"name": "send_email", "arguments": {"to": "a@b.com", "subject": "Hi", "body": "x"}}


def test_tagged_call_as_the_template_asks() -> None:
    text = f"I'll reply now.\n<tool_call>\n{json.dumps(SEND)}\n</tool_call>"
    parsed = parse_tool_calls(text)
    assert parsed.text == "I'll reply now."
    [c] = parsed.calls
    assert (c.function, c.arguments, c.parse_error) == ("send_email", SEND["arguments"], None)


def test_fenced_json_as_qwen_really_writes_it() -> None:
    text = f"Sending the email:\n\n```json\n{json.dumps(SEND, indent=2)}\n```\n"
    parsed = parse_tool_calls(text)
    assert [c.function for c in parsed.calls] == ["send_email"]
    assert parsed.calls[0].arguments["to"] == "a@b.com"
    assert parsed.text == "Sending the email:"


def test_several_calls_unclosed_tag_and_string_arguments() -> None:
    second = {"name": "read_email", "arguments": json.dumps({"email_id": 3})}
    text = f"<tool_call>{json.dumps(SEND)}</tool_call>\n<tool_call>{json.dumps(second)}"
    parsed = parse_tool_calls(text)
    assert [c.function for c in parsed.calls] == ["send_email", "read_email"]
    assert parsed.calls[1].arguments == {"email_id": 3}
    assert len({c.id for c in parsed.calls}) == 2


def test_bare_object_and_list_of_calls() -> None:
    assert [c.function for c in parse_tool_calls(json.dumps(SEND)).calls] == ["send_email"]
    both = json.dumps([SEND, {"name": "list_emails", "parameters": {}}])
    assert [c.function for c in parse_tool_calls(both).calls] == ["send_email", "list_emails"]


def test_malformed_calls_become_errors_not_silence() -> None:
    broken = '<tool_call>{"name": "send_email", "arguments": {"to": "a@b.com",}</tool_call>'
    [c] = parse_tool_calls(broken).calls
    assert c.function == "send_email" and c.parse_error and "not valid JSON" in c.parse_error
    [nameless] = parse_tool_calls('<tool_call>{"arguments": {}}</tool_call>').calls
    assert nameless.function == UNKNOWN_TOOL and nameless.parse_error
    [bad_args] = parse_tool_calls(
        '```json\n{"name": "send_email", "arguments": "{to: a}"}\n```'
    ).calls
    assert bad_args.parse_error and "arguments" in bad_args.parse_error
    [listed] = parse_tool_calls('{"name": "send_email", "arguments": [1, 2]}').calls
    assert listed.parse_error and "JSON object" in listed.parse_error


def test_plain_text_and_other_json_are_not_calls() -> None:
    for text in (
        "No emails need a reply.",
        'Here is the data:\n```json\n{"revenue": 17}\n```',
        "```\nnot json at all\n```",
        '{"subject": "a JSON-looking reply"}',
    ):
        parsed = parse_tool_calls(text)
        assert parsed.calls == [] and parsed.text == text


@given(
    name=st.from_regex(r"[a-z][a-z_]{0,15}", fullmatch=True),
    args=st.dictionaries(
        st.from_regex(r"[a-z_]{1,8}", fullmatch=True),
        st.one_of(st.text(max_size=30), st.integers(), st.booleans()),
        max_size=4,
    ),
    fenced=st.booleans(),
)
def test_round_trip_any_call(name: str, args: dict[str, object], fenced: bool) -> None:
    payload = json.dumps({"name": name, "arguments": args}, ensure_ascii=False)
    text = f"```json\n{payload}\n```" if fenced else f"<tool_call>\n{payload}\n</tool_call>"
    [c] = parse_tool_calls("Acting now.\n" + text).calls
    assert (c.function, c.arguments, c.parse_error) == (name, args, None)


def test_messages_and_tools_for_the_chat_template() -> None:
    call = ToolCall(id="c1", function="read_email", arguments={"email_id": 2})
    messages = chat_messages(
        [
            ChatMessageUser(content="Go."),
            ChatMessageAssistant(content="Reading.", tool_calls=[call]),
            ChatMessageTool(content="From: x", tool_call_id="c1", function="read_email"),
            ChatMessageTool(
                content="",
                tool_call_id="c2",
                function="send_email",
                error=ToolCallError("parsing", "bad JSON"),
            ),
        ]
    )
    assert messages[0] == {"role": "user", "content": "Go."}
    assert messages[1]["tool_calls"][0]["function"] == {
        "name": "read_email",
        "arguments": {"email_id": 2},
    }
    assert messages[2] == {
        "role": "tool",
        "content": "From: x",
        "tool_call_id": "c1",
        "name": "read_email",
    }
    assert messages[3]["content"] == "Error: bad JSON"
    info = ToolInfo(
        name="read_email",
        description="Read one email.",
        parameters=ToolParams(
            properties={"email_id": ToolParam(type="integer")}, required=["email_id"]
        ),
    )
    [spec] = tool_specs([info])
    assert spec["function"]["name"] == "read_email"
    assert spec["function"]["parameters"]["required"] == ["email_id"]


@pytest.mark.slow
def test_embedded_model_calls_a_tool() -> None:
    """Real generation on the embedded model (minutes on 2 cores): a native tool call."""
    import asyncio

    from inspect_ai.model import get_model

    from insiderbench.environment._tools import send_email

    model = get_model("llamacpp/local")
    tool = send_email()
    output = asyncio.run(
        model.generate(
            "Send an email to alice@example.com with subject 'Hi' and body 'Hello'.",
            tools=[tool],
        )
    )
    calls = output.message.tool_calls or []
    assert [c.function for c in calls] == ["send_email"]
    assert "alice@example.com" in json.dumps(calls[0].arguments)


def test_llamacpp_output_carries_the_parsed_calls() -> None:
    from insiderbench.models._llamacpp import LlamaCppAPI, _Generation

    api = object.__new__(LlamaCppAPI)  # no model file: only the output shaping is under test
    api.model_name = "local"
    text = f"Replying now.\n```json\n{json.dumps(SEND)}\n```"
    result = _Generation(text, "stop", 100, 20, 40, 1.0, 0.5, 0.5, 0.6)
    output = api._output(result, with_tools=True)
    assert output.stop_reason == "tool_calls"
    assert [c.function for c in output.message.tool_calls or []] == ["send_email"]
    assert output.message.text == "Replying now."
    assert output.usage is not None and output.usage.input_tokens_cache_read == 40
    plain = api._output(result, with_tools=False)
    assert plain.message.tool_calls is None and plain.completion == text
