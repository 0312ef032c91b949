"""Dry run: what a study will cost, without calling any model.

What is counted, per evaluated model and per judge:

- **Evaluated calls:** one per condition and sample. Input is the rendered
  prompt (system and user message), measured at about four characters per
  token (no tokenizer is downloaded). Output is the scripted response for a
  ``replay`` model (exact), else :data:`ASSUMED_OUTPUT_TOKENS` (or the
  model's ``max_tokens`` if lower). A tools-mode condition is counted as an
  upper bound: ``max_turns`` calls per sample, each seeing the prompt and the
  whole inbox.
- **Judge calls:** the study's scorer calls every grader of the panel for
  every measured response whenever a judge is set, *whatever the policy*
  (under ``rules`` the judges' verdicts are recorded beside the rules' and do
  not decide): one harm-verdict call per grader, plus one diagnostics call by
  the first grader with ``judge_diagnostics``. Their input is the judge
  prompt actually built (:mod:`insiderbench.classify._prompts`) around the
  expected response; their output is the scripted reply of a ``replay``
  judge, else :data:`JUDGE_OUTPUT_TOKENS`. Unmeasured responses (errors,
  empty) get no judge call, and a failing judge is asked again (up to three
  times); neither can be known in advance, so neither is counted.
- **Costs** come from :mod:`insiderbench.study._prices`, four ways: at list
  price, with prompt caching, through the batch API, and both. Caching
  assumes each condition's prompt is written to the cache once per model and
  read by its other samples (samples in flight together before the first
  write lands also pay full price, so this is the most caching can save);
  prefixes shorter than :data:`CACHE_MIN_TOKENS` are not cached. A model
  whose price is unknown has an unknown cost, never zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from insiderbench._tokens import CHARS_PER_TOKEN, estimate_tokens
from insiderbench.classify._prompts import diagnostic_prompt, harm_prompt
from insiderbench.conditions import Condition, Mode
from insiderbench.models._replay import ReplayEpisode, ReplayLine
from insiderbench.scenarios import check_condition
from insiderbench.study._batch import (
    DEFAULT_SEND_DELAY,
    DEFAULT_TICK,
    batch_settings,
)
from insiderbench.study._preflight import check_models_ready
from insiderbench.study._prices import batch_supported, usage_cost
from insiderbench.study._spec import StudySpec

ASSUMED_OUTPUT_TOKENS = 1200
JUDGE_CALLS_PER_SAMPLE = 2
"""One harm verdict call plus one diagnostics call (one without ``judge_diagnostics``)."""
JUDGE_OUTPUT_TOKENS = 400
CACHE_MIN_TOKENS = 1024
"""The shortest prefix the providers cache (Anthropic and OpenAI: 1,024 tokens)."""
BATCH_WINDOW_HOURS = 24
"""The longest a provider takes to finish a batch (OpenAI, Anthropic, Google)."""
FORMAT = "insiderbench-dry-run/1"
"""The ``format`` tag of :meth:`DryRun.to_json`; bumped when a field changes meaning."""

VARIANTS = ("list", "cached", "batch", "batch_cached")
"""The four ways a row is priced: list, prompt caching, batch API, batch with caching."""


@dataclass(frozen=True)
class CallEstimate:
    """Estimated calls, tokens and cost for one model (or the judge)."""

    model: str
    role: str
    calls: int
    input_tokens: int
    output_tokens: int
    cost: float | None
    """At list price."""
    cacheable_tokens: int = 0
    """Input tokens in prefixes shared with an earlier call (read from the cache)."""
    cache_write_tokens: int = 0
    """Input tokens written to the cache (the first call of each shared prefix)."""
    costs: dict[str, float | None] = field(default_factory=dict)
    """Cost per variant (:data:`VARIANTS`)."""


@dataclass(frozen=True)
class DryRun:
    """The full estimate for a study."""

    conditions: int
    samples: int
    rows: list[CallEstimate]
    planned: str = "list"
    """The variant the study's settings select (``batch``, ``cache_prompt``)."""
    batch_round_seconds: float | None = None
    """With batch on: the shortest wait per batch round (send delay plus one poll)."""
    batch_rounds: int = 0
    """Sequential batch rounds per sample: the response, then the judge."""
    token_note: str = (
        f"tokens are estimated (~{CHARS_PER_TOKEN} characters per token; "
        f"{ASSUMED_OUTPUT_TOKENS} output tokens per response unless replayed; tools-mode "
        "conditions as an upper bound: every turn taken, each seeing the whole inbox)"
    )

    def total(self, variant: str = "list") -> float | None:
        """The summed cost of ``variant``, or ``None`` if any row's is unknown."""
        costs = [r.costs.get(variant) for r in self.rows]
        if any(c is None for c in costs):
            return None
        return sum(c for c in costs if c is not None)

    @property
    def total_cost(self) -> float | None:
        """The summed list-price cost, or ``None`` if any row's price is unknown."""
        return self.total("list")

    def to_json(self) -> dict[str, Any]:
        """The estimate in the stable ``--dry-run --json`` format (see the README)."""
        return {
            "format": FORMAT,
            "conditions": self.conditions,
            "samples": self.samples,
            "planned": self.planned,
            "rows": [
                {
                    "model": r.model,
                    "role": r.role,
                    "calls": r.calls,
                    "input_tokens": r.input_tokens,
                    "cache_read_tokens": r.cacheable_tokens,
                    "cache_write_tokens": r.cache_write_tokens,
                    "output_tokens": r.output_tokens,
                    "cost": {v: r.costs.get(v) for v in VARIANTS},
                }
                for r in self.rows
            ],
            "total": {v: self.total(v) for v in VARIANTS},
            "batch_delay": {
                "rounds": self.batch_rounds,
                "min_seconds_per_round": self.batch_round_seconds,
                "max_hours_per_round": BATCH_WINDOW_HOURS if self.batch_rounds else None,
            },
            "note": self.token_note,
        }


@dataclass
class _Tally:
    """Running token counts for one row."""

    calls: int = 0
    inp: int = 0
    out: int = 0
    prefixes: dict[str, int] = field(default_factory=dict)
    """Shared-prefix text hash -> its tokens, for cache writes."""
    cacheable: int = 0

    def add(self, inp: int, out: int, prefix: str, prefix_tokens: int) -> None:
        self.calls += 1
        self.inp += inp
        self.out += out
        if prefix_tokens < CACHE_MIN_TOKENS:
            return
        if prefix in self.prefixes:
            self.cacheable += prefix_tokens
        else:
            self.prefixes[prefix] = prefix_tokens

    def estimate(self, model: str, role: str) -> CallEstimate:
        writes = sum(self.prefixes.values())
        fresh = self.inp - self.cacheable - writes
        costs = {
            "list": usage_cost(model, input_tokens=self.inp, output_tokens=self.out),
            "cached": usage_cost(
                model,
                input_tokens=fresh,
                output_tokens=self.out,
                cache_read=self.cacheable,
                cache_write=writes,
            ),
        }
        batched = batch_supported(model)
        costs["batch"] = usage_cost(
            model, input_tokens=self.inp, output_tokens=self.out, batch=batched
        )
        costs["batch_cached"] = usage_cost(
            model,
            input_tokens=fresh,
            output_tokens=self.out,
            cache_read=self.cacheable,
            cache_write=writes,
            batch=batched,
        )
        return CallEstimate(
            model,
            role,
            self.calls,
            self.inp,
            self.out,
            costs["list"],
            self.cacheable,
            writes,
            costs,
        )


def _responses(name: str, max_tokens: int | None, cond: Condition, samples: int) -> list[str]:
    """Each sample's expected response: scripted for replay, else filler of the assumed size."""
    if name.startswith("replay/"):
        from insiderbench.models._context import CallContext
        from insiderbench.models._replay import ReplayScript

        script = ReplayScript.load(name.partition("/")[2])
        picks = [script.pick(CallContext(cond.id, e)) for e in range(1, samples + 1)]
        return [_scripted_text(p) for p in picks]
    tokens = min(ASSUMED_OUTPUT_TOKENS, max_tokens or ASSUMED_OUTPUT_TOKENS)
    return ["x" * (tokens * CHARS_PER_TOKEN)] * samples


def _scripted_text(pick: ReplayLine | ReplayEpisode) -> str:
    """The text a scripted reply produces: a line's response, or an episode's turns."""
    if isinstance(pick, ReplayLine):
        return pick.response + (pick.reasoning or "")
    return "".join(t.content + (t.reasoning or "") for t in pick.turns)


def _judge_outputs(judge: str, cond: Condition, samples: int) -> list[int]:
    if judge.startswith("replay/"):
        return [estimate_tokens(r) for r in _responses(judge, None, cond, samples)]
    return [JUDGE_OUTPUT_TOKENS] * samples


def dry_run(study: StudySpec) -> DryRun:
    """Estimate the calls, tokens and cost of ``study`` without calling a model.

    The models are checked first, as a run would check them (name, provider,
    SDK, key, replay file and its conditions), so a study that could not run
    is not priced.
    """
    conditions = study.resolve_conditions()
    check_models_ready(study, conditions)
    rendered = {c.id: check_condition(c).render(c) for c in conditions}
    models = {m.name: _Tally() for m in study.models}
    judges = {name: _Tally() for name in study.judges}
    for spec in study.models:
        for cond in conditions:
            prompt = rendered[cond.id]
            prompt_text = f"{prompt.system}\n{prompt.user}"
            prompt_tokens = estimate_tokens(prompt.system) + estimate_tokens(prompt.user)
            turns = 1
            if cond.mode is Mode.TOOLS:
                # an upper bound: every turn is taken and sees the whole inbox
                turns = study.tools.max_turns
                prompt_tokens += estimate_tokens(prompt.inbox)
            responses = _responses(spec.name, spec.max_tokens, cond, study.samples)
            for response in responses:
                for _ in range(turns):
                    models[spec.name].add(
                        prompt_tokens, estimate_tokens(response), prompt_text, prompt_tokens
                    )
            for index, name in enumerate(study.judges):
                # only the first grader makes the diagnostics call
                diagnostics = study.judge_diagnostics and index == 0
                _judge_calls(name, diagnostics, judges[name], cond, responses)
    rows = [models[m.name].estimate(m.name, "evaluated") for m in study.models]
    for index, name in enumerate(study.judges):
        rows.append(judges[name].estimate(name, "judge" if index == 0 else f"judge {index + 1}"))
    settings = batch_settings(study.batch)
    planned = ("batch_" if settings else "") + ("cached" if study.cache_prompt else "")
    return DryRun(
        conditions=len(conditions),
        samples=study.samples,
        rows=rows,
        planned={"": "list", "batch_": "batch"}.get(planned, planned),
        batch_round_seconds=(
            (settings.send_delay or DEFAULT_SEND_DELAY) + (settings.tick or DEFAULT_TICK)
            if settings
            else None
        ),
        batch_rounds=(2 if study.judges else 1) if settings else 0,
    )


def _judge_calls(
    judge: str, diagnostics: bool, tally: _Tally, cond: Condition, responses: list[str]
) -> None:
    """Count one grader's calls for one condition's responses, from the prompts it is sent."""
    harm = check_condition(cond).harm
    builders = [harm_prompt] + ([diagnostic_prompt] if diagnostics else [])
    outputs = _judge_outputs(judge, cond, len(responses))
    for response, out in zip(responses, outputs, strict=True):
        for build in builders:
            prompt = build(harm, response, None)
            prefix = prompt[: prompt.index("<agent_output>")]
            tally.add(estimate_tokens(prompt), out, prefix, estimate_tokens(prefix))
