"""What ``insiderbench run`` prints at the end: rates, what was not measured, how to resume."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.markup import escape

from insiderbench.analysis import load_samples, rates
from insiderbench.classify._record import Status
from insiderbench.cli._app import console, err_console
from insiderbench.cli._results import rates_table
from insiderbench.study import StudySpec

if TYPE_CHECKING:
    import pandas as pd

    from insiderbench.study import RunOutcome


def print_bill(study: StudySpec, frame: pd.DataFrame) -> None:
    """Print what the run cost per model and cell, and how it compares with the dry run."""
    from insiderbench.analysis import cost_table
    from insiderbench.cli._cost import cost_rich_table, print_spend
    from insiderbench.study import dry_run

    keys = ["model", "condition_id"]
    console.print(cost_rich_table(cost_table(frame, keys), keys))
    print_spend(dry_run(study), frame)


EXIT_OK = 0
EXIT_NOT_MEASURED = 3
"""Exit code when the run finished but some samples are not measured (see README)."""


def print_run_summary(
    outcome: RunOutcome, study: StudySpec, *, resume_command: str, report: bool
) -> int:
    """Print the rates table and any unmeasured samples; return the exit code."""
    every = load_samples([outcome.log_dir])  # the report covers every model in the log dir
    frame = every[every["model"].isin({m.name for m in study.models})]
    keys = ["model", "condition_id"]
    console.print(rates_table(rates(frame, keys), keys))
    print_bill(study, frame)
    not_measured = frame[frame["status"].astype(str) != Status.MEASURED.value]
    expected = outcome.expected
    missing = max(0, expected - len(frame))
    if report:
        from insiderbench.report import write_report

        index = write_report([Path(outcome.log_dir)], Path(outcome.log_dir) / "report", frame=every)
        console.print(f"report: {index}")
    console.print(
        f"logs: {outcome.log_dir}  (browse transcripts with `inspect view {outcome.log_dir}`)"
    )
    for message in outcome.errors:
        err_console.print(f"[red]eval error:[/] {escape(message)}", highlight=False)
    if len(not_measured) == 0 and missing == 0 and outcome.success:
        return EXIT_OK
    err_console.print(
        f"[bold yellow]{len(not_measured) + missing} of {expected} samples are not measured[/]",
        highlight=False,
    )
    causes = not_measured.assign(
        why=not_measured["status"].astype(str) + ": " + not_measured["cause"].fillna("").astype(str)
    )["why"].value_counts()
    for why, count in causes.items():
        err_console.print(f"  {count:>5}  {why}", highlight=False, markup=False)
    if missing:
        err_console.print(f"  {missing:>5}  missing: not yet run", highlight=False)
    err_console.print(f"resume with:  {resume_command}", highlight=False, markup=False)
    return EXIT_NOT_MEASURED
