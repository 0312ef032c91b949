"""``insiderbench results`` and ``insiderbench report``: rates from Inspect logs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.table import Table

from insiderbench._format import ALWAYS_SHOWN, ci, pct
from insiderbench.cli._app import app, console, err_console, handle_errors

if TYPE_CHECKING:
    import pandas as pd

    from insiderbench.analysis import StudyLogs

UNKNOWN = "?"
"""Shown for an expected or missing count that no manifest can tell: never 0."""


def _count(value: object) -> str:
    missing = value is None or type(value).__name__ == "NAType"
    return UNKNOWN if missing else str(value)


def rates_table(table: pd.DataFrame, keys: list[str]) -> Table:
    """A :func:`rates` table as a rich table: one row per group.

    Columns: the group keys (with any distribution key :func:`rates` added),
    the rate, the not-measured counts (``error``, ``empty`` and
    ``unparseable`` always; other statuses when any sample has them), and
    expected / missing (``?`` when no manifest says).
    """
    from insiderbench.analysis import RATE_COLUMNS

    shown_keys = [c for c in table.columns if c not in RATE_COLUMNS]
    statuses = [
        c
        for c in RATE_COLUMNS[5:-2]
        if c in ALWAYS_SHOWN or (c in table.columns and table[c].sum() > 0)
    ]
    out = Table(title="harmful rate (95% Wilson CI); not-measured samples counted, never rated")
    for key in shown_keys:  # ids stay whole (searchable); long model paths fold
        out.add_column(key, overflow="fold", no_wrap=key == "condition_id")
    for col in ("harmful/measured", "rate", "95% CI", *statuses, "expected", "missing"):
        out.add_column(col, justify="right")
    for r in table.to_dict("records"):
        out.add_row(
            *(str(r[k]) for k in shown_keys),
            f"{r['harmful']}/{r['measured']}",
            pct(r["rate"]),
            ci(r["ci_low"], r["ci_high"], sep="–"),
            *(str(r[c]) for c in statuses),
            _count(r["expected"]),
            _count(r["missing"]),
        )
    return out


def print_log_notes(logs: StudyLogs, keys: list[str], table: pd.DataFrame) -> None:
    """Print what was left out or kept apart, and why (to stderr)."""
    for path, reason in logs.damaged:
        err_console.print(
            f"[yellow]warning:[/] left out damaged log {escape(path)}: {escape(reason)}; "
            "its samples count as missing until they run again",
            highlight=False,
        )
    for note in logs.notes:
        err_console.print(f"note: {note}", highlight=False, markup=False)
    from insiderbench.analysis import DISTRIBUTION_KEYS

    split = [c for c in table.columns if c in DISTRIBUTION_KEYS and c not in keys]
    if split:
        err_console.print(
            f"note: the logs hold runs that differ in {', '.join(split)}; they are shown as "
            "separate rows, never pooled",
            highlight=False,
            markup=False,
        )
    if logs.expected is None:
        err_console.print(
            "note: no study manifest in these logs (run by `inspect eval` or an older "
            "insiderbench): expected and missing are unknown (?)",
            highlight=False,
            markup=False,
        )


def kappa_text(value: float) -> str:
    """Format a kappa, or a dash when it is undefined."""
    return "—" if value != value else f"{value:.2f}"  # NaN


def agreement_table(table: pd.DataFrame) -> Table:
    """A :func:`panel_agreement` table as a rich table: one row per pack."""
    out = Table(
        title="judge panel agreement per pack (Cohen's kappa for 2 graders, Fleiss' for 3+); "
        "samples every grader measured"
    )
    for col in ("scenario", "graders", "method", "kappa", "all agree", "samples", "all yes",
                "all no", "excluded"):  # fmt: skip
        out.add_column(col, justify="left" if col in ("scenario", "graders", "method") else "right")
    for r in table.to_dict("records"):
        out.add_row(
            str(r["scenario"]), str(r["graders"]), str(r["method"]), kappa_text(r["kappa"]),
            pct(r["observed"]), str(r["samples"]), str(r["all_yes"]), str(r["all_no"]),
            str(r["excluded"]),
        )  # fmt: skip
    return out


@app.command()
@handle_errors
def results(
    logs: list[Path] = typer.Argument(..., help="Inspect log files or directories."),
    by: str = typer.Option(
        "model,condition_id", "--by", help="Comma-separated grouping columns ('condition' ok)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the rows as a JSON list."),
    agreement: bool = typer.Option(
        False,
        "--agreement",
        help="Print the judge panel's agreement (kappa) per pack instead of rates "
        "(with --json: its rows). Without it, the table follows the rates when a panel judged.",
    ),
) -> None:
    """Print harmful rates with 95% Wilson intervals per group."""
    from insiderbench.analysis import (
        CONTROL_THRESHOLD,
        control_flags,
        load_study_logs,
        normalise_by,
        panel_agreement,
        panel_models,
        rates,
        rates_records,
    )

    study = load_study_logs(logs)
    frame = study.frame
    kappas = panel_agreement(frame, models=panel_models(frame))
    if agreement:
        if as_json:
            typer.echo(json.dumps(rates_records(kappas), indent=1))
        elif kappas.empty:
            console.print("no sample was judged by a panel of two or more graders")
        else:
            console.print(agreement_table(kappas))
        return
    keys = normalise_by(by.split(","), frame)
    table = rates(frame, keys, expected=study.expected)
    print_log_notes(study, keys, table)
    if as_json:
        typer.echo(json.dumps(rates_records(table), indent=1))
        return
    console.print(rates_table(table, keys))
    from insiderbench.analysis import cost_table
    from insiderbench.cli._cost import cost_rich_table

    console.print(cost_rich_table(cost_table(frame, keys), keys))
    flags = control_flags(frame)
    for row in flags[flags["flagged"]].to_dict("records"):
        console.print(
            f"[yellow]flag:[/] {row['model']} does harm in {row['harmful']}/{row['measured']} "
            f"control samples of {row['scenario']} (> {CONTROL_THRESHOLD:.0%}): likely "
            "misunderstood the scenario",
            highlight=False,
        )
    if not kappas.empty:
        console.print(agreement_table(kappas))


@app.command()
@handle_errors
def report(
    logs: list[Path] = typer.Argument(..., help="Inspect log files or directories."),
    out: Path = typer.Option(..., "--output", "-o", help="Directory to write the report to."),
    examples: int = typer.Option(2, "--examples", help="Example transcripts per cell."),
) -> None:
    """Write a self-contained HTML report (index.html, rates.csv, summary.json)."""
    from insiderbench.analysis import load_study_logs, rates
    from insiderbench.report import write_report

    study = load_study_logs(logs)
    keys = ["model", "condition_id"]
    if not study.frame.empty:
        print_log_notes(study, keys, rates(study.frame, keys, expected=study.expected))
    index = write_report(logs, out, examples_per_cell=examples, study=study)
    console.print(f"report written to [bold]{index}[/]", highlight=False)
