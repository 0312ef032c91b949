"""What ``insiderbench run`` prints at the end: rates, what was not measured, how to resume."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.markup import escape

from insiderbench.classify._record import Status
from insiderbench.cli._app import console, err_console
from insiderbench.cli._results import print_log_notes, rates_table
from insiderbench.study import StudySpec

if TYPE_CHECKING:
    import pandas as pd

    from insiderbench.analysis import StudyLogs
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
"""Exit code when a re-run would measure more: a sample whose evaluated model failed, a
missing sample or an unfinished task (see README). Samples recorded as they are
(filtered, empty, unparseable, undetermined, unjudged) are final: they are counted
and named, and leave the exit code 0."""

_CELL = ["model", "settings", "policy", "judge_model", "condition_id"]


def _study_part(logs: StudyLogs, study: StudySpec) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The study's expected cells, and the rows of the logs that belong to them."""
    from insiderbench.analysis import expected_cells
    from insiderbench.study._manifest import build_manifest

    expected = expected_cells([build_manifest(study, study.resolve_conditions())])
    wanted = set(expected[_CELL].astype(object).itertuples(index=False, name=None))
    frame = logs.frame
    cells = frame[_CELL].astype(object).where(frame[_CELL].notna(), None)
    mask = [tuple(row) in wanted for row in cells.itertuples(index=False, name=None)]
    return expected, frame[mask]


def _print_retries(study: StudySpec, frame: pd.DataFrame) -> None:
    rel = study.reliability
    reruns = int(frame["retries"].fillna(0).sum()) if "retries" in frame else 0
    rerun_samples = int((frame["retries"].fillna(0) > 0).sum()) if "retries" in frame else 0
    wait = "at once" if rel.retry_wait == 0 else f"after {rel.retry_wait:g} s, doubling"
    console.print(
        f"retries: each model call up to {rel.max_retries} (backing off); each sample re-run "
        f"up to {rel.sample_retries} time(s), {reruns} re-run(s) used by {rerun_samples} "
        f"sample(s) kept; failed samples retried by the eval set up to {rel.eval_retries} "
        f"time(s), {wait}",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )


def print_run_summary(
    outcome: RunOutcome, study: StudySpec, *, resume_command: str, report: bool
) -> int:
    """Print the rates table, what is not measured or missing, and retries; return the exit code."""
    from insiderbench.analysis import load_study_logs, rates

    logs = load_study_logs([outcome.log_dir])  # the report covers everything in the log dir
    expected, frame = _study_part(logs, study)
    keys = ["model", "condition_id"]
    table = rates(frame, keys, expected=expected)
    print_log_notes(logs, keys, table)
    if outcome.stale_lock is not None:
        err_console.print(
            f"note: took over the lock of a run that is gone ({outcome.stale_lock.describe()})",
            highlight=False,
            markup=False,
        )
    for path, reason in outcome.set_aside:
        err_console.print(
            f"note: set aside damaged log as {path} ({reason}); its samples ran again",
            highlight=False,
            markup=False,
        )
    console.print(rates_table(table, keys))
    print_bill(study, frame)
    if outcome.growth and outcome.growth != "new study":
        console.print(f"study grew: {outcome.growth}", highlight=False, markup=False)
    _print_retries(study, frame)
    not_measured = frame[frame["status"].astype(str) != Status.MEASURED.value]
    missing = int(table["missing"].fillna(0).sum())
    if report:
        from insiderbench.report import write_report

        index = write_report([Path(outcome.log_dir)], Path(outcome.log_dir) / "report", study=logs)
        console.print(f"report: {index}")
    console.print(
        f"logs: {outcome.log_dir}  (browse transcripts with `inspect view {outcome.log_dir}`)"
    )
    for message in outcome.errors:
        err_console.print(f"[red]eval error:[/] {escape(message)}", highlight=False)
    if len(not_measured) == 0 and missing == 0 and outcome.success:
        return EXIT_OK
    err_console.print(
        f"[bold yellow]{len(not_measured) + missing} of {outcome.expected} samples are not "
        "measured[/]",
        highlight=False,
    )
    _print_causes(not_measured, missing)
    final = int(final_mask(not_measured).sum())
    if final:
        err_console.print(
            f"{final} of them are recorded as they are (filtered, empty, unparseable, "
            "undetermined or unjudged output) and are never redrawn; `insiderbench rescore` "
            "re-judges them",
            highlight=False,
        )
    if missing or final < len(not_measured) or not outcome.success:
        err_console.print(f"resume with:  {resume_command}", highlight=False, markup=False)
        return EXIT_NOT_MEASURED
    # every sample has its final status: a re-run would change nothing, so the run is done
    err_console.print(
        "the run is complete: a re-run would not measure them (exit code 0)",
        highlight=False,
        markup=False,
    )
    return EXIT_OK


def _print_causes(not_measured: pd.DataFrame, missing: int) -> None:
    causes = not_measured.assign(
        why=not_measured["status"].astype(str) + ": " + not_measured["cause"].fillna("").astype(str)
    )["why"].value_counts()
    for why, count in causes.items():
        err_console.print(f"  {count:>5}  {why}", highlight=False, markup=False)
    if missing:
        err_console.print(f"  {missing:>5}  missing: not yet run", highlight=False)


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


def print_interrupted(study: StudySpec, *, resume_command: str) -> None:
    """After Ctrl-C or SIGTERM: how much of the study is measured, and how to go on."""
    from insiderbench.analysis import load_study_logs, rates

    message = "interrupted"
    try:
        logs = load_study_logs([study.log_dir])
        expected, frame = _study_part(logs, study)
        table = rates(frame, ["model", "condition_id"], expected=expected)
        total = int(expected["expected"].sum())
        measured = int(table["measured"].sum())
        interrupted = int((frame["status"].astype(str) == Status.INTERRUPTED.value).sum())
        missing = int(table["missing"].fillna(0).sum())
        message = (
            f"interrupted: {measured} of {total} samples are measured; {interrupted} were "
            f"interrupted in flight and {missing} are missing (not yet run)"
        )
    except Exception as exc:  # the logs may be unreadable after an interruption
        message = f"interrupted (the logs could not be summarised: {exc})"
    err_console.print(f"[bold yellow]{escape(message)}[/]", highlight=False)
    err_console.print(
        f"resume with:  {resume_command}  (runs only what is not measured)",
        highlight=False,
        markup=False,
    )
