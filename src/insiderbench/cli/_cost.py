"""Printing what a study costs: the dry-run estimate, the bill, and the two side by side."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from insiderbench.cli._app import console
from insiderbench.study import DryRun
from insiderbench.study._dryrun import VARIANTS

if TYPE_CHECKING:
    import pandas as pd

_VARIANT_TITLES = {
    "list": "list price",
    "cached": "with caching",
    "batch": "batch",
    "batch_cached": "batch + caching",
}


def dollars(value: Any) -> str:
    """A cost for display: ``$1,234.56``, or ``unknown`` (never ``$0`` for a missing price)."""
    if value is None or value != value or str(value) == "<NA>":
        return "unknown"
    return f"${float(value):,.2f}"


def print_dry_run(est: DryRun, as_json: bool = False) -> None:
    """Print the estimate as a table, or as JSON in the stable ``--json`` format."""
    if as_json:
        typer.echo(json.dumps(est.to_json(), indent=1))
        return
    table = Table(title=f"dry run: {est.conditions} conditions x {est.samples} samples")
    heads = ["model", "role", "calls", "input tok. (est.)", "of which cached", "output tok."]
    for col in [*heads, *(_VARIANT_TITLES[v] for v in VARIANTS)]:
        table.add_column(col, justify="left" if col == "model" else "right")
    for row in est.rows:
        table.add_row(
            row.model,
            row.role,
            f"{row.calls:,}",
            f"{row.input_tokens:,}",
            f"{row.cacheable_tokens:,}",
            f"{row.output_tokens:,}",
            *(dollars(row.costs.get(v)) for v in VARIANTS),
        )
    table.add_row("total", "", "", "", "", "", *(dollars(est.total(v)) for v in VARIANTS))
    console.print(table)
    console.print(
        f"this study runs at: {_VARIANT_TITLES[est.planned]}, {dollars(est.total(est.planned))}"
        + ("" if est.total(est.planned) is not None else " (a price is unknown)")
    )
    if est.batch_rounds:
        console.print(
            f"batch delay: {est.batch_rounds} round(s) per sample (response, then judge), "
            f"each at least {est.batch_round_seconds:.0f} s and at most 24 h "
            "(providers usually finish within an hour)"
        )
    console.print(f"[dim]{est.token_note}[/]")


def print_spend(est: DryRun, frame: pd.DataFrame) -> None:
    """Compare the dry-run estimate of a study with the usage its logs account for."""
    table = Table(title="estimated (dry run) against spent (logs)")
    heads = ("party", "input tok. est.", "input tok. spent", "output tok. est.", "output spent")
    for col in heads:
        table.add_column(col, justify="right" if col != "party" else "left")
    table.add_column("cost est.", justify="right")
    table.add_column("cost spent", justify="right")
    for row in est.rows:
        if row.role == "judge":
            part = frame
            cols = ("judge_input_tokens", "judge_cache_read_tokens", "judge_cache_write_tokens")
            out_col, cost_col = "judge_output_tokens", "judge_cost"
        else:
            part = frame[frame["model"] == row.model]
            cols = ("input_tokens", "cache_read_tokens", "cache_write_tokens")
            out_col, cost_col = "output_tokens", "cost"
        spent_in = int(sum(part[c].sum() for c in cols))
        spent_out = int(part[out_col].sum())
        cost = part[cost_col]
        table.add_row(
            f"{row.model} ({row.role})",
            f"{row.input_tokens:,}",
            f"{spent_in:,}",
            f"{row.output_tokens:,}",
            f"{spent_out:,}",
            dollars(row.costs.get(est.planned)),
            dollars(None if cost.isna().any() else cost.sum()),
        )
    console.print(table)


def cost_rich_table(table: pd.DataFrame, keys: list[str]) -> Table:
    """A :func:`~insiderbench.analysis.cost_table` as a rich table."""
    out = Table(title="tokens and cost (cached and batch rates applied; unknown price: unknown)")
    for key in keys:
        out.add_column(key, overflow="fold")
    cols = [
        ("samples", "samples"),
        ("input_tokens", "input"),
        ("cache_read_tokens", "cache read"),
        ("cache_write_tokens", "cache write"),
        ("output_tokens", "output"),
        ("reasoning_tokens", "reasoning"),
        ("judge_input_tokens", "judge in"),
        ("judge_output_tokens", "judge out"),
    ]
    for _, title in cols:
        out.add_column(title, justify="right")
    for title in ("model cost", "judge cost", "total"):
        out.add_column(title, justify="right")
    for r in table.to_dict("records"):
        out.add_row(
            *(str(r[k]) for k in keys),
            *(_count(r.get(c)) for c, _ in cols),
            dollars(r.get("cost")),
            dollars(r.get("judge_cost")),
            dollars(r.get("total_cost")),
        )
    return out


def _count(value: Any) -> str:
    if value is None or str(value) == "<NA>":
        return "—"
    return f"{int(value):,}"
