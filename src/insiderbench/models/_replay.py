"""``replay/<file.jsonl>``: a model that answers from a script.

Each line of the file is a JSON object::

    {"condition": "<condition id or *>", "response": "<text>", "reasoning": "<optional>"}

or, for a multi-turn (tools mode) episode, a script of turns::

    {"condition": "<id or *>", "turns": [
        {"content": "<text>", "tool_calls": [{"function": "send_email",
                                              "arguments": {"to": "...", ...}}]},
        {"content": "Done."}]}

A sample takes the lines listed for its condition (the sample metadata
``condition_id``) and falls back to the ``*`` lines. The choice depends only on
the sample's epoch: epoch *k* takes line ``(k - 1) mod n``. So a run gives
the same answers whatever the concurrency, call order or resume; a file
edited on disk is read again before the next call. Within an
episode, the reply to a call is the turn numbered by the assistant messages
already in the conversation. A script whose last turn calls no tool repeats
that turn if the episode asks for more; one whose last turn calls tools is an
error when it runs out, never a silent stop.

No tokenizer is loaded: token usage is an offline estimate of one token per
four characters (rounded up), which is close enough for cost previews and
token limits but is not any real model's count.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from inspect_ai.model import (
    ChatCompletionChoice,
    ChatMessage,
    ChatMessageAssistant,
    Content,
    ContentReasoning,
    ContentText,
    GenerateConfig,
    ModelAPI,
    ModelOutput,
    ModelUsage,
)
from inspect_ai.tool import ToolCall, ToolChoice, ToolInfo
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from insiderbench._errors import InsiderbenchError, read_user_text, validation_problems
from insiderbench._tokens import estimate_tokens
from insiderbench.models._context import ANY_CONDITION, CallContext, current_call_context

logger = logging.getLogger(__name__)

_LINE_FIX = (
    'write one JSON object per line: {"condition": "<condition id or *>", '
    '"response": "<text>"} (optionally "reasoning": "<text>"), or '
    '{"condition": ..., "turns": [{"content": "<text>", "tool_calls": '
    '[{"function": "<tool>", "arguments": {...}}]}, ...]}'
)


class ScriptedCall(BaseModel):
    """One tool call in a scripted turn."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    function: str = Field(min_length=1)
    arguments: dict[str, Any] = Field(default_factory=dict)
    parse_error: str | None = None
    """Script a malformed call: Inspect returns this error to the model."""


class ScriptedTurn(BaseModel):
    """One assistant turn: text and the tool calls it makes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    content: str = ""
    reasoning: str | None = None
    tool_calls: list[ScriptedCall] = Field(default_factory=list)


class ReplayLine(BaseModel):
    """One scripted response."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    condition: str = Field(min_length=1)
    """The condition id this response is for, or ``*`` for any condition."""
    response: str
    """The text the model answers with."""
    reasoning: str | None = None
    """Optional reasoning, stored as reasoning content before the text."""

    def turn(self, index: int, where: str) -> ScriptedTurn:
        """The reply to any call: the response (it calls no tool)."""
        return ScriptedTurn(content=self.response, reasoning=self.reasoning)


class ReplayEpisode(BaseModel):
    """One scripted multi-turn episode (a line with ``turns``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    condition: str = Field(min_length=1)
    """The condition id this episode is for, or ``*`` for any condition."""
    turns: list[ScriptedTurn] = Field(min_length=1)
    """The reply to each call of an episode, in order."""

    def turn(self, index: int, where: str) -> ScriptedTurn:
        """The scripted turn for the ``index``-th call (0-based) of an episode.

        Raises:
            InsiderbenchError: if the script has run out and its last turn calls tools.
        """
        if index < len(self.turns):
            return self.turns[index]
        last = self.turns[-1]
        if not last.tool_calls:
            return last
        raise InsiderbenchError(
            f"the script for condition '{self.condition}' has {len(self.turns)} turns and "
            f"the episode asked for turn {index + 1}",
            where=where,
            fix="add turns, or end the script with a turn that calls no tool",
        )


class ReplayScript:
    """A parsed replay file: responses grouped by condition, in file order."""

    def __init__(self, path: Path, lines: list[ReplayLine | ReplayEpisode]) -> None:
        self.path = path
        self.by_condition: dict[str, list[ReplayLine | ReplayEpisode]] = {}
        for line in lines:
            self.by_condition.setdefault(line.condition, []).append(line)
        self.signature = _signature(path)

    def changed(self) -> bool:
        """Whether the file changed on disk since it was read."""
        return _signature(self.path) != self.signature

    @classmethod
    def load(cls, path: str | Path) -> ReplayScript:
        """Read and validate a replay file.

        Raises:
            InsiderbenchError: naming the file and line, if the file is missing,
                empty or has a malformed line.
        """
        path = Path(path)
        fix = "pass an existing UTF-8 JSONL file: --model replay/<path/to/file.jsonl>"
        text = read_user_text(path, "replay file", fix)
        lines = [
            _parse_line(path, number, raw)
            for number, raw in enumerate(text.splitlines(), start=1)
            if raw.strip()
        ]
        if not lines:
            raise InsiderbenchError(
                "the replay file has no responses", where=str(path), fix=_LINE_FIX
            )
        return cls(path, lines)

    def check_covers(self, condition_ids: Iterable[str]) -> None:
        """Raise unless every condition in ``condition_ids`` has a response (or ``*`` does).

        Raises:
            InsiderbenchError: naming the file and the conditions it lacks.
        """
        if ANY_CONDITION in self.by_condition:
            return
        missing = [c for c in dict.fromkeys(condition_ids) if c not in self.by_condition]
        if missing:
            shown = ", ".join(missing[:5]) + (
                f" and {len(missing) - 5} more" if len(missing) > 5 else ""
            )
            raise InsiderbenchError(
                f"no response for condition(s) {shown}",
                where=str(self.path),
                fix=f'add a line with "condition": "{missing[0]}" (or "*" for any condition)',
            )

    def pick(self, context: CallContext) -> ReplayLine | ReplayEpisode:
        """Return the response for a sample's condition and epoch.

        Raises:
            InsiderbenchError: if neither the condition nor ``*`` has a response.
        """
        choices = self.by_condition.get(context.condition_id) or self.by_condition.get(
            ANY_CONDITION
        )
        if not choices:
            known = ", ".join(sorted(self.by_condition))
            raise InsiderbenchError(
                f"no response for condition '{context.condition_id}' (the file has: {known})",
                where=str(self.path),
                fix=f'add a line with "condition": "{context.condition_id}" or "*"',
            )
        return choices[(context.epoch - 1) % len(choices)]


def _signature(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (-1, -1)
    return (stat.st_mtime_ns, stat.st_size)


def _parse_line(path: Path, number: int, raw: str) -> ReplayLine | ReplayEpisode:
    where = f"{path}:{number}"
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as ex:
        raise InsiderbenchError(
            f"line is not valid JSON ({ex.msg})", where=where, fix=_LINE_FIX
        ) from None
    if not isinstance(data, dict):
        raise InsiderbenchError("line is not a JSON object", where=where, fix=_LINE_FIX)
    try:
        if "turns" in data:
            return ReplayEpisode.model_validate(data)
        return ReplayLine.model_validate(data)
    except ValidationError as ex:
        problems = "; ".join(
            f"field '{loc or '(line)'}': {msg}" for loc, msg in validation_problems(ex)
        )
        raise InsiderbenchError(problems, where=where, fix=_LINE_FIX) from None


class ReplayAPI(ModelAPI):
    """Inspect model API answering from a replay file (``replay/<file.jsonl>``)."""

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig = GenerateConfig(),  # noqa: B008 - Inspect's signature
        **model_args: Any,
    ) -> None:
        super().__init__(model_name=model_name, base_url=base_url, api_key=api_key, config=config)
        if model_args:
            raise InsiderbenchError(
                f"the replay model takes no model args (got: {', '.join(sorted(model_args))})",
                where=f"replay/{model_name}",
                fix="remove the -M / model_args options",
            )
        self.script = ReplayScript.load(model_name)

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> ModelOutput:
        """Return the scripted response for the active sample's condition and epoch."""
        context = current_call_context()
        if self.script.changed():
            # Inspect keeps one model per name in a process: a script edited
            # before an in-process resume is read again, not served stale.
            logger.info("replay file %s changed; reading it again", self.script.path)
            self.script = ReplayScript.load(self.script.path)
        line = self.script.pick(context)
        logger.debug(
            "replay %s: condition %s epoch %d", self.model_name, context.condition_id, context.epoch
        )
        index = sum(isinstance(m, ChatMessageAssistant) for m in input)
        turn = line.turn(index, str(self.script.path))
        output = self._output(turn, index)
        prompt_tokens = sum(estimate_tokens(message.text) for message in input)
        calls = json.dumps([c.model_dump() for c in turn.tool_calls]) if turn.tool_calls else ""
        completion_tokens = estimate_tokens(turn.content + (turn.reasoning or "") + calls)
        output.usage = ModelUsage(
            input_tokens=prompt_tokens,
            output_tokens=completion_tokens,
            total_tokens=prompt_tokens + completion_tokens,
        )
        return output

    def _output(self, turn: ScriptedTurn, index: int) -> ModelOutput:
        content: str | list[Content] = turn.content
        if turn.reasoning is not None:
            content = [ContentReasoning(reasoning=turn.reasoning), ContentText(text=turn.content)]
        if not turn.tool_calls:
            return ModelOutput.from_content(model=self.model_name, content=content)
        calls = [
            ToolCall(
                id=f"replay-{index + 1}-{i + 1}",
                function=call.function,
                arguments=dict(call.arguments),
                parse_error=call.parse_error,
            )
            for i, call in enumerate(turn.tool_calls)
        ]
        message = ChatMessageAssistant(
            content=content, tool_calls=calls, model=self.model_name, source="generate"
        )
        return ModelOutput(
            model=self.model_name,
            choices=[ChatCompletionChoice(message=message, stop_reason="tool_calls")],
        )

    async def count_text_tokens(self, text: str) -> int:
        """Estimate tokens offline (see :func:`estimate_tokens`)."""
        return estimate_tokens(text)

    def max_connections(self) -> int:
        """Scripted answers are instant, so allow many samples at once."""
        return 64
