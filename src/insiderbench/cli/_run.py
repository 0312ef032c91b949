"""``insiderbench run``: run a study file, flags, or the quick-start study."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import typer
from rich.table import Table

from insiderbench._errors import InsiderbenchError
from insiderbench.classify._record import Policy
from insiderbench.cli._app import app, console, handle_errors
from insiderbench.conditions import Extra, GoalType, GoalValue, Mode, Urgency
from insiderbench.study import (
    DEFAULT_MODEL,
    Axes,
    DryRun,
    ModelSpec,
    StudySpec,
    dry_run,
    load_study,
    quickstart_study,
    validate_study,
)


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
        axes = Axes(
            scenarios=scenario or ["blackmail"],
            goal_types=goal_type or None,
            goal_values=goal_value or None,
            urgencies=urgency or None,
            extras=extra or [Extra.NONE],
            prod=[prod] if prod is not None else [False],
            awareness=[awareness] if awareness is not None else [False],
            modes=mode or [Mode.TEXT],
        )
        update.update(conditions=axes, condition_ids=None)
    return validate_study({**base.model_dump(), **update}, "command-line flags")


def _print_dry_run(est: DryRun) -> None:
    table = Table(title=f"dry run: {est.conditions} conditions x {est.samples} samples")
    for col in ("model", "role", "calls", "input tokens (est.)", "output tokens (est.)", "cost"):
        table.add_column(col, justify="right" if col != "model" else "left")
    for row in est.rows:
        cost = "unknown" if row.cost is None else f"${row.cost:,.2f}"
        table.add_row(
            row.model,
            row.role,
            f"{row.calls:,}",
            f"{row.input_tokens:,}",
            f"{row.output_tokens:,}",
            cost,
        )
    console.print(table)
    total = est.total_cost
    console.print(
        f"total cost: {'unknown (a price is unknown)' if total is None else f'${total:,.2f}'}"
    )
    console.print(f"[dim]{est.token_note}[/]")


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
    judge: str | None = typer.Option(None, "--judge", help="Grader model for the judge."),
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
    display: str | None = typer.Option(
        None, "--display", help="Inspect display: full, plain, none."
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
    for key, value in (
        ("samples", samples),
        ("judge", judge),
        ("policy", policy),
        ("log_dir", log_dir),
        ("seed", seed),
        ("max_samples", max_samples),
        ("live_log", live_log),
        ("judge_diagnostics", judge_diagnostics),
    ):
        if value is not None:
            overrides[key] = value
    tools = {k: v for k, v in (("monitor", monitor), ("max_turns", max_turns)) if v is not None}
    if tools:
        overrides["tools"] = {**study.tools.model_dump(), **tools}
    if overrides:
        study = validate_study({**study.model_dump(), **overrides}, "command-line flags")
    if dry:
        _print_dry_run(dry_run(study))
        return
    # The summary's modules (pandas, scipy) load now, so they join the start-up
    # heap that the run freezes, rather than adding a second to its end.
    from insiderbench.cli._summary import print_run_summary
    from insiderbench.study import run_study
    from insiderbench.study._gc import run_gc

    # The summary runs under the run's collector settings too: at the default
    # thresholds a full collection there scans everything the run left alive
    # (see insiderbench.study._gc).
    with run_gc():
        outcome = run_study(study, display=display)
        code = print_run_summary(outcome, study, resume_command=_resume_command(), report=report)
    if code:
        raise typer.Exit(code)


def _resume_command() -> str:
    return "insiderbench " + " ".join(shlex.quote(a) for a in sys.argv[1:])
