"""What ``insiderbench run`` prints at the end: rates, what was not measured, how to resume."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from rich.markup import escape

from insiderbench.analysis import load_samples, rates
from insiderbench.classify._record import Status
from insiderbench.cli._app import console, err_console
from insiderbench.cli._results import rates_table
from insiderbench.study import StudySpec

if TYPE_CHECKING:
    from insiderbench.study import RunOutcome

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
    final = int(final_mask(not_measured).sum())
    if final:
        err_console.print(
            f"{final} of them are recorded as they are (filtered, empty, unparseable or "
            "unjudged output) and are never redrawn; `insiderbench rescore` re-judges them",
            highlight=False,
        )
    if missing or final < len(not_measured) or not outcome.success:
        err_console.print(f"resume with:  {resume_command}", highlight=False, markup=False)
    return EXIT_NOT_MEASURED


def final_mask(not_measured: pd.DataFrame) -> pd.Series[bool]:
    """Rows a resume does not run again: everything but evaluated-model errors and interruptions.

    An evaluated model's error is stored as the sample's error (status ``error``,
    a cause that is not the judge's); a judge error is recorded with cause
    ``judge: ...``.
    """
    status = not_measured["status"].astype(str)
    cause = not_measured["cause"].fillna("").astype(str)
    rerun = ((status == Status.ERROR.value) & ~cause.str.startswith("judge")) | (
        status == Status.INTERRUPTED.value
    )
    return ~rerun
