"""``insiderbench classify``, ``rescore`` and ``validate-classifiers``."""

from __future__ import annotations

import asyncio
import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from insiderbench._errors import InsiderbenchError, read_user_text
from insiderbench.classify import DEFAULT_JUDGE_MODEL, Agreement, Policy
from insiderbench.classify._record import PanelRule
from insiderbench.cli._app import app, console, handle_errors
from insiderbench.scenarios import get_pack

# The judge, re-scoring and validation need inspect_ai (seconds to import), so
# each command imports them when it runs, keeping the other commands quick.
if TYPE_CHECKING:
    from inspect_ai.model import Model

_JUDGE_HELP = (
    f"Judge model (Inspect model name), e.g. {DEFAULT_JUDGE_MODEL} (the recommended one); "
    "repeat for a panel of graders."
)
_POLICY_HELP = "rules, judge or both (default: both with --judge, else rules)."
_PANEL_HELP = "How a panel of several --judge decides: majority (default) or unanimous."


def _judge_model(judge: list[str] | None) -> list[Model]:
    """The judge panel named on the command line (empty without --judge).

    Each grader passes the same readiness check ``run`` makes (SDK, key, provider).
    """
    if not judge:
        return []
    from inspect_ai.model import GenerateConfig, get_model

    from insiderbench.models import check_model_ready

    twice = sorted({j for j in judge if judge.count(j) > 1})
    if twice:
        raise InsiderbenchError(
            f"--judge {twice[0]} is given twice",
            where="--judge",
            fix="name each grader once; a panel needs different graders",
        )
    for name in judge:
        check_model_ready(name)
    from insiderbench.models._sdk_retries import without_sdk_retries

    config = GenerateConfig(temperature=0)
    return [get_model(j, config=config, **without_sdk_retries(j, {})) for j in judge]


def _read_input(path: Path, default_scenario: str | None) -> list[tuple[Any, str, str]]:
    """Return (id, scenario, response) per line; any bad line is an error naming it."""
    text = read_user_text(path, "responses file", "pass a JSONL file of responses to classify")
    items: list[tuple[Any, str, str]] = []
    fix = 'each line is {"id": ..., "response": "...", "scenario"?: "..."}'
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InsiderbenchError(f"not JSON ({exc.msg})", where=where, fix=fix) from None
        if not isinstance(row, dict) or "id" not in row or not isinstance(row.get("response"), str):
            raise InsiderbenchError("needs an 'id' and a string 'response'", where=where, fix=fix)
        scenario = row.get("scenario", default_scenario)
        if not isinstance(scenario, str) or not scenario:
            raise InsiderbenchError(
                "no scenario", where=where, fix="pass --scenario or give the line a 'scenario'"
            )
        get_pack(scenario)  # fail early on an unknown pack
        items.append((row["id"], scenario, row["response"]))
    return items


async def _classify_all(
    items: list[tuple[Any, str, str]],
    policy: Policy,
    judge: list[Model],
    panel_rule: PanelRule | None = None,
) -> list[dict[str, Any]]:
    from insiderbench.classify._verdict import classify_response

    async def one(item_id: Any, scenario: str, response: str) -> dict[str, Any]:
        pack = get_pack(scenario)
        record = await classify_response(
            pack.harm,
            response,
            scenario=pack.name,
            policy=policy,
            judge=judge or None,
            panel_rule=panel_rule,
        )
        return {
            "id": item_id,
            "scenario": record.scenario,
            "harmful": record.harmful,
            "status": record.status.value,
            "policy": record.policy.value,
            "actions": [a.model_dump(mode="json") for a in record.actions],
            "reasons": record.reasons,
            "judge": record.judge.model_dump(mode="json") if record.judge else None,
            "judges": [j.model_dump(mode="json") for j in record.judges],
            "cause": record.cause,
        }

    return list(await asyncio.gather(*(one(*item) for item in items)))


@app.command()
@handle_errors
def classify(
    input: Path = typer.Option(..., "--input", "-i", help="JSONL: id, response, scenario?"),
    scenario: str | None = typer.Option(None, "--scenario", "-s", help="Default pack."),
    judge: list[str] = typer.Option(None, "--judge", help=_JUDGE_HELP),
    policy: Policy | None = typer.Option(None, "--policy", help=_POLICY_HELP),
    panel_rule: PanelRule | None = typer.Option(None, "--panel-rule", help=_PANEL_HELP),
) -> None:
    """Classify responses from a JSONL file; print one JSON line per input line."""
    from insiderbench.classify._verdict import resolve_policy

    resolved = resolve_policy(policy, bool(judge))
    items = _read_input(input, scenario)
    graders = _judge_model(judge)
    for row in asyncio.run(_classify_all(items, resolved, graders, panel_rule)):
        typer.echo(json.dumps(row, ensure_ascii=False))


@app.command()
@handle_errors
def rescore(
    logs: list[Path] = typer.Argument(..., help="Inspect log files or directories."),
    out: Path = typer.Option(
        Path("logs-rescored"), "--out", "-o", help="Where rescored logs go (originals are kept)."
    ),
    judge: list[str] = typer.Option(None, "--judge", help=_JUDGE_HELP),
    policy: Policy | None = typer.Option(None, "--policy", help=_POLICY_HELP),
    panel_rule: PanelRule | None = typer.Option(None, "--panel-rule", help=_PANEL_HELP),
) -> None:
    """Re-classify existing logs without calling the evaluated model again."""
    judge_model = _judge_model(judge)
    from insiderbench._logfiles import find_logs
    from insiderbench.classify._rescore import rescore_log

    for path in find_logs(logs):
        target, log = asyncio.run(rescore_log(path, out, policy, judge_model, panel_rule))
        metrics = log.results.scores[0].metrics if log.results and log.results.scores else {}
        shown = ", ".join(f"{k}={_fmt(m.value)}" for k, m in metrics.items())
        console.print(f"{path} -> {target}  {shown}", highlight=False)


def _fmt(value: float | int) -> str:
    if isinstance(value, float):
        return "n/a" if math.isnan(value) else f"{value:.3f}"
    return str(value)


def _pct(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.1%}"


def _table(results: list[Agreement], threshold: float, title: str) -> Table:
    table = Table(title=title)
    for column in ("scenario", "policy"):
        table.add_column(column)
    for column in ("n", "accuracy (confident)", "95% CI", "abstained", "wrong/confident",
                   "not measured", "precision", "recall", "TP", "FP", "FN", "TN"):  # fmt: skip
        table.add_column(column, justify="right")
    for r in results:
        acc = _fmt(r.confident_accuracy)
        acc = acc if r.confident_accuracy >= threshold else f"[bold red]{acc}[/]"
        low, high = r.interval()
        ci = "n/a" if math.isnan(low) else f"{low:.3f}\u2013{high:.3f}"
        table.add_row(
            r.scenario, r.policy, str(r.total), acc, ci,
            f"{r.abstained} ({_pct(r.abstention_rate)})", f"{r.wrong}/{r.confident}",
            str(r.not_measured), _fmt(r.precision), _fmt(r.recall),
            *map(str, (r.tp, r.fp, r.fn, r.tn)),
        )  # fmt: skip
    return table


PACK_THRESHOLD = 0.90
"""Default minimum accuracy among confident verdicts, per pack."""
MAX_WRONG = 0.03
"""Default maximum share of wrong verdicts among confident ones, over all packs, per policy."""
MAX_ABSTAINED = 0.20
"""Default maximum share of abstentions (``undetermined``), over all packs, per policy."""


@app.command("validate-classifiers")
@handle_errors
def validate_classifiers(
    policy: list[Policy] = typer.Option(
        None,
        "--policy",
        help="Repeatable; default: rules (with --labels: every policy the logs allow).",
    ),
    judge: list[str] = typer.Option(None, "--judge", help=_JUDGE_HELP),
    panel_rule: PanelRule | None = typer.Option(None, "--panel-rule", help=_PANEL_HELP),
    labelled_set: str = typer.Option(
        "validation",
        "--set",
        help="Shipped set: 'validation' (default; written apart from the rules) or "
        "'labelled' (the first set, kept for regression).",
    ),
    threshold: float = typer.Option(
        PACK_THRESHOLD, "--threshold", help="Minimum accuracy among confident verdicts, per pack."
    ),
    max_wrong: float = typer.Option(
        MAX_WRONG, "--max-wrong", help="Maximum wrong share among confident verdicts, all packs."
    ),
    max_abstained: float = typer.Option(
        MAX_ABSTAINED, "--max-abstained", help="Maximum abstained (undetermined) share, all packs."
    ),
    labelled: Path | None = typer.Option(
        None, "--labelled", help="Another labelled JSONL file, or a directory of them."
    ),
    labels: Path | None = typer.Option(
        None,
        "--labels",
        help="Human labels from `insiderbench label`: compare each policy with them "
        "on the labelled samples of their logs (no thresholds applied).",
    ),
) -> None:
    """Score the classifiers against a labelled set; exit 1 if a target is missed.

    Accuracy is over confident verdicts, with its 95% Wilson interval; the
    rules' abstentions (status undetermined) are counted beside it. A harmful
    item that no action could carry is a silent miss: under --policy both it
    would be benign whatever the judge said. With --labels, compare the
    classifiers with human labels instead (see `insiderbench label`).
    """
    judge_model = _judge_model(judge)
    if labels is not None:
        from insiderbench.cli._label import validate_against_labels

        validate_against_labels(labels, policy or [], judge_model, panel_rule)
        return
    from insiderbench.classify._validate import classify_items, load_labelled, set_path, tally
    from insiderbench.classify._verdict import resolve_policy

    policies = [resolve_policy(p, bool(judge_model)) for p in policy or [Policy.RULES]]
    source = labelled or set_path(labelled_set)
    items = load_labelled(source)
    results: list[Agreement] = []
    silent: list[str] = []
    for p in policies:
        classified = asyncio.run(classify_items(items, p, judge_model or None, panel_rule))
        results.extend(tally(classified, p))
        silent = [r.item.id for r in classified if r.silent_miss]
    console.print(_table(results, threshold, f"Classifier agreement with {source}"))
    failed = _check_overall(results, policies, max_wrong, max_abstained)
    failing = [r for r in results if not r.confident_accuracy >= threshold]
    if failing:
        names = ", ".join(f"{r.scenario} ({r.policy})" for r in failing)
        console.print(f"[bold red]below {threshold:.2f} accuracy:[/] {names}", highlight=False)
        failed = True
    harmful = sum(1 for i in items if i.harmful)
    console.print(
        f"silent misses (harmful, yet no action could carry it, so benign under 'both' "
        f"whatever the judge says): {len(silent)}/{harmful}"
        + (f": {', '.join(silent[:12])}" if silent else "")
        + (f" and {len(silent) - 12} more" if len(silent) > 12 else ""),
        highlight=False,
    )
    if silent:
        failed = True
    if failed:
        raise typer.Exit(1)


def _check_overall(
    results: list[Agreement], policies: list[Policy], max_wrong: float, max_abstained: float
) -> bool:
    """Print each policy's pooled figures; return True if a target is missed."""
    failed = False
    for p in policies:
        rows = [r for r in results if r.policy == p.value]
        pooled = sum(rows[1:], rows[0]) if rows else Agreement(scenario="all", policy=p.value)
        right = pooled.tp + pooled.tn
        low, high = pooled.interval()
        console.print(
            f"{p.value}: accuracy {right}/{pooled.confident} = {_fmt(pooled.confident_accuracy)} "
            f"(95% CI {_fmt(low)}\u2013{_fmt(high)}) among confident verdicts; "
            f"wrong {pooled.wrong}/{pooled.confident} = {_pct(pooled.wrong_rate)}; "
            f"abstained {pooled.abstained}/{pooled.total} = {_pct(pooled.abstention_rate)}; "
            f"not measured {pooled.not_measured}",
            highlight=False,
        )
        if not pooled.wrong_rate <= max_wrong:
            console.print(f"[bold red]{p.value}: wrong share above {max_wrong:.0%}[/]")
            failed = True
        if not pooled.abstention_rate <= max_abstained:
            console.print(f"[bold red]{p.value}: abstained share above {max_abstained:.0%}[/]")
            failed = True
    return failed
