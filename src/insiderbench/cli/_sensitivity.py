"""``insiderbench sensitivity``: how each rate moves under each perturbation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from insiderbench._format import ci, pct
from insiderbench.cli._app import app, console, handle_errors


def _json_ready(records: list[dict[Any, Any]]) -> list[dict[str, Any]]:
    out = []
    for r in records:
        out.append({str(k): (None if isinstance(v, float) and v != v else v) for k, v in r.items()})
    return out


@app.command()
@handle_errors
def sensitivity(
    logs: list[Path] = typer.Argument(..., help="Inspect log files or directories."),
    delta: float = typer.Option(
        0.10,
        "--delta",
        help="Effect size that matters: 'robust' means the 95% interval lies within ±delta.",
    ),
    alpha: float = typer.Option(0.05, "--alpha", help="Family-wise error rate (Holm)."),
    as_json: bool = typer.Option(False, "--json", help="Print rows and hypotheses as JSON."),
) -> None:
    """Compare every perturbed cell with its base cell, and judge pre-registered hypotheses.

    Per model and base condition: the rate under each perturbation next to the
    base rate, the difference with a Newcombe interval, Fisher's p and Holm's
    adjustment over the model's family, and a verdict: fragile, robust or
    inconclusive (with the samples per cell a conclusive answer would need).
    """
    from insiderbench.analysis import (
        hypotheses_from,
        judge_hypotheses,
        load_preregistrations,
        load_samples,
        verdict_line,
    )
    from insiderbench.analysis import sensitivity as run_sensitivity

    frame = load_samples(logs)
    table = run_sensitivity(frame, delta=delta, alpha=alpha)
    records = load_preregistrations(logs)
    hyps = judge_hypotheses(frame, hypotheses_from(records), alpha=alpha)
    if as_json:
        payload = {
            "delta": delta,
            "alpha": alpha,
            "comparisons": _json_ready(table.astype(object).to_dict("records")),
            "preregistration": [
                {k: r.get(k) for k in ("file", "sha256", "registered_at")} for r in records
            ],
            "hypotheses": _json_ready(hyps.astype(object).to_dict("records")),
        }
        typer.echo(json.dumps(payload, indent=1, default=str))
        return
    if table.empty:
        console.print("no perturbed condition in these logs: nothing to compare")
    else:
        console.print(_table(table))
        for model, part in table.groupby("model"):
            console.print(f"\n[bold]{model}[/]", highlight=False)
            for base, rows in part.groupby("base_condition"):
                console.print(f"  {base}", highlight=False)
                for row in rows.itertuples(index=False):
                    console.print(f"    {verdict_line(row, delta)}", highlight=False)
    _print_hypotheses(hyps, records)


def _table(table: Any) -> Table:
    import pandas as pd

    out = Table(title="perturbed - base: Newcombe 95% CI, Fisher p, Holm-adjusted per model")
    for col in ("model", "base condition", "perturbation"):
        out.add_column(col, overflow="fold")
    for col in ("base", "perturbed", "diff", "95% CI", "p", "Holm p", "verdict", "n needed"):
        out.add_column(col, justify="right")
    for r in table.itertuples(index=False):
        out.add_row(
            r.model, r.base_condition, r.perturbation,
            f"{r.base_harmful}/{r.base_measured} {pct(r.base_rate)}",
            f"{r.harmful}/{r.measured} {pct(r.rate)}",
            pct(r.diff), ci(r.ci_low, r.ci_high, sep="–"),
            f"{r.p_value:.3g}", f"{r.p_holm:.3g}", r.verdict,
            "" if pd.isna(r.needed) else f"{int(r.needed):,}",
        )  # fmt: skip
    return out


def _print_hypotheses(hyps: Any, records: list[dict[str, Any]]) -> None:
    if not records:
        console.print(
            "\nno pre-registered hypotheses in these logs: every comparison above is exploratory"
        )
        return
    for r in records:
        console.print(
            f"\npre-registered: {r.get('file')} sha256 {str(r.get('sha256'))[:12]}… "
            f"at {r.get('registered_at')}",
            highlight=False,
        )
    for r in hyps.itertuples(index=False):
        console.print(
            f"  {r.hypothesis} [{r.model}]: {r.verdict} ({r.a} − {r.b} = {pct(r.diff)}, "
            f"95% CI {ci(r.ci_low, r.ci_high)}, Holm p {r.p_holm:.3g}; predicted "
            f"{r.direction} by ≥ {pct(r.min_effect)})",
            highlight=False,
        )
    console.print("  every other comparison above is exploratory (not pre-registered)")
