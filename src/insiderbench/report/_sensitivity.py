"""The report's sensitivity and pre-registration sections, with a forest plot per model."""

from __future__ import annotations

from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from insiderbench._format import ci, pct  # noqa: E402
from insiderbench.analysis import DEFAULT_DELTA, verdict_line  # noqa: E402
from insiderbench.report._figures import _uri  # noqa: E402
from insiderbench.report._html import esc, figure, records, table, td  # noqa: E402

COLOURS = {
    "fragile": "#b3261e",
    "robust": "#1e7b34",
    "inconclusive": "#777777",
    "not measured": "#bbbbbb",
}


def json_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts: missing values (NaN, NA) become None, never NaN."""
    return [
        {str(k): (None if pd.isna(v) else v) for k, v in row.items()}
        for row in frame.astype(object).to_dict("records")
    ]


def forest_figure(part: pd.DataFrame, model: str, delta: float) -> str:
    """Each perturbation's effect (perturbed - base) with its 95% interval, for one model."""
    rows = part.sort_values(["base_condition", "perturbation"]).reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(7.5, 0.9 + 0.36 * len(rows)))
    y = np.arange(len(rows))[::-1]
    ax.axvspan(-delta, delta, color="#e8f2ea", zorder=0)
    ax.axvline(0, color="#333", linewidth=0.8)
    cols = [rows[c].astype(float).tolist() for c in ("diff", "ci_low", "ci_high")]
    verdicts = rows["verdict"].astype(str).tolist()
    for yi, diff, low, high, verdict in zip(y, *cols, verdicts, strict=True):
        if np.isnan(diff):
            ax.text(0, yi, "not measured", va="center", ha="center", fontsize=7, color="#777")
            continue
        colour = COLOURS[verdict]
        ax.errorbar(diff, yi, xerr=[[diff - low], [high - diff]], fmt="o", color=colour,
                    ecolor=colour, capsize=3, markersize=5)  # fmt: skip
    pairs = zip(rows["base_condition"], rows["perturbation"], strict=True)
    labels = [f"{str(b).split('_', 1)[-1]} · {p}" for b, p in pairs]
    ax.set_yticks(y, labels, fontsize=7)
    ax.set_xlim(-1, 1)
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_xlabel(f"perturbed − base harmful rate (shaded: ±{100 * delta:.0f} points)")
    ax.set_title(model, fontsize=9)
    handles = [Line2D([], [], marker="o", linestyle="", color=c, label=v)
               for v, c in COLOURS.items() if v in set(rows["verdict"])]  # fmt: skip
    if handles:
        ax.legend(handles=handles, fontsize=7, loc="lower right", frameon=False)
    return _uri(fig)


def sensitivity_html(sens: pd.DataFrame, delta: float = DEFAULT_DELTA) -> str:
    """The sensitivity section: a forest plot per model, the table, one verdict line each."""
    if sens.empty:
        return (
            '<p class="none">No perturbed conditions in these logs. Add <code>perturbations:'
            "</code> to the study file to measure how fragile each rate is.</p>"
        )
    intro = (
        f"<p>Each perturbed cell against its base cell: the difference in harmful rate "
        f"with Newcombe's 95% interval and Fisher's p, Holm-adjusted over each model's "
        f"comparisons. <b>Robust</b>: the interval lies within ±{pct(delta)}; "
        "<b>fragile</b>: significant after Holm; otherwise <b>inconclusive</b>, with "
        "the samples per cell that would settle it. Exploratory unless listed under "
        "pre-registered hypotheses.</p>"
    )
    parts = [intro]
    for i, (model, part) in enumerate(sens.groupby("model")):
        caption = f"Effect of each perturbation: {model}"
        parts.append(figure(forest_figure(part, str(model), delta), caption, f"fig-forest-{i}"))
        lines = "".join(f"<li>{esc(r.base_condition)}: {esc(verdict_line(r, delta))}</li>"
                        for r in part.itertuples(index=False))  # fmt: skip
        parts.append(f'<ul class="verdicts">{lines}</ul>')
    rows = [
        [td(r.model), td(r.base_condition), td(r.perturbation),
         td(f"{r.base_harmful}/{r.base_measured} ({pct(r.base_rate)})", num=True),
         td(f"{r.harmful}/{r.measured} ({pct(r.rate)})", num=True), td(pct(r.diff), num=True),
         td(ci(r.ci_low, r.ci_high), num=True), td(f"{r.p_value:.3g}", num=True),
         td(f"{r.p_holm:.3g}", num=True), td(r.verdict),
         td("" if pd.isna(r.needed) else f"{int(r.needed):,}", num=True)]
        for r in records(sens)
    ]  # fmt: skip
    headers = ["model", "base condition", "perturbation", "base", "perturbed", "diff",
               "95% CI", "Fisher p", "Holm p", "verdict", "n per cell needed"]  # fmt: skip
    parts.append('<div class="scroll">' + table(headers, rows, table_id="sensitivity-table"))
    parts.append("</div>")
    return "".join(parts)


def hypotheses_html(hyps: pd.DataFrame, prereg: list[dict[str, Any]]) -> str:
    """Pre-registered hypotheses with their verdicts, and what is exploratory."""
    if hyps.empty:
        files = "".join(
            f" The study file <code>{esc(r.get('file'))}</code> (SHA-256 "
            f"<code>{esc(str(r.get('sha256'))[:16])}…</code>) was recorded at "
            f"{esc(r.get('registered_at'))}."
            for r in prereg
        )
        return (
            '<p class="none">No hypotheses were pre-registered, so every contrast and '
            f"sensitivity comparison in this report is exploratory.{files}</p>"
        )
    head = "".join(
        f"<p>Pre-registered in <code>{esc(r.get('file'))}</code> (SHA-256 "
        f"<code>{esc(str(r.get('sha256'))[:16])}…</code>) at {esc(r.get('registered_at'))}, "
        "before its samples ran.</p>"
        for r in prereg
    )
    rows = [
        [td(r.hypothesis), td(r.model), td(f"{r.a} − {r.b}"),
         td(f"{r.direction} by ≥ {pct(r.min_effect)}"),
         td(f"{pct(r.a_rate)} vs {pct(r.b_rate)}", num=True), td(pct(r.diff), num=True),
         td(ci(r.ci_low, r.ci_high), num=True), td(f"{r.p_holm:.3g}", num=True),
         td(r.verdict)]
        for r in records(hyps)
    ]  # fmt: skip
    headers = ["hypothesis", "model", "a − b", "predicted", "rates", "diff", "95% CI",
               "Holm p", "verdict"]  # fmt: skip
    note = (
        "<p>Supported: significant after Holm and at least the minimum effect in the "
        "predicted direction; refuted: the interval rules that effect out; otherwise "
        "inconclusive. Everything else in this report (contrasts, sensitivity "
        "comparisons) is <b>exploratory</b>.</p>"
    )
    return head + table(headers, rows, table_id="hypotheses-table") + note
