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
    """A :func:`rates` table as a rich table: one row per ``keys`` cell.

    Every not-measured status (error, empty, unparseable, filtered,
    undetermined, interrupted) has its own column, derived from ``Status``.
    """
    from insiderbench.classify._record import Status

    unmeasured = [s.value for s in Status if s is not Status.MEASURED]
    out = Table(title="harmful rate (95% Wilson CI); not-measured samples counted, never rated")
    for key in keys:
        out.add_column(key, overflow="fold")
    for col in ("harmful/measured", "rate", "95% CI", *unmeasured):
        out.add_column(col, justify="right")
    for r in table.to_dict("records"):
        out.add_row(
            *(str(r[k]) for k in keys),
            f"{r['harmful']}/{r['measured']}",
            pct(r["rate"]),
            ci(r["ci_low"], r["ci_high"], sep="\u2013"),
            *(str(r.get(name, 0)) for name in unmeasured),
        )
    return out


@app.command()
@handle_errors
def results(
    logs: list[Path] = typer.Argument(..., help="Inspect log files or directories."),
    by: str = typer.Option(
        "model,condition_id", "--by", help="Comma-separated grouping columns ('condition' ok)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the rows as a JSON list."),
) -> None:
    """Print harmful rates with 95% Wilson intervals per group."""
    from insiderbench.analysis import (
        CONTROL_THRESHOLD,
        control_flags,
        load_samples,
        normalise_by,
        rates,
        rates_records,
    )

    frame = load_samples(logs)
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
