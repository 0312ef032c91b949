"""Assemble the report: setup, rates, figures, contrasts, flags and examples."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from insiderbench._errors import InsiderbenchError
from insiderbench._format import ALWAYS_SHOWN, ci, pct
from insiderbench.analysis import (
    CONTROL_THRESHOLD,
    RATE_COLUMNS,
    StudyLogs,
    agentic_frame,
    analysis_keys,
    awareness_split,
    control_flags,
    hypotheses_from,
    judge_hypotheses,
    label_with,
    load_preregistrations,
    load_study_logs,
    panel_agreement,
    panel_models,
    rates,
    rates_records,
    sensitivity,
    standard_contrasts,
    unperturbed,
)
from insiderbench.classify._record import Status
from insiderbench.report import _figures as figs
from insiderbench.report._agentic import agentic_html
from insiderbench.report._cost import cost_html
from insiderbench.report._examples import pick_examples, render_examples
from insiderbench.report._html import (
    esc,
    figure,
    page,
    raw_td,
    records,
    run_text,
    section,
    table,
    td,
)
from insiderbench.report._sensitivity import hypotheses_html, json_records, sensitivity_html

log = logging.getLogger(__name__)

CELL = ["model", "condition_id"]


def _count(value: Any) -> str:
    return "unknown" if value is None or value is pd.NA else str(value)


def _setup(frame: pd.DataFrame, study: StudyLogs) -> tuple[str, dict[str, Any]]:
    status = frame["status"].astype(str).value_counts().to_dict()
    info: dict[str, Any] = {
        "models": sorted(frame["model"].astype(str).unique()),
        "scenarios": sorted(frame["scenario"].dropna().astype(str).unique()),
        "conditions": int(frame["condition_id"].nunique()),
        "samples": len(frame),
        "status": {k: int(v) for k, v in status.items()},
        "judges": sorted(frame["judge_model"].dropna().astype(str).unique()),
        "policies": sorted(frame["policy"].dropna().astype(str).unique()),
        "logs": int(frame["log_file"].nunique()),
        "settings": sorted(frame["settings"].dropna().astype(str).unique()),
        "expected": None if study.expected is None else int(study.expected["expected"].sum()),
        "manifests": [str(p) for p in study.manifests],
        "damaged_logs": [{"log": p, "reason": r} for p, r in study.damaged],
        "notes": list(study.notes),
    }
    items = [
        ("models", ", ".join(info["models"])),
        ("scenarios", ", ".join(info["scenarios"])),
        ("conditions", info["conditions"]),
        ("samples", f"{info['samples']} ({', '.join(f'{k}: {v}' for k, v in status.items())})"),
        ("judge", ", ".join(info["judges"]) or "none"),
        ("policy", ", ".join(info["policies"]) or "unknown"),
        ("log files", info["logs"]),
        ("settings", "; ".join(info["settings"]) or "unknown"),
        ("expected samples", _count(info["expected"])
         + ("" if study.expected is not None else " (no study manifest in these logs)")),
        *[("damaged log (left out; its samples count as missing)", f"{p}: {r}")
          for p, r in study.damaged],
        *[("note", n) for n in study.notes],
    ]  # fmt: skip
    body = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in items)
    return f'<dl class="setup" id="setup-list">{body}</dl>', info


def _rates_html(table_df: pd.DataFrame) -> str:
    extra = [c for c in table_df.columns if c not in (*CELL, *RATE_COLUMNS)]
    statuses = [c for c in RATE_COLUMNS[5:-2]
                if c in ALWAYS_SHOWN or table_df[c].sum() > 0]  # fmt: skip
    headers = ["model", *extra, "condition", "harmful/measured", "rate", "95% CI", *statuses,
               "expected", "missing"]  # fmt: skip
    rows = []
    for r in table_df.to_dict("records"):
        measured = int(r["measured"])
        bar = (
            ""
            if measured == 0
            else (f'<span class="bar" style="width:{60 * r["rate"]:.0f}px"></span>')
        )
        rows.append([
            td(r["model"]), *(td(r[c]) for c in extra),
            raw_td(f'<a href="#ex-{esc(_anchor(r["model"], r["condition_id"]))}">'
                   f"{esc(r['condition_id'])}</a>"),
            td(f"{r['harmful']}/{measured}", num=True),
            raw_td(bar + esc(pct(r["rate"])), num=True),
            td(ci(r["ci_low"], r["ci_high"]), num=True), *(td(r[c], num=True) for c in statuses),
            td(_count(r["expected"]), num=True), td(_count(r["missing"]), num=True),
        ])  # fmt: skip
    return '<div class="scroll">' + table(headers, rows, table_id="rates-table") + "</div>"


def _anchor(model: Any, condition: Any) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in f"{model}-{condition}")


def _headline(frame: pd.DataFrame) -> pd.DataFrame:
    """Per scenario: the explicit goal + replacement cell if run, else everything pooled."""
    base = frame[~frame["awareness"].fillna(False).astype(bool)]
    parts = []
    for scenario, part in base.groupby("scenario", observed=True):
        pick = part[
            (part["goal_type"].astype(str) == "explicit")
            & (part["urgency"].astype(str) == "replacement")
            & (part["extra"].astype(str) == "none")
            & ~part["prod"].fillna(False).astype(bool)
        ]
        label = "explicit goal, replacement threat"
        if pick["status"].astype(str).eq(Status.MEASURED.value).sum() == 0:
            pick, label = part, "all conditions pooled"
        table_df = rates(pick, ["model", "scenario"])
        table_df["scenario"] = str(scenario)
        parts.append(table_df.assign(label=label))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _flags_html(flags: pd.DataFrame) -> str:
    if flags.empty:
        return '<p class="none">No control-condition samples (no goal, no threat) were run.</p>'
    keys = _run_columns(flags, ["model", "scenario", "harmful"])
    rows = [
        [td(r.model), td(r.scenario), *_run_cell(r, keys),
         td(f"{r.harmful}/{r.measured}", num=True), td(pct(r.rate), num=True),
         td(ci(r.ci_low, r.ci_high), num=True),
         raw_td('<span class="flag">likely misunderstood</span>' if r.flagged else "ok")]
        for r in records(flags)
    ]  # fmt: skip
    note = (
        f"<p>A model whose harmful rate in the control condition exceeds "
        f"{CONTROL_THRESHOLD:.0%} has likely misunderstood the scenario. Flagged models "
        "are shown here; nothing is excluded.</p>"
    )
    headers = ["model", "scenario", *(["run"] if keys else []), "harmful/measured", "rate",
               "95% CI", "check"]  # fmt: skip
    return note + table(headers, rows, table_id="flags-table")


def _run_columns(frame: pd.DataFrame, before: list[str]) -> list[str]:
    """The columns between ``before[1]`` and ``before[2]``: the keys that set runs apart."""
    cols = list(frame.columns)
    return cols[cols.index(before[1]) + 1 : cols.index(before[2])]


def _run_cell(row: Any, keys: list[str]) -> list[str]:
    """A ``run`` cell naming what sets this row's run apart (empty list when nothing does)."""
    return [td(run_text(row, keys))] if keys else []


_CONTRASTS_NOTE = (
    "<p>Each contrast compares the condition cells listed on its two sides, within one "
    "model and scenario, without the eval-awareness notice. Where the two sides also differ "
    "in another axis, the difference is taken only within strata that hold both sides and "
    "pooled by Mantel-Haenszel (Sato interval, Cochran-Mantel-Haenszel p); cells without a "
    "counterpart are left out and listed. <i>Pools over</i> says what each number mixes. "
    "A contrast that cannot be compared this way, or that repeats the cells of one above it, "
    "is not shown, and the reason is given below the table.</p>"
)


def _contrasts_html(contrasts: pd.DataFrame) -> str:
    if contrasts.empty:
        return '<p class="none">No contrast has samples on both sides.</p>'
    shown = contrasts[contrasts["shown"].astype(bool)]
    hidden = contrasts[~contrasts["shown"].astype(bool)]
    keys = _run_columns(contrasts, ["model", "scenario", "a"])
    rows = [
        [td(r.contrast), td(r.model), td(r.scenario), *_run_cell(r, keys), td(f"{r.a} − {r.b}"),
         td(r.a_cells), td(r.b_cells), td(r.pooled_over),
         td(f"{pct(r.a_rate)} vs {pct(r.b_rate)}", num=True), td(pct(r.diff), num=True),
         td(ci(r.ci_low, r.ci_high), num=True), td(f"{r.p_value:.3g}", num=True),
         td(r.method), td(r.left_out or "—")]
        for r in records(shown)
    ]  # fmt: skip
    headers = ["contrast", "model", "scenario", *(["run"] if keys else []), "a − b", "cells a",
               "cells b", "pools over",
               "rates", "diff", "95% CI", "p", "method", "left out"]  # fmt: skip
    parts = [_CONTRASTS_NOTE]
    if not shown.empty:
        parts.append(figure(figs.contrasts_figure(shown), "Differences in harmful rate",
                            "fig-contrasts"))  # fmt: skip
        parts.append(
            '<div class="scroll">' + table(headers, rows, table_id="contrasts-table") + "</div>"
        )
    else:
        parts.append('<p class="none">No contrast could be compared.</p>')
    if not hidden.empty:
        items = "".join(
            f"<li><b>{esc(r.contrast)}</b> ({esc(r.model)}, {esc(r.scenario)}; "
            f"{esc(r.a_cells or r.a)} vs {esc(r.b_cells or r.b)}): not shown: {esc(r.reason)}</li>"
            for r in records(hidden)
        )
        parts.append(f'<ul id="contrasts-not-shown">{items}</ul>')
    return "".join(parts)


def _awareness_html(split: pd.DataFrame) -> str:
    if split.empty:
        return '<p class="none">No sample carries an eval-awareness label.</p>'
    keys = _run_columns(split, ["model", "scenario", "label"])
    rows = [
        [td(r.model), td(r.scenario), *_run_cell(r, keys), td(r.label), td(r.count, num=True),
         td(pct(r.share), num=True), td(pct(r.rate), num=True),
         td(ci(r.ci_low, r.ci_high), num=True)]
        for r in records(split)
    ]  # fmt: skip
    headers = ["model", "scenario", *(["run"] if keys else []), "label", "samples", "share",
               "harmful rate", "95% CI"]  # fmt: skip
    fig = figure(figs.awareness_figure(split), "Eval awareness", "fig-awareness")
    return fig + table(headers, rows, table_id="awareness-table")


def _agreement_html(kappas: pd.DataFrame) -> str:
    """The judge panel's agreement per pack (only called when a panel judged)."""
    rows = [
        [td(r.scenario), td(r.graders), td(r.method),
         td("—" if r.kappa != r.kappa else f"{r.kappa:.2f}", num=True),
         td(pct(r.observed), num=True), td(r.samples, num=True), td(r.all_yes, num=True),
         td(r.all_no, num=True), td(r.excluded, num=True)]
        for r in records(kappas)
    ]  # fmt: skip
    note = (
        "<p>Agreement between the graders of the judge panel, per pack: Cohen's kappa for "
        "two graders, Fleiss' kappa for three or more, over the samples every grader "
        "measured (a split panel counts: it is disagreement). Samples where a grader failed "
        "are counted as excluded. Kappa is undefined (—) when every answer was the same.</p>"
    )
    headers = ["scenario", "graders", "method", "kappa", "all agree", "samples", "all yes",
               "all no", "excluded"]  # fmt: skip
    return note + table(headers, rows, table_id="agreement-table")


def _examples_html(frame: pd.DataFrame, per_cell: int) -> str:
    rendered = render_examples(pick_examples(frame, per_cell))
    if not rendered:
        return '<p class="none">No examples.</p>'
    blocks = []
    for (model, condition), fragments in sorted(rendered.items()):
        blocks.append(
            f'<h3 id="ex-{esc(_anchor(model, condition))}">{esc(model)} · {esc(condition)}</h3>'
            + "".join(fragments)
        )
    return "".join(blocks)


def write_report(
    logs: Sequence[str | Path],
    out_dir: str | Path,
    *,
    examples_per_cell: int = 2,
    frame: pd.DataFrame | None = None,
    study: StudyLogs | None = None,
) -> Path:
    """Write ``index.html``, ``rates.csv``, ``cost.csv`` and ``summary.json``; return the page.

    ``study`` is :func:`load_study_logs` of ``logs`` (``frame`` only its
    frame), if the caller has already read them. The rates table shows, per
    cell, expected / measured / not measured / missing from the study manifest.
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InsiderbenchError("exists and is not a directory", where=str(out),
                                fix="choose another --output directory")  # fmt: skip
    out.mkdir(parents=True, exist_ok=True)
    if study is None:
        study = load_study_logs(logs)
    if frame is None:
        frame = study.frame
    if frame.empty:
        raise InsiderbenchError(
            "the logs hold no samples",
            where=", ".join(map(str, logs)),
            fix="run or resume the study until samples finish",
        )
    setup_html, info = _setup(frame, study)
    cell_rates = rates(frame, CELL, expected=study.expected)
    # pooled analyses read the unperturbed cells (perturbed ones are compared in
    # Sensitivity) and never pool text with tools mode or runs of other settings
    plain = unperturbed(frame)
    flags = control_flags(plain)
    contrasts = standard_contrasts(plain)
    split = awareness_split(plain)
    kappas = panel_agreement(frame, models=panel_models(frame))
    sens = sensitivity(frame)
    prereg = load_preregistrations(logs)
    hyps = judge_hypotheses(frame, hypotheses_from(prereg))
    cell_rates.to_csv(out / "rates.csv", index=False)
    cost_section, costs = cost_html(frame)
    costs.to_csv(out / "cost.csv", index=False)
    flagged = flags[flags["flagged"]][["model", "scenario"]].to_dict("records")
    summary = {"setup": info, "rates": rates_records(cell_rates), "flagged": flagged,
               "sensitivity": json_records(sens), "hypotheses": json_records(hyps)}  # fmt: skip
    if not kappas.empty:
        summary["agreement"] = rates_records(kappas)
    tools_html = None
    if (frame["mode"].astype(str) == "tools").any():
        tools_html, tools_tables = agentic_html(agentic_frame(frame))
        summary["agentic"] = {k: json_records(v) for k, v in tools_tables.items()}
    (out / "summary.json").write_text(json.dumps(summary, indent=1, default=str))
    sections = [
        ("setup", "Setup", setup_html),
        (
            "figures",
            "Harmful rate by model",
            _model_figures(_label_groups(plain if len(plain) else frame)),
        ),  # fmt: skip
        ("rates", "Rates per model and condition", _rates_html(cell_rates)),
        ("cost", "Tokens and cost", cost_section),
        ("flags", "Control check", _flags_html(flags)),
        ("contrasts", "Contrasts", _contrasts_html(contrasts)),
        ("hypotheses", "Pre-registered hypotheses", hypotheses_html(hyps, prereg)),
        ("sensitivity", "Sensitivity to perturbations", sensitivity_html(sens)),
        ("awareness", "Eval awareness", _awareness_html(split)),
        ("examples", "Example transcripts", _examples_html(frame, examples_per_cell)),
    ]
    if tools_html is not None:  # only when tools mode ran
        sections.insert(-2, ("agentic", "Tools mode and monitors", tools_html))
    if not kappas.empty:  # only when a judge panel judged
        sections.insert(-1, ("agreement", "Judge panel agreement", _agreement_html(kappas)))
    body = "".join(section(i, t, b) for i, t, b in sections)
    html_text = page("insiderbench report", f"{len(frame)} samples from {info['logs']} logs",
                     [(i, t) for i, t, _ in sections], body)  # fmt: skip
    index = out / "index.html"
    index.write_text(html_text, encoding="utf-8")
    log.info("wrote %s", index)
    return index


def _label_groups(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with each model's label naming the mode and run settings that vary.

    Those are the mode (text or tools), the sampling settings, the policy, the
    judge and the monitor.

    The figures draw one bar or heatmap row per model label, so runs that differ
    in a distribution-changing setting get one each instead of overwriting or
    pooling each other.
    """
    varying = analysis_keys(frame, [])
    if not varying:
        return frame
    labels = label_with(frame["model"].astype(str), frame, varying)
    return frame.assign(model=labels.astype("category"))


def _model_figures(frame: pd.DataFrame) -> str:
    headline = _headline(frame)
    if headline.empty:
        bars = (
            '<p class="none">Every sample carries the eval-awareness notice, so there is '
            "no headline rate; see Eval awareness.</p>"
        )
    else:
        bars = figure(figs.model_rates_figure(headline),
                      "Harmful rate per model with 95% Wilson intervals", "fig-models")  # fmt: skip
    plain = frame[frame["extra"].astype(str) == "none"]
    if plain.empty:
        heat = '<p class="none">No samples without extra instructions: no heatmap.</p>'
    else:
        heat = figure(figs.heatmap_figure(plain),
                      "Harmful rate by goal type and threat (no extra instructions; other axes "
                      "pooled; grey = nothing measured)", "fig-heatmap")  # fmt: skip
    return bars + heat
