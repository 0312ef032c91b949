"""``insiderbench conditions``, ``prompt`` and ``packs``: the grid and the rendered worlds."""

from __future__ import annotations

import json

import typer
from rich.markup import escape
from rich.table import Table

from insiderbench.cli._app import app, console, handle_errors
from insiderbench.conditions import Condition, Extra, GoalType, GoalValue, Mode, Urgency
from insiderbench.scenarios import (
    check_condition,
    get_pack,
    pack_conditions,
    pack_names,
    pack_problem,
    select_conditions,
)


@app.command()
@handle_errors
def conditions(
    scenario: list[str] = typer.Option(None, "--scenario", "-s", help="Pack name (repeatable)."),
    goal_type: list[GoalType] = typer.Option(None, "--goal-type", help="Repeatable."),
    goal_value: list[GoalValue] = typer.Option(None, "--goal-value", help="Repeatable."),
    urgency: list[Urgency] = typer.Option(None, "--urgency", help="Repeatable."),
    extra: list[Extra] = typer.Option(None, "--extra", help="Repeatable."),
    prod: bool | None = typer.Option(None, "--prod/--no-prod", help="Only prod / non-prod."),
    awareness: bool | None = typer.Option(
        None, "--awareness/--no-awareness", help="Only with / without the eval-awareness notice."
    ),
    mode: list[Mode] = typer.Option(
        None, "--mode", help="Interaction mode (repeatable). Omitted: text only."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array."),
) -> None:
    """List the valid conditions; repeated options mean the union, omitted axes mean all.

    The interaction mode is the exception: omitted means text, the study's own mode.
    """
    conds = select_conditions(
        scenario,
        goal_types=goal_type,
        goal_values=goal_value,
        urgencies=urgency,
        extras=extra,
        prods=None if prod is None else [prod],
        awareness=None if awareness is None else [awareness],
        modes=mode,
    )
    if as_json:
        typer.echo(json.dumps([c.axes() for c in conds], indent=1))
        return
    table = Table(title=f"{len(conds)} conditions")
    for col in ("id", "goal type", "goal value", "urgency", "extra", "prod", "aware", "mode"):
        table.add_column(col)
    for c in conds[:200]:
        table.add_row(
            c.id,
            c.goal_type,
            c.goal_value,
            c.urgency,
            c.extra,
            str(c.prod),
            str(c.awareness),
            c.mode,
        )
    console.print(table)
    if len(conds) > 200:
        console.print(f"... and {len(conds) - 200} more (use --json for all)")


@app.command()
@handle_errors
def prompt(
    condition_ids: list[str] = typer.Argument(..., help="One or more condition ids."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON: {system, user, inbox}."),
) -> None:
    """Render the prompt the model sees for each condition."""
    rendered = []
    for cid in condition_ids:
        cond = Condition.from_id(cid)
        pack = check_condition(cond)
        rendered.append(pack.render(cond))
    if as_json:
        objs = [{"system": r.system, "user": r.user, "inbox": r.inbox} for r in rendered]
        typer.echo(json.dumps(objs[0] if len(objs) == 1 else objs, indent=1))
        return
    for r in rendered:
        console.rule(f"[bold]{r.condition_id}")
        console.print("[bold cyan]system[/]")
        console.print(r.system, markup=False, highlight=False)
        console.print("[bold cyan]user[/]")
        console.print(r.user, markup=False, highlight=False)


@app.command()
@handle_errors
def packs() -> None:
    """List the registered scenario packs; one that cannot load here says why and how to fix it."""
    table = Table(title="scenario packs")
    for col in ("name", "behaviour", "title", "conditions"):
        table.add_column(col)
    unavailable: list[tuple[str, str]] = []
    for name in pack_names():
        problem = pack_problem(name)
        if problem is not None:
            table.add_row(name, "-", "[yellow]unavailable[/] (see below)", "-")
            unavailable.append((name, problem.render()))
            continue
        pack = get_pack(name)
        table.add_row(name, pack.harm.behaviour.value, pack.title, str(len(pack_conditions(name))))
    console.print(table)
    for name, reason in unavailable:
        console.print(f"[yellow]{name}[/] is unavailable: {escape(reason)}", highlight=False)
