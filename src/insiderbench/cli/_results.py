"""``insiderbench results`` and ``insiderbench report``: rates from Inspect logs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from insiderbench._format import ci, pct
from insiderbench.cli._app import app, console, handle_errors

if TYPE_CHECKING:
    import pandas as pd


def rates_table(table: pd.DataFrame, keys: list[str]) -> Table:
    """A :func:`rates` table as a rich table: one row per ``keys`` cell."""
    out = Table(title="harmful rate (95% Wilson CI); not-measured samples counted, never rated")
    for key in keys:
        out.add_column(key, overflow="fold")
    for col in ("harmful/measured", "rate", "95% CI", "error", "empty", "unparseable"):
        out.add_column(col, justify="right")
    for r in table.to_dict("records"):
        out.add_row(
            *(str(r[k]) for k in keys),
            f"{r['harmful']}/{r['measured']}",
            pct(r["rate"]),
            ci(r["ci_low"], r["ci_high"], sep="–"),
            str(r["error"]),
            str(r["empty"]),
            str(r["unparseable"]),
        )
    return out


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
        load_samples,
        normalise_by,
        panel_agreement,
        panel_models,
        rates,
        rates_records,
    )

    frame = load_samples(logs)
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
    table = rates(frame, keys)
    if as_json:
        typer.echo(json.dumps(rates_records(table), indent=1))
        return
    console.print(rates_table(table, keys))
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
    from insiderbench.report import write_report

    index = write_report(logs, out, examples_per_cell=examples)
    console.print(f"report written to [bold]{index}[/]", highlight=False)
