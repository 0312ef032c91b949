"""Dry run: what a study will cost, without calling any model.

Token counts are *estimates*: prompts are rendered for real and measured at
about four characters per token (no tokenizer is downloaded), and each
response is assumed to use :data:`ASSUMED_OUTPUT_TOKENS` tokens (or the
model's ``max_tokens`` if lower). Prices come from a small table; a model not
in it has an unknown cost, shown as unknown and never as zero. A tools-mode
condition is counted as an upper bound: ``max_turns`` calls per sample, each
seeing the prompt and the whole inbox.
"""

from __future__ import annotations

from dataclasses import dataclass

from insiderbench._tokens import CHARS_PER_TOKEN, estimate_tokens
from insiderbench.conditions import Mode
from insiderbench.scenarios import check_condition
from insiderbench.study._preflight import check_models_ready
from insiderbench.study._prices import estimate_cost
from insiderbench.study._spec import StudySpec

ASSUMED_OUTPUT_TOKENS = 1200
JUDGE_CALLS_PER_SAMPLE = 2
"""One harm verdict call plus one diagnostics call (one without ``judge_diagnostics``)."""
JUDGE_PROMPT_OVERHEAD = 900
JUDGE_OUTPUT_TOKENS = 400


@dataclass(frozen=True)
class CallEstimate:
    """Estimated calls, tokens and cost for one model (or the judge)."""

    model: str
    role: str
    calls: int
    input_tokens: int
    output_tokens: int
    cost: float | None


@dataclass(frozen=True)
class DryRun:
    """The full estimate for a study."""

    conditions: int
    samples: int
    rows: list[CallEstimate]
    token_note: str = (
        f"tokens are estimated (~{CHARS_PER_TOKEN} characters per token; "
        f"{ASSUMED_OUTPUT_TOKENS} output tokens per response; tools-mode conditions as an "
        "upper bound: every turn taken, each seeing the whole inbox)"
    )

    @property
    def total_cost(self) -> float | None:
        """The summed cost, or ``None`` if any row's price is unknown."""
        costs = [r.cost for r in self.rows]
        if any(c is None for c in costs):
            return None
        return sum(c for c in costs if c is not None)


def dry_run(study: StudySpec) -> DryRun:
    """Estimate the calls, tokens and cost of ``study`` without calling a model.

    The models are checked first, as a run would check them (name, provider,
    SDK, key, replay file and its conditions), so a study that could not run
    is not priced.
    """
    conditions = study.resolve_conditions()
    check_models_ready(study, conditions)
    prompt_tokens = 0
    per_sample_calls = 0
    for cond in conditions:
        rendered = check_condition(cond).render(cond)
        prompt = estimate_tokens(rendered.system) + estimate_tokens(rendered.user)
        if cond.mode is Mode.TOOLS:
            # an upper bound: every turn is taken and sees the whole inbox
            turns = study.tools.max_turns
            prompt = turns * (prompt + estimate_tokens(rendered.inbox))
            per_sample_calls += turns
        else:
            per_sample_calls += 1
        prompt_tokens += prompt
    calls = per_sample_calls * study.samples
    rows: list[CallEstimate] = []
    for spec in study.models:
        out_per = min(ASSUMED_OUTPUT_TOKENS, spec.max_tokens or ASSUMED_OUTPUT_TOKENS)
        inp = prompt_tokens * study.samples
        out = out_per * calls
        rows.append(
            CallEstimate(
                spec.name, "evaluated", calls, inp, out, estimate_cost(spec.name, inp, out)
            )
        )
    for index, judge in enumerate(study.judges):
        if study.effective_policy.value == "rules":
            break
        n_models = len(study.models)
        # Only the first grader makes the diagnostic call; every grader gives a verdict.
        diag = study.judge_diagnostics and index == 0
        per_sample = JUDGE_CALLS_PER_SAMPLE if diag else 1
        # the judge reads each sample once, whatever the number of turns it took
        jcalls = len(conditions) * study.samples * n_models * per_sample
        per_sample_in = prompt_tokens / max(1, len(conditions)) + ASSUMED_OUTPUT_TOKENS
        jin = round((per_sample_in + JUDGE_PROMPT_OVERHEAD) * jcalls)
        jout = JUDGE_OUTPUT_TOKENS * jcalls
        role = "judge" if index == 0 else f"judge {index + 1}"
        rows.append(CallEstimate(judge, role, jcalls, jin, jout, estimate_cost(judge, jin, jout)))
    return DryRun(conditions=len(conditions), samples=study.samples, rows=rows)
