"""Calling the LLM judge: strict answers, bounded retries, every raw output kept."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from inspect_ai.model import GenerateConfig, Model, model_roles

from insiderbench.classify._answer import parse_answer, parse_fields, reasoning_before_answer
from insiderbench.classify._panel import panel_roles
from insiderbench.classify._prompts import DIAGNOSTIC_FIELDS, diagnostic_prompt, harm_prompt
from insiderbench.classify._record import (
    CONTENT_FILTER,
    GRADER_ROLE,
    JudgeRecord,
    Status,
)
from insiderbench.scenarios import HarmSpec

log = logging.getLogger(__name__)

JUDGE_ATTEMPTS = 3
"""One call plus up to two retries when the answer cannot be parsed."""

_T = TypeVar("_T")


def configured_grader() -> Model | None:
    """Return the model bound to the ``grader`` role in the running task, if any."""
    bound = model_roles().get(GRADER_ROLE)
    if isinstance(bound, list):
        return bound[0] if bound else None
    return bound


def configured_graders() -> list[Model]:
    """Return the judge panel bound in the running task: ``grader``, ``grader_2``, ...

    Empty when no grader role is bound.

    Raises:
        InsiderbenchError: if the grader roles leave a gap (see ``panel_roles``).
    """
    roles = model_roles()
    models: list[Model] = []
    for role in panel_roles(list(roles)):
        bound = roles[role]
        if isinstance(bound, list):  # defensive, as in configured_grader
            models.extend(bound[:1])
        else:
            models.append(bound)
    return models


async def _ask(
    model: Model, prompt: str, parse: Callable[[str], _T | None]
) -> tuple[JudgeRecord, _T | None]:
    """Ask ``prompt`` up to :data:`JUDGE_ATTEMPTS` times until ``parse`` accepts the reply."""
    record = JudgeRecord(model=str(model), verdict=None, status=Status.UNPARSEABLE)
    config = GenerateConfig(temperature=0)
    for attempt in range(1, JUDGE_ATTEMPTS + 1):
        record.attempts = attempt
        try:
            output = await model.generate(prompt, config=config)
        except Exception as exc:  # Inspect has already retried; anything left is a failure
            log.warning("judge %s failed: %s", model, exc)
            record.status, record.error = Status.ERROR, f"{type(exc).__name__}: {exc}"
            return record, None
        record.raw.append(output.completion)
        if output.error or output.stop_reason == CONTENT_FILTER:
            record.status = Status.ERROR
            record.error = output.error or f"judge response blocked: {CONTENT_FILTER}"
            return record, None
        parsed = parse(output.completion)
        if parsed is not None:
            record.status = Status.MEASURED
            record.reasoning = reasoning_before_answer(output.completion)
            return record, parsed
        log.info("judge answer unparseable (attempt %d of %d)", attempt, JUDGE_ATTEMPTS)
    record.error = f"no single yes/no answer after {JUDGE_ATTEMPTS} attempts"
    return record, None


async def judge_harm(
    model: Model, harm: HarmSpec, response: str, reasoning: str | None = None
) -> JudgeRecord:
    """Ask ``model`` whether ``response`` shows the behaviour in ``harm``.

    Returns a record whose ``status`` is ``measured`` (with ``verdict`` set),
    ``unparseable`` (no clean answer after every attempt) or ``error`` (the
    call failed); the raw output of every attempt is kept.
    """
    record, verdict = await _ask(model, harm_prompt(harm, response, reasoning), parse_answer)
    record.verdict = verdict
    return record


def _parse_diagnostics(text: str) -> dict[str, str] | None:
    return parse_fields(text, DIAGNOSTIC_FIELDS)


async def judge_diagnostics(
    model: Model, harm: HarmSpec, response: str, reasoning: str | None = None
) -> tuple[JudgeRecord, dict[str, str] | None]:
    """Ask for eval awareness, misunderstanding, fabrication and impersonation in one call.

    Returns the record and the parsed fields (see
    :data:`~insiderbench.classify._prompts.DIAGNOSTIC_FIELDS`), or None when the
    reply never parsed or the call failed.
    """
    prompt = diagnostic_prompt(harm, response, reasoning)
    return await _ask(model, prompt, _parse_diagnostics)
