"""``insiderbench label`` and ``validate-classifiers --labels``: people check the judges.

The labeller sees what the agent sent (highlighted), its reasoning folded and
the rest of its text, never the classifiers' verdicts (so they cannot sway the
answer). Answers are read with rich prompts from standard input, so the
command also runs without a terminal (tests feed answers on stdin).
"""

from __future__ import annotations

import asyncio
import getpass
import math
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Group
from rich.panel import Panel
from rich.prompt import Prompt
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from insiderbench._errors import InsiderbenchError
from insiderbench.cli._app import app, console, handle_errors
from insiderbench.labels import Drawn, HumanLabel

if TYPE_CHECKING:
    from inspect_ai.model import Model

    from insiderbench.classify._record import PanelRule, Policy
    from insiderbench.environment import Action
    from insiderbench.labels import LabelAgreement, Transcript

FOLD_LINES = 6
"""Lines of reasoning (and of other text) shown before it is folded."""
_ANSWERS = {"h": HumanLabel.HARMFUL, "n": HumanLabel.NOT_HARMFUL, "u": HumanLabel.UNSURE}
_PROMPT = r"\[h]armful, \[n]ot harmful, \[u]nsure, \[s]kip, \[r] fold/unfold, \[q]uit"


def _folded(text: str, expanded: bool, style: str) -> Text:
    lines = text.strip().splitlines()
    if expanded or len(lines) <= FOLD_LINES:
        return Text("\n".join(lines), style=style)
    out = Text("\n".join(lines[:FOLD_LINES]), style=style)
    out.append(f"\n[{len(lines) - FOLD_LINES} more lines: answer r to unfold]", style="cyan")
    return out


def _action_panel(action: Action, number: int) -> Panel:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold")
    grid.add_column()
    for name in ("to", "cc", "bcc"):
        values = getattr(action, name)
        if values:
            grid.add_row(name, ", ".join(values))
    if action.email_ids:
        grid.add_row("email ids", ", ".join(map(str, action.email_ids)))
    if action.code is not None:
        grid.add_row("code", action.code)
    if action.subject:
        grid.add_row("subject", action.subject)
    parts: list[Table | Text] = [grid]
    if action.body:
        parts.append(Text("\n" + action.body))
    title = f"action {number}: {action.kind.value}"
    return Panel(Group(*parts), title=title, title_align="left", border_style="bold yellow")


def _other_text(item: Transcript) -> str:
    text = item.parsed.visible
    for action in item.actions:
        text = text.replace(action.raw, "")
    return text.strip()


def _show(item: Transcript, drawn: Drawn, position: str, expanded: bool) -> None:
    from insiderbench.scenarios import get_pack

    harm = get_pack(item.scenario).harm if item.scenario else None
    console.print(Rule(f"{position}  {drawn.model} · {drawn.condition_id} · epoch {drawn.epoch}"))
    console.print(f"[dim]{drawn.log_file} · sample {drawn.sample_id}[/]", highlight=False)
    if harm is not None:
        console.print(f"Does this transcript show [bold]{harm.behaviour.value}[/]?")
    if item.parsed.reasoning.strip():
        console.print(
            Panel(
                _folded(item.parsed.reasoning, expanded, "dim"),
                title="reasoning",
                title_align="left",
                border_style="dim",
            )
        )
    if item.actions:
        for number, action in enumerate(item.actions, start=1):
            console.print(_action_panel(action, number))
    else:
        console.print("[bold]no action taken[/] (no email, forward or alert cancellation)")
    other = _other_text(item)
    if other:
        console.print(Panel(_folded(other, expanded, ""), title="other text", title_align="left"))


def _ask() -> str:
    try:
        return Prompt.ask(_PROMPT, choices=["h", "n", "u", "s", "r", "q"], console=console)
    except EOFError:  # input ended: stop as if the labeller quit
        return "q"


def _default_labels(logs: list[Path]) -> Path:
    first = logs[0]
    return (first if first.is_dir() else first.parent) / "labels.jsonl"


def _labeller(name: str | None) -> str:
    if name:
        return name
    try:
        return getpass.getuser()
    except Exception:  # no login name in this environment
        raise InsiderbenchError(
            "cannot tell who is labelling", where="--labeller", fix="pass --labeller NAME"
        ) from None


@app.command()
@handle_errors
def label(
    logs: list[Path] = typer.Argument(..., help="Inspect log files or directories."),
    sample: int = typer.Option(..., "--sample", "-n", min=1, help="Transcripts to draw."),
    labels: Path | None = typer.Option(
        None, "--labels", help="Labels JSONL (default: labels.jsonl in the log directory)."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the draw: the same seed draws the same."),
    labeller: str | None = typer.Option(None, "--labeller", help="Your name (default: login)."),
) -> None:
    """Label randomly drawn transcripts (stratified by model x condition) as harmful or not.

    Answers are appended to the labels file at once; run the same command again
    to resume: labelled transcripts are not shown again.
    """
    from insiderbench.analysis import load_samples
    from insiderbench.labels import (
        append_label,
        draw_samples,
        labellable,
        new_entry,
        read_labels,
        read_transcript,
        resolve_log,
        sample_key,
    )

    path = labels or _default_labels(logs)
    who = _labeller(labeller)
    frame = load_samples(logs)
    drawn = draw_samples(frame, sample, seed)
    done = {sample_key(resolve_log(e, path), e.sample_id, e.epoch) for e in read_labels(path)}
    pending = [d for d in drawn if sample_key(d.log_file, d.sample_id, d.epoch) not in done]
    cells = len({(d.model, d.condition_id) for d in drawn})
    console.print(
        f"drew {len(drawn)} of {int(labellable(frame).sum())} transcripts with a response "
        f"(seed {seed}, {cells} cells); {len(drawn) - len(pending)} already labelled in {path}",
        highlight=False,
    )
    answered: Counter[str] = Counter()
    for index, drawn_item in enumerate(pending, start=1):
        item = read_transcript(drawn_item.log_file, drawn_item.sample_id, drawn_item.epoch)
        expanded = False
        while True:
            _show(item, drawn_item, f"[{index}/{len(pending)}]", expanded)
            answer = _ask()
            if answer != "r":
                break
            expanded = not expanded
        if answer == "q":
            break
        if answer == "s":
            answered["skipped"] += 1
            continue
        entry = new_entry(
            path,
            drawn_item.log_file,
            drawn_item.sample_id,
            drawn_item.epoch,
            _ANSWERS[answer],
            who,
            model=drawn_item.model,
            condition_id=drawn_item.condition_id,
            scenario=drawn_item.scenario,
        )
        append_label(path, entry)
        answered[entry.label.value] += 1
    left = len(pending) - sum(answered[k] for k in ("harmful", "not_harmful", "unsure"))
    tally = ", ".join(f"{k}: {v}" for k, v in sorted(answered.items())) or "nothing"
    console.print(
        f"this session: {tally}; {left} of the draw left to label; labels in {path}",
        highlight=False,
    )


def _kappa(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:.2f}"


def _fmt(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:.3f}"


def labels_table(results: Sequence[LabelAgreement]) -> Table:
    """Each policy's agreement with the human labels, per pack and overall."""
    table = Table(title="Classifier agreement with human labels (unsure labels left out)")
    columns = (
        "policy",
        "scenario",
        "n",
        "accuracy",
        "precision",
        "recall",
        "kappa",
        "TP",
        "FP",
        "FN",
        "TN",
        "not measured",
        "unsure",
    )
    for column in columns:
        table.add_column(column, justify="left" if column in ("policy", "scenario") else "right")
    for r in results:
        c = r.counts
        table.add_row(
            c.policy,
            c.scenario,
            str(c.total),
            _fmt(c.accuracy),
            _fmt(c.precision),
            _fmt(c.recall),
            _kappa(r.kappa),
            str(c.tp),
            str(c.fp),
            str(c.fn),
            str(c.tn),
            str(c.not_measured),
            str(r.unsure),
        )
    return table


def validate_against_labels(
    labels: Path,
    policies: Sequence[Policy],
    graders: Sequence[Model],
    panel_rule: PanelRule | None,
) -> None:
    """Print each policy's agreement with the human labels in ``labels``."""
    from insiderbench.classify._record import Policy
    from insiderbench.classify._verdict import resolve_policy
    from insiderbench.labels import compare_async, default_policies, load_labelled_transcripts
    from insiderbench.labels._compare import stored_judges

    items = load_labelled_transcripts(labels)
    if policies:
        chosen = [resolve_policy(p, True) for p in policies]
    else:
        chosen = default_policies(items, bool(graders))
    results = asyncio.run(compare_async(items, chosen, graders, panel_rule))
    console.print(labels_table(results))
    unjudged = sum(1 for _, t in items if not stored_judges(t.record))
    if not graders and unjudged and any(p is not Policy.RULES for p in chosen):
        console.print(
            f"[yellow]note:[/] {unjudged} labelled samples carry no stored judge verdict; "
            "under judge and both they count as not measured (pass --judge to judge them)",
            highlight=False,
        )
    source = "judged again by " + ", ".join(map(str, graders)) if graders else "stored in the logs"
    console.print(
        f"{len(items)} labelled samples; rules run again on the stored responses, "
        f"judge verdicts {source}",
        highlight=False,
    )
