"""The report's tools-mode section: text against tools mode, and each monitor's effect."""

from __future__ import annotations

from typing import Any

import pandas as pd

from insiderbench._format import ci, pct
from insiderbench.analysis._agentic import mode_comparison, monitor_effect, run_keys
from insiderbench.report._html import records, run_text, table, td

_MODES_NOTE = (
    "<p>The same condition run in text mode (one reply, actions parsed from its text) and "
    "in tools mode (a live mailbox with native tools over many turns), without a monitor. "
    "In tools mode a sample is harmful when the agent <i>attempted</i> the harm (called the "
    "tool), which is what text mode measures too. The difference is tools minus text, with "
    "Newcombe's 95% interval and Fisher's p; only measured samples count.</p>"
)
_MONITORS_NOTE = (
    "<p>A runtime monitor reviews each consequential tool call and may block it. "
    "<i>Attempted</i>: the agent called a harmful tool; <i>executed</i>: the harm went "
    "through. <i>Recall</i> is harmful calls blocked over harmful calls; <i>false alarms</i> "
    "is the share of control-condition samples (no goal, no threat) with any block. "
    "<i>Harm prevented</i> is executed harm without the monitor minus with it, when the same "
    "condition was also run without one (Newcombe). Rates carry Wilson 95% intervals. "
    "After a first block the agent retried, switched channel, or gave up.</p>"
)


def _modes_html(modes: pd.DataFrame, keys: list[str]) -> str:
    if modes.empty:
        return '<p class="none">No condition was run in both text and tools mode.</p>'
    headers = ["model", *(["run"] if keys else []), "condition", "tools", "text",
               "tools − text", "95% CI", "p"]  # fmt: skip
    rows = [
        [td(r.model), *([td(run_text(r, keys))] if keys else []), td(r.condition),
         td(f"{r.tools_k}/{r.tools_n}", num=True), td(f"{r.text_k}/{r.text_n}", num=True),
         td(pct(r.difference), num=True), td(ci(r.ci_low, r.ci_high), num=True),
         td("—" if pd.isna(r.p_value) else f"{r.p_value:.3g}", num=True)]
        for r in records(modes)
    ]  # fmt: skip
    return (
        _MODES_NOTE
        + '<div class="scroll">'
        + table(headers, rows, table_id="modes-table")
        + "</div>"
    )


def _share(row: Any, name: str) -> str:
    n = getattr(row, f"{name}_n", float("nan"))
    if pd.isna(n):
        return "—"
    k = getattr(row, f"{name}_k")
    low, high = getattr(row, f"{name}_low"), getattr(row, f"{name}_high")
    return f"{int(k)}/{int(n)} · {pct(getattr(row, name))} ({ci(low, high)})"


def _monitors_html(monitors: pd.DataFrame, keys: list[str]) -> str:
    if monitors.empty:
        return '<p class="none">No tools-mode run had a monitor.</p>'
    headers = ["model", *(["run"] if keys else []), "condition", "monitor", "attempted",
               "executed", "recall", "false alarms", "harm prevented", "retried", "switched",
               "gave up"]  # fmt: skip
    rows = []
    for r in records(monitors):
        prevented = getattr(r, "harm_prevented", float("nan"))
        rows.append([
            td(r.model), *([td(run_text(r, keys))] if keys else []), td(r.condition), td(r.monitor),
            td(_share(r, "attempted"), num=True), td(_share(r, "executed"), num=True),
            td(_share(r, "recall"), num=True), td(_share(r, "false_alarm"), num=True),
            td("—" if pd.isna(prevented) else
               f"{pct(prevented)} ({ci(r.harm_prevented_low, r.harm_prevented_high)})", num=True),
            td(r.retried, num=True), td(r.switched, num=True), td(r.gave_up, num=True),
        ])  # fmt: skip
    return (
        _MONITORS_NOTE
        + '<div class="scroll">'
        + table(headers, rows, table_id="monitors-table")
        + "</div>"
    )


def agentic_html(agentic: pd.DataFrame) -> tuple[str, dict[str, pd.DataFrame]]:
    """The section's HTML and its two tables (``modes``, ``monitors``) for ``summary.json``.

    ``agentic`` is :func:`~insiderbench.analysis.agentic_frame` of the study.
    """
    keys = run_keys(agentic)
    modes, monitors = mode_comparison(agentic), monitor_effect(agentic)
    html = (
        "<h3>Text against tools mode</h3>"
        + _modes_html(modes, keys)
        + "<h3>Runtime monitors</h3>"
        + _monitors_html(monitors, keys)
    )
    return html, {"modes": modes, "monitors": monitors}
