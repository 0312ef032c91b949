"""One labelled sample read back from its log: the response, its reasoning and actions."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspect_ai.log import EvalSample, read_eval_log_sample

from insiderbench._errors import InsiderbenchError
from insiderbench.classify._record import HARM_SCORER
from insiderbench.classify._scorer import output_reasoning
from insiderbench.environment import Action, ParsedResponse, parse_response


@dataclass
class Transcript:
    """What a labeller needs to see, and what a comparison needs to re-classify."""

    log_file: Path
    sample_id: str
    epoch: int
    scenario: str
    response: str
    reasoning: str | None
    """Reasoning the provider returned separately (not the scratchpad)."""
    parsed: ParsedResponse
    stop_reason: str | None = None
    error: str | None = None
    record: dict[str, Any] = field(default_factory=dict)
    """The stored ``harm`` score metadata (a SampleRecord as JSON), empty if unscored."""

    @property
    def actions(self) -> list[Action]:
        """The actions the agent took (outside its reasoning)."""
        return list(self.parsed.actions)


def read_transcript(log_file: Path, sample_id: str, epoch: int) -> Transcript:
    """Read one sample from ``log_file`` and parse its response.

    Raises:
        InsiderbenchError: if the log cannot be read or does not hold the sample.
    """
    try:
        sample = read_eval_log_sample(str(log_file), id=sample_id, epoch=epoch)
    except Exception as exc:
        raise InsiderbenchError(
            f"cannot read sample {sample_id} (epoch {epoch}): {type(exc).__name__}: {exc}",
            where=str(log_file),
            fix="keep the logs the labels point to where they were, or relabel",
        ) from exc
    return transcript_of(sample, log_file)


def transcript_of(sample: EvalSample, log_file: Path) -> Transcript:
    """Turn an Inspect sample into a :class:`Transcript`."""
    output = sample.output
    response = output.completion if output is not None else ""
    reasoning = output_reasoning(output) if output is not None else None
    score = (sample.scores or {}).get(HARM_SCORER)
    meta = sample.metadata or {}
    return Transcript(
        log_file=log_file,
        sample_id=str(sample.id),
        epoch=sample.epoch,
        scenario=str(meta.get("scenario", "")),
        response=response,
        reasoning=reasoning,
        parsed=parse_response(response, reasoning),
        stop_reason=output.stop_reason if output is not None and output.choices else None,
        error=(output.error if output is not None else None)
        or (sample.error.message if sample.error else None),
        record=dict(score.metadata or {}) if score is not None else {},
    )
