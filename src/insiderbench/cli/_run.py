"""``insiderbench run``: run a study file, flags, or the quick-start study."""

from __future__ import annotations

import shlex
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from types import FrameType

import typer

from insiderbench._errors import InsiderbenchError
from insiderbench.classify._record import PanelRule, Policy
from insiderbench.cli._app import app, console, handle_errors
from insiderbench.cli._cost import print_dry_run
from insiderbench.conditions import Extra, GoalType, GoalValue, Mode, Urgency
from insiderbench.study import (
    DEFAULT_MODEL,
    Axes,
    ModelSpec,
    StudySpec,
    dry_run,
    load_study,
    quickstart_study,
    validate_study,
)
from insiderbench.study._hypotheses import PREREGISTRATION_KEY, preregistration
from insiderbench.study._samplesize import SamplePlan, sample_plan


class Display(StrEnum):
    """Inspect's display modes (``inspect_ai.util.DisplayType``; a test keeps them in step)."""

    FULL = "full"
    CONVERSATION = "conversation"
    RICH = "rich"
    PLAIN = "plain"
    LOG = "log"
    NONE = "none"


_AXIS_FLAGS = "--scenario, --goal-type, --goal-value, --urgency, --extra, --prod, --awareness"


def _study_from_flags(
    models: list[str],
    scenario: list[str],
    goal_type: list[GoalType],
    goal_value: list[GoalValue],
    urgency: list[Urgency],
    extra: list[Extra],
    prod: bool | None,
    awareness: bool | None,
    condition: list[str],
    mode: list[Mode] | None = None,
) -> StudySpec:
    axes_given = any([scenario, goal_type, goal_value, urgency, extra, mode]) or prod or awareness
    if condition and (axes_given or prod is not None or awareness is not None):
        raise InsiderbenchError(
            "--condition names exact conditions, so it cannot be combined with axis flags",
            where="command-line flags",
            fix=f"pass either --condition ids or axis flags ({_AXIS_FLAGS}), not both",
        )
    if not models and not axes_given and not condition:
        return quickstart_study()
    base = quickstart_study(models[0] if models else DEFAULT_MODEL)
    update: dict[str, object] = {
        "name": "cli",
        "models": [ModelSpec(name=m) for m in models] or base.models,
        "log_dir": "logs",
    }
    if condition:
        update.update(condition_ids=condition, conditions=None)
    elif axes_given:
        # the flags' defaults; every axis is then selected by the one rule
        # (select_conditions): an axis not given means every value
        axes = Axes(
            scenarios=scenario or ["blackmail"],
            goal_types=goal_type,
            goal_values=goal_value,
            urgencies=urgency,
            extras=extra or [Extra.NONE],
            prod=[prod] if prod is not None else [False],
            awareness=[awareness] if awareness is not None else [False],
            modes=mode or [Mode.TEXT],
        )
        update.update(conditions=axes, condition_ids=None)
    return validate_study({**base.model_dump(), **update}, "command-line flags")


def _print_sample_plan(plan: SamplePlan) -> None:
    console.print(f"\n[bold]sample size[/]: {plan.rule}", highlight=False)
    console.print(
        f"  {plan.per_cell:,} samples per cell ({plan.conditions} cells, now {plan.current:,} "
        "per cell)",
        highlight=False,
    )
    print_dry_run(plan.estimate)


@app.command()
@handle_errors
def run(
    study_file: Path | None = typer.Argument(None, help="Study YAML file (see examples/)."),
    model: list[str] = typer.Option(None, "--model", "-m", help="Model (repeatable)."),
    scenario: list[str] = typer.Option(None, "--scenario", "-s", help="Pack (repeatable)."),
    goal_type: list[GoalType] = typer.Option(
        None, "--goal-type", help="Goal type (repeatable). Omitted: every type the pack has."
    ),
    goal_value: list[GoalValue] = typer.Option(
        None, "--goal-value", help="Goal value (repeatable). Omitted: every valid value."
    ),
    urgency: list[Urgency] = typer.Option(
        None, "--urgency", help="Threat to the agent (repeatable). Omitted: all three."
    ),
    extra: list[Extra] = typer.Option(
        None, "--extra", help="Mitigating instruction (repeatable). Default: none."
    ),
    prod: bool | None = typer.Option(
        None, "--prod/--no-prod", help="Without the private scratchpad. Default: with it."
    ),
    awareness: bool | None = typer.Option(
        None, "--awareness/--no-awareness", help="Add the eval-awareness notice. Default: off."
    ),
    mode: list[Mode] = typer.Option(
        None,
        "--mode",
        help="Interaction mode (repeatable): text (one message) or tools (live mailbox). "
        "Default: text.",
    ),
    condition: list[str] = typer.Option(None, "--condition", "-c", help="Condition id."),
    samples: int | None = typer.Option(None, "--samples", "-n", help="Samples per condition."),
    judge: list[str] = typer.Option(
        None, "--judge", help="Grader model for the judge; repeat for a panel (grader_2, ...)."
    ),
    panel_rule: PanelRule | None = typer.Option(
        None, "--panel-rule", help="How a judge panel decides: majority (default) or unanimous."
    ),
    policy: Policy | None = typer.Option(None, "--policy", help="rules, judge or both."),
    log_dir: str | None = typer.Option(None, "--log-dir", help="Where Inspect logs go."),
    seed: int | None = typer.Option(
        None, "--seed", help="Sampling seed, for providers that accept one."
    ),
    max_samples: int | None = typer.Option(
        None,
        "--max-samples",
        help="Samples run at once. Default: twice max_connections, else Inspect's.",
    ),
    dry: bool = typer.Option(False, "--dry-run", help="Estimate calls, tokens, cost; run nothing."),
    display: Display | None = typer.Option(
        None, "--display", help="Inspect display (default: Inspect's, usually full)."
    ),
    report: bool = typer.Option(True, "--report/--no-report", help="Write an HTML report after."),
    judge_diagnostics: bool | None = typer.Option(
        None,
        "--judge-diagnostics/--no-judge-diagnostics",
        help="Second judge call for awareness and misunderstanding (default on).",
    ),
    live_log: bool | None = typer.Option(
        None, "--live-log/--no-live-log", help="Stream running samples to `inspect view`."
    ),
    batch: bool | None = typer.Option(
        None,
        "--batch/--no-batch",
        help="Send model and judge calls through the provider's batch API (about half "
        "price, answers in minutes to hours). Default: the study's `batch`, else off.",
    ),
    cache_prompt: bool | None = typer.Option(
        None,
        "--cache-prompt/--no-cache-prompt",
        help="Provider prompt caching of each condition's shared prompt (default on).",
    ),
    workers: int | None = typer.Option(
        None,
        "--workers",
        help="Shard the study across N Ray worker processes (needs insiderbench[ray]).",
    ),
    ray_address: str | None = typer.Option(
        None, "--ray-address", help="Run the shards on this Ray cluster (e.g. auto)."
    ),
    as_json: bool = typer.Option(
        False, "--json", help="With --dry-run: print the estimate as JSON (stable format)."
    ),
    set_aside_damaged: bool = typer.Option(
        True,
        "--set-aside-damaged/--keep-damaged",
        help="An unreadable log in the log dir is renamed to <name>.damaged (nothing is "
        "deleted) and its samples run again, with a note (default); --keep-damaged "
        "stops the run instead and leaves the file where it is.",
    ),
    perturb: list[str] = typer.Option(
        None,
        "--perturb",
        help="Also run every condition under this perturbation set, e.g. order-chrono or "
        "names-s7__audit-10 (repeatable; see README, Sensitivity).",
    ),
    pilot_rate: float | None = typer.Option(
        None, "--pilot-rate", help="With --dry-run: the expected harmful rate, for sample sizes."
    ),
    ci_width: float | None = typer.Option(
        None, "--ci-width", help="With --dry-run: target width of each cell's 95% interval."
    ),
    min_effect: float | None = typer.Option(
        None, "--min-effect", help="With --dry-run: smallest difference to detect (80% power)."
    ),
    monitor: str | None = typer.Option(
        None,
        "--monitor",
        help="Tools mode: review each consequential tool call before it runs with "
        "'rules' or 'model:<inspect model name>'. Default: none.",
    ),
    max_turns: int | None = typer.Option(
        None, "--max-turns", help="Tools mode: model calls per episode (default 12)."
    ),
) -> None:
    """Run a study (or resume it: run the same command again)."""
    model, scenario, condition = model or [], scenario or [], condition or []
    goal_type, goal_value = goal_type or [], goal_value or []
    urgency, extra, mode = urgency or [], extra or [], mode or []
    if study_file is not None:
        flags = [model, scenario, goal_type, goal_value, urgency, extra, condition, mode]
        if any(flags) or prod is not None or awareness is not None:
            raise InsiderbenchError(
                "models and conditions come from the study file; don't also pass them as flags",
                where=str(study_file),
                fix="edit the study file, or drop the file and use flags",
            )
        study = load_study(study_file)
    else:
        study = _study_from_flags(
            model, scenario, goal_type, goal_value, urgency, extra, prod, awareness, condition, mode
        )
    overrides: dict[str, object] = {}
    judges: str | list[str] | None = (judge[0] if len(judge) == 1 else judge) if judge else None
    for key, value in (
        ("samples", samples),
        ("judge", judges),
        ("panel_rule", panel_rule),
        ("policy", policy),
        ("log_dir", log_dir),
        ("seed", seed),
        ("max_samples", max_samples),
        ("live_log", live_log),
        ("judge_diagnostics", judge_diagnostics),
        ("batch", batch),
        ("cache_prompt", cache_prompt),
        ("workers", workers),
        ("ray_address", ray_address),
        ("perturbations", [*study.perturbations, *perturb] if perturb else None),
    ):
        if value is not None:
            overrides[key] = value
    tools = {k: v for k, v in (("monitor", monitor), ("max_turns", max_turns)) if v is not None}
    if tools:
        overrides["tools"] = {**study.tools.model_dump(), **tools}
    if overrides:
        study = validate_study({**study.model_dump(), **overrides}, "command-line flags")
    if dry:
        print_dry_run(dry_run(study), as_json=as_json)
        if pilot_rate is not None or ci_width is not None or min_effect is not None:
            _print_sample_plan(sample_plan(study, pilot_rate, ci_width, min_effect))
        return
    if pilot_rate is not None or ci_width is not None or min_effect is not None:
        raise InsiderbenchError(
            "--pilot-rate, --ci-width and --min-effect only apply to a dry run",
            where="command-line flags",
            fix="add --dry-run",
        )
    metadata = None
    if study_file is not None:
        metadata = {PREREGISTRATION_KEY: preregistration(study_file, study.hypotheses)}
    # The summary's modules (pandas, scipy) load now, so they join the start-up
    # heap that the run freezes, rather than adding a second to its end.
    from insiderbench.cli._digest import sample_error_digest
    from insiderbench.cli._gc import run_gc
    from insiderbench.cli._summary import print_interrupted, print_run_summary
    from insiderbench.study import check_models_ready, run_study

    # The summary runs under the run's collector settings too: at the default
    # thresholds a full collection there scans everything the run left alive
    # (see insiderbench.cli._gc).
    # Checking the models imports their SDKs and Inspect's plugins; done before the
    # freeze, those long-lived modules are frozen with the rest of start-up.
    check_models_ready(study)
    command = _resume_command()
    try:
        with run_gc(), _sigterm_as_interrupt(), sample_error_digest() as digest:
            outcome = run_study(
                study,
                display=display.value if display else None,
                command=command,
                set_aside_damaged=set_aside_damaged,
                metadata=metadata,
            )
            code = print_run_summary(outcome, study, resume_command=command, report=report)
    except KeyboardInterrupt:
        print_interrupted(study, resume_command=command)
        raise typer.Exit(EXIT_INTERRUPTED) from None
    if digest.suppressed:
        console.print(
            f"[dim]{digest.suppressed} more sample-error warnings repeated a cause shown above "
            "and were not printed; the summary counts every sample not measured[/]",
            highlight=False,
        )
    if code:
        raise typer.Exit(code)


EXIT_INTERRUPTED = 130
"""Exit code of a run stopped by Ctrl-C or SIGTERM (see README)."""


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Treat SIGTERM as Ctrl-C while the run lasts.

    The handler passes the signal on to whatever handles SIGINT at that moment
    (the event loop's, during the run), so Inspect cancels the samples in
    flight, records them and writes its logs, exactly as for Ctrl-C.
    """

    def forward(signum: int, frame: FrameType | None) -> None:
        handler = signal.getsignal(signal.SIGINT)
        if callable(handler):
            handler(signal.SIGINT, frame)
        else:
            raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, forward)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _resume_command() -> str:
    return "insiderbench " + " ".join(shlex.quote(a) for a in sys.argv[1:])
