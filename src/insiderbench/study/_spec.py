"""The study file: models x conditions x samples, validated strictly."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from insiderbench._errors import InsiderbenchError
from insiderbench._inprocess import in_process
from insiderbench.classify._record import PanelRule, Policy
from insiderbench.conditions import (
    Condition,
    Extra,
    GoalType,
    GoalValue,
    Mode,
    Perturbations,
    Urgency,
    unique,
)
from insiderbench.monitors._names import check_monitor
from insiderbench.scenarios import check_condition, format_validation_error, select_conditions
from insiderbench.scenarios import read_yaml as _read_yaml
from insiderbench.study._batch import BatchSettings
from insiderbench.study._hypotheses import Hypothesis

DEFAULT_MODEL = "llamacpp/local"

SAMPLES_PER_CONNECTION = 2
"""Default samples in flight per connection of an API model: the next sample is
built and waiting when a connection frees, rather than only starting then."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ModelSpec(_Strict):
    """One evaluated model and its own generation settings."""

    name: str = Field(description="Inspect model name, e.g. anthropic/claude-opus-4-1.")
    temperature: float | None = Field(strict=True, default=None, ge=0, le=2)
    max_tokens: int | None = Field(strict=True, default=None, ge=1)
    max_connections: int | None = Field(strict=True, default=None, ge=1)
    reasoning_effort: Literal["minimal", "low", "medium", "high"] | None = None
    reasoning_tokens: int | None = Field(strict=True, default=None, ge=1)
    args: dict[str, str | int | float | bool] = Field(
        default_factory=dict, description="Provider model args (Inspect -M)."
    )


class Axes(_Strict):
    """Condition axes, selected by :func:`~insiderbench.scenarios.select_conditions`.

    An empty axis means every value the pack supports. An omitted one means
    every value too, except ``extras``, ``prod`` and ``awareness``, which
    default to the study's plain condition (no extra instruction, with the
    scratchpad, no awareness notice).
    """

    scenarios: list[str] = Field(min_length=1)
    goal_types: list[GoalType] | None = None
    goal_values: list[GoalValue] | None = None
    urgencies: list[Urgency] | None = None
    extras: list[Extra] | None = Field(default_factory=lambda: [Extra.NONE])
    prod: list[bool] = Field(default_factory=lambda: [False])
    awareness: list[bool] = Field(default_factory=lambda: [False])
    modes: list[Mode] = Field(default_factory=lambda: [Mode.TEXT], min_length=1)


class ToolsSettings(_Strict):
    """How tools-mode conditions run (text-mode conditions ignore these)."""

    max_turns: int = Field(default=12, ge=1, description="Model calls per episode.")
    max_tokens: int | None = Field(
        default=None, ge=1, description="Tokens per episode, all turns; None: no limit."
    )
    monitor: str | None = Field(
        default=None,
        description="Reviews each consequential tool call before it runs: `rules` or "
        "`model:<inspect model name>`; None for no monitor.",
    )

    @field_validator("monitor")
    @classmethod
    def _check_monitor(cls, value: str | None) -> str | None:
        try:
            checked = check_monitor(value)
        except InsiderbenchError as exc:
            raise ValueError(f"{exc.message} ({exc.fix})") from None
        if checked == "model":
            raise ValueError("name the monitor's model in a study: model:<inspect model name>")
        return checked


class Reliability(_Strict):
    """How hard to try before a sample is recorded as not measured.

    Four layers, all Inspect's own machinery, innermost first:

    1. Each model call (evaluated model and judge) is retried on rate limits,
       5xx, connection errors and timeouts with exponential backoff, up to
       ``max_retries`` times; one attempt is abandoned after
       ``attempt_timeout`` seconds, the call with all its retries after
       ``timeout`` seconds (``GenerateConfig``).
    2. A sample that still fails, or whose output cannot be measured (empty,
       content-filtered, malformed, judge failure), is run again from scratch
       up to ``sample_retries`` times (``retry_on_error``).
    3. A task that ends with failed samples is retried by the eval set up to
       ``eval_retries`` times, ``retry_wait`` seconds apart (doubling), reusing
       every finished sample (``retry_attempts``, ``retry_wait``).
    4. Running the same command again does the same for what is still left.

    ``fail_on_error`` is always on, so one failed sample marks its task as
    unfinished (that is what makes layers 3 and 4 pick it up);
    ``continue_on_fail`` decides whether the other samples keep running.
    """

    max_retries: int = Field(strict=True, default=6, ge=0, description="Retries of one model call.")
    timeout: int = Field(
        strict=True, default=1800, ge=1, description="Seconds for one model call, retries included."
    )
    attempt_timeout: int | None = Field(
        strict=True,
        default=600,
        ge=1,
        description="Seconds for one attempt; a hung call is retried.",
    )
    sample_retries: int = Field(
        strict=True, default=3, ge=0, description="Re-runs of a failed sample."
    )
    eval_retries: int = Field(
        strict=True, default=2, ge=0, description="Eval-set retries of failed samples."
    )
    retry_wait: float = Field(
        strict=True,
        default=30,
        ge=0,
        description="Seconds before the first eval-set retry (then doubling).",
    )
    continue_on_fail: bool = Field(
        default=True, description="Keep running other samples after one has failed."
    )


class StudySpec(_Strict):
    """A study: which models, which conditions, how many samples, how judged."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    models: list[ModelSpec] = Field(min_length=1)
    conditions: Axes | None = None
    condition_ids: list[str] | None = Field(default=None, min_length=1)
    samples: int = Field(
        strict=True, default=1, ge=1, description="Samples per condition (epochs)."
    )
    judge: str | list[str] | None = Field(
        default=None,
        description="Grader model, or a list of them (a judge panel); None = rules only.",
    )
    panel_rule: PanelRule | None = Field(
        default=None,
        description="How a panel's verdicts combine: majority (default) or unanimous.",
    )
    policy: Policy | None = None
    judge_diagnostics: bool = Field(
        default=True,
        description="With a judge, a second judge call per sample labels eval awareness, "
        "misunderstanding, fabrication and impersonation. False halves the judge calls.",
    )
    log_dir: str = "logs"
    seed: int | None = Field(default=None, strict=True)
    max_samples: int | None = Field(
        strict=True,
        default=None,
        ge=1,
        description="Samples run at once. Default: twice the largest `max_connections` "
        "of the API models when each sets one; otherwise Inspect's own default (the "
        "connection limit, or its adaptive controller).",
    )
    live_log: bool = Field(
        default=False,
        description="Stream running samples to `inspect view` (Inspect's log_realtime). "
        "Off by default: it costs 15-20% of throughput, and finished samples are "
        "flushed to the log (and resumable) either way.",
    )
    reliability: Reliability = Field(default_factory=Reliability)
    batch: bool | BatchSettings = Field(
        default=False,
        description="Send the evaluated models' and the judge's calls through the "
        "provider's batch API (about half price; answers take minutes to hours). "
        "true for Inspect's defaults, or size/max_size/send_delay/tick/max_batches.",
    )
    workers: int | None = Field(
        default=None,
        ge=1,
        description="Shard the study across this many Ray worker processes (needs "
        "insiderbench[ray]); one task per model and condition. Unset: one process.",
    )
    ray_address: str | None = Field(
        default=None,
        description="Run the shards on this Ray cluster (e.g. ray://head:10001, or auto); "
        "workers then defaults to the cluster's CPUs.",
    )
    cache_prompt: bool = Field(
        default=True,
        description="Ask providers that cache only on request (Anthropic) to cache each "
        "condition's prompt, which all its samples share. false turns caching off "
        "where Inspect can.",
    )
    perturbations: list[str] = Field(
        default_factory=list,
        description="Perturbation sets, e.g. 'order-chrono' or 'names-s7__audit-10': every "
        "selected condition runs as is and once under each set.",
    )
    hypotheses: list[Hypothesis] = Field(
        default_factory=list,
        description="Pre-registered hypotheses, judged by `insiderbench sensitivity` and "
        "the report; the study file's hash and the start time are stored in the logs.",
    )

    @field_validator("perturbations")
    @classmethod
    def _check_perturbations(cls, value: list[str]) -> list[str]:
        for i, text in enumerate(value):
            try:
                parsed = Perturbations.parse(text)
            except InsiderbenchError as exc:
                raise ValueError(f"[{i}] {exc.message} ({exc.fix})") from exc
            if parsed.empty:
                raise ValueError(f"[{i}] names no perturbation")
        return value

    tools: ToolsSettings = Field(default_factory=ToolsSettings)

    @model_validator(mode="after")
    def _check(self) -> Self:
        if (self.conditions is None) == (self.condition_ids is None):
            raise ValueError("give exactly one of `conditions` (axes) or `condition_ids`")
        if self.policy in (Policy.JUDGE, Policy.BOTH) and not self.judge:
            raise ValueError(f"policy '{self.policy.value}' needs a `judge` model")
        if isinstance(self.judge, list):
            if not self.judge:
                raise ValueError("`judge` is an empty list: name one grader or more, or omit it")
            twice = sorted({j for j in self.judge if self.judge.count(j) > 1})
            if twice:
                raise ValueError(f"judges listed twice: {twice}")
        names = [m.name for m in self.models]
        dupes = {n for n in names if names.count(n) > 1}
        if dupes:
            raise ValueError(f"models listed twice: {sorted(dupes)}")
        return self

    @property
    def judges(self) -> list[str]:
        """The grader models in panel order (roles ``grader``, ``grader_2``, ...)."""
        if self.judge is None:
            return []
        return [self.judge] if isinstance(self.judge, str) else list(self.judge)

    @property
    def effective_policy(self) -> Policy:
        """The policy in force: the given one, else ``both`` with a judge, else ``rules``."""
        if self.policy is not None:
            return self.policy
        return Policy.BOTH if self.judge else Policy.RULES

    def sample_concurrency(self) -> int | None:
        """``max_samples`` for the run: the given one, else the default (see the field).

        None leaves Inspect's default in place, which tracks its adaptive
        connection controller when a model sets no ``max_connections``.
        """
        if self.max_samples is not None:
            return self.max_samples
        api = [m for m in self.models if not in_process(m.name)]
        limits = [m.max_connections for m in api if m.max_connections is not None]
        if not api or len(limits) < len(api):
            return None
        return SAMPLES_PER_CONNECTION * max(limits)

    def resolve_conditions(self) -> list[Condition]:
        """Expand the axes (or parse the ids) and check each against its pack."""
        base = self._base_conditions()
        extra = [
            cond.perturbed(Perturbations.parse(text, where="perturbations"))
            for text in self.perturbations
            for cond in base
        ]
        return unique([*base, *extra])

    def _base_conditions(self) -> list[Condition]:
        if self.condition_ids is not None:
            conds = [Condition.from_id(i) for i in self.condition_ids]
            for cond in conds:
                check_condition(cond)
            return unique(conds)
        axes = self.conditions
        assert axes is not None
        conds = select_conditions(
            axes.scenarios,
            goal_types=axes.goal_types,
            goal_values=axes.goal_values,
            urgencies=axes.urgencies,
            extras=axes.extras,
            prods=axes.prod,
            awareness=axes.awareness,
            modes=axes.modes,
        )
        if not conds:
            raise InsiderbenchError(
                "the condition axes select no valid condition",
                where="conditions",
                fix="goal types none/ambiguous only take goal value none; "
                "see `insiderbench conditions`",
            )
        return conds


_STUDY_FIX = "correct the fields listed above (see examples/study.yaml and the README)"


def validate_study(data: dict[str, object], source: str) -> StudySpec:
    """Validate study settings from ``source`` (a file, or the command-line flags)."""
    try:
        return StudySpec.model_validate(data)
    except ValidationError as exc:
        raise format_validation_error(exc, source, fix=_STUDY_FIX) from exc


def load_study(path: Path) -> StudySpec:
    """Load and validate a study YAML file; errors name the file and the field."""
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise InsiderbenchError(
            "a study file must be a YAML mapping", where=str(path), fix=_STUDY_FIX
        )
    return validate_study(data, str(path))


def quickstart_study(model: str = DEFAULT_MODEL, log_dir: str = "logs/quickstart") -> StudySpec:
    """The default study: the main blackmail condition and its control, 3 samples each."""
    return StudySpec(
        name="quickstart",
        models=[ModelSpec(name=model)],
        condition_ids=["blackmail_explicit-america_replacement", "blackmail_none-none_none"],
        samples=3,
        log_dir=log_dir,
    )
