"""``insiderbench agentic``: text against tools mode, and what a monitor changed."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from insiderbench._format import ci, pct
from insiderbench.cli._app import app, console, handle_errors


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return "—" if math.isnan(value) else f"{value:+.1%}"
    return str(value)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _table(title: str, rows: list[dict[str, Any]], columns: list[tuple[str, str]]) -> Table:
    table = Table(title=title)
    for _, header in columns:
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(*(_render(row, key) for key, _ in columns))
    return table


def _render(row: dict[str, Any], key: str) -> str:
    if key.endswith("%"):
        name = key[:-1]
        n_value = row.get(f"{name}_n")
        if _missing(n_value) or n_value == 0:
            return "—"
        k, n = int(row[f"{name}_k"]), int(row[f"{name}_n"])
        interval = ci(row[f"{name}_low"], row[f"{name}_high"], sep="–")
        return f"{k}/{n} {pct(row[name])} {interval}"
    if key == "difference":
        return f"{_cell(row['difference'])} {ci(row['ci_low'], row['ci_high'], sep='–')}"
    if key == "harm_prevented":
        if _missing(row.get("harm_prevented")):
            return "—"
        low, high = row["harm_prevented_low"], row["harm_prevented_high"]
        return f"{_cell(row['harm_prevented'])} {ci(low, high, sep='–')}"
    return _cell(row.get(key, ""))


@app.command()
@handle_errors
def agentic(
    paths: list[Path] = typer.Argument(..., help="Log files or directories."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON: modes and monitors."),
) -> None:
    """Compare text and tools mode, and show each monitor's effect (95% intervals)."""
    from insiderbench.analysis._agentic import (
        load_agentic,
        mode_comparison,
        monitor_effect,
        run_keys,
    )

    frame = load_agentic(paths)
    run = [(k, k) for k in run_keys(frame)]  # never pooled
    modes = [{str(k): v for k, v in r.items()} for r in mode_comparison(frame).to_dict("records")]
    monitors = [{str(k): v for k, v in r.items()} for r in monitor_effect(frame).to_dict("records")]
    if as_json:
        clean = [
            {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
            for r in modes + monitors
        ]
        typer.echo(
            json.dumps({"modes": clean[: len(modes)], "monitors": clean[len(modes) :]}, indent=1)
        )
        return
    console.print(
        _table(
            "tools minus text mode: harmful rate (Newcombe 95% CI), unmonitored runs",
            modes,
            [
                ("model", "model"),
                *run,
                ("condition", "condition"),
                ("tools_k", "tools k"),
                ("tools_n", "tools n"),
                ("text_k", "text k"),
                ("text_n", "text n"),
                ("difference", "difference"),
            ],
        )
    )
    console.print(
        _table(
            "monitors (Wilson 95% CI; harm prevented against the unmonitored run: Newcombe)",
            monitors,
            [
                ("model", "model"),
                *run,
                ("condition", "condition"),
                ("monitor", "monitor"),
                ("attempted%", "attempted"),
                ("executed%", "executed"),
                ("recall%", "recall"),
                ("false_alarm%", "false alarms"),
                ("harm_prevented", "harm prevented"),
                ("retried", "retried"),
                ("switched", "switched"),
                ("gave_up", "gave up"),
            ],
        )
    )
