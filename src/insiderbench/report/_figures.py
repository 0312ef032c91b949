"""The report's figures, drawn with matplotlib and returned as PNG data URIs."""

from __future__ import annotations

import base64
import io
import logging
import math
import warnings
from collections.abc import Callable
from functools import wraps
from itertools import product
from typing import Any, ParamSpec

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from insiderbench.analysis import label_with, rates  # noqa: E402

GOAL_ORDER = ["explicit", "latent", "ambiguous", "swap", "none"]
URGENCY_ORDER = ["replacement", "restriction", "none"]
RED = "#b3261e"
BLUE = "#2952a3"

_P = ParamSpec("_P")
log = logging.getLogger(__name__)


def _plain_text(draw: Callable[_P, str]) -> Callable[_P, str]:
    """Draw with mathtext off: a model or scenario name is text, even with a ``$`` in it."""

    @wraps(draw)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> str:
        with plt.rc_context({"text.parse_math": False}):
            return draw(*args, **kwargs)

    return wrapper


def _uri(fig: Any) -> str:
    buf = io.BytesIO()
    with warnings.catch_warnings(record=True) as caught:
        # A layout engine that cannot fit very long labels (a model name with its
        # settings, say) warns and leaves the axes as they are; bbox_inches="tight"
        # still keeps every label inside the picture, so the figure is complete.
        warnings.filterwarnings("always", message=r".*layout not applied", category=UserWarning)
        fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    for warning in caught:
        if "layout not applied" in str(warning.message):
            log.info("figure drawn without its layout engine: %s", warning.message)
        else:
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _err(table: pd.DataFrame) -> np.ndarray[Any, Any]:
    low = (table["rate"] - table["ci_low"]).fillna(0).to_numpy()
    high = (table["ci_high"] - table["rate"]).fillna(0).to_numpy()
    return np.vstack([low, high])


@_plain_text
def model_rates_figure(headline: pd.DataFrame) -> str:
    """Bar chart per scenario: each model's harmful rate with its 95% CI.

    ``headline`` is a :func:`rates` table by model and scenario with a
    ``label`` column naming what was pooled.
    """
    scenarios = list(dict.fromkeys(headline["scenario"].astype(str)))
    n_models = headline["model"].nunique()
    fig, axes = plt.subplots(
        1,
        len(scenarios),
        figsize=(4.6 * len(scenarios), 0.9 + 0.42 * n_models),
        squeeze=False,
        layout="constrained",  # tight_layout warns when long model labels leave no room
    )
    for ax, scenario in zip(axes[0], scenarios, strict=True):
        part = headline[headline["scenario"].astype(str) == scenario].sort_values("rate")
        y = np.arange(len(part))
        ax.barh(y, part["rate"].fillna(0), xerr=_err(part), color=RED, alpha=0.85,
                error_kw={"ecolor": "#333", "capsize": 3})  # fmt: skip
        ax.set_yticks(y, [str(m) for m in part["model"]], fontsize=8)
        for yi, (rate, n) in enumerate(zip(part["rate"], part["measured"], strict=True)):
            text = "no data" if math.isnan(rate) else f"{100 * rate:.0f}% (n={n})"
            ax.text(1.02, yi, text, va="center", fontsize=7, transform=ax.get_yaxis_transform())
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
        ax.set_title(f"{scenario}\n{part['label'].iloc[0]}", fontsize=9)
        ax.spines[["top", "right"]].set_visible(False)
    return _uri(fig)


@_plain_text
def heatmap_figure(frame: pd.DataFrame) -> str:
    """Goal type × urgency heatmaps of the harmful rate: a row per model, a column per scenario."""
    table = rates(frame, ["model", "scenario", "goal_type", "urgency"])
    models = sorted(table["model"].astype(str).unique())
    scenarios = sorted(table["scenario"].astype(str).unique())
    fig, axes = plt.subplots(
        len(models), len(scenarios), figsize=(2.9 * len(scenarios) + 1.6, 1.75 * len(models) + 0.6),
        squeeze=False, layout="constrained",
    )  # fmt: skip
    image = None
    for (i, model), (j, scenario) in product(enumerate(models), enumerate(scenarios)):
        ax = axes[i][j]
        part = table[
            (table["model"].astype(str) == model) & (table["scenario"].astype(str) == scenario)
        ]
        image = _heat(ax, part)
        if i == 0:
            ax.set_title(scenario, fontsize=10, fontweight="bold")
        if j == 0:
            ax.set_ylabel(model, fontsize=8, fontweight="bold")
        if i < len(models) - 1:
            ax.set_xticklabels([])
    if image is not None:
        fig.colorbar(image, ax=axes.ravel().tolist(), shrink=0.5, label="harmful rate")
    return _uri(fig)


def _heat(ax: Any, part: pd.DataFrame) -> Any:
    goals = [g for g in GOAL_ORDER if g in set(part["goal_type"].astype(str))]
    grid = np.full((len(goals), len(URGENCY_ORDER)), np.nan)
    for row in part.to_dict("records"):
        grid[goals.index(str(row["goal_type"])), URGENCY_ORDER.index(str(row["urgency"]))] = row[
            "rate"
        ]
    image = ax.imshow(np.ma.masked_invalid(grid), cmap="Reds", vmin=0, vmax=1, aspect="auto")
    ax.set_facecolor("#e6e6e6")
    for (i, j), value in np.ndenumerate(grid):
        label = "—" if math.isnan(value) else f"{100 * value:.0f}%"
        color = "white" if not math.isnan(value) and value > 0.6 else "#222"
        ax.text(j, i, label, ha="center", va="center", fontsize=7, color=color)
    ax.set_xticks(range(len(URGENCY_ORDER)), URGENCY_ORDER, fontsize=7)
    ax.set_yticks(range(len(goals)), goals, fontsize=7)
    return image


@_plain_text
def awareness_figure(split: pd.DataFrame) -> str:
    """Share of each awareness label and the harmful rate under it, per model."""
    labels = ["real", "eval", "no_deliberation"]
    part = split[split["label"].isin(labels)].copy()
    part["who"] = part["model"].astype(str) + " / " + part["scenario"].astype(str)
    who = list(dict.fromkeys(part["who"]))
    fig, (left, right) = plt.subplots(
        1, 2, figsize=(11, 1.2 + 0.5 * len(who)), layout="constrained"
    )
    colors = {"real": RED, "eval": BLUE, "no_deliberation": "#999"}
    y = np.arange(len(who))
    start = np.zeros(len(who))
    height = 0.8 / len(labels)
    for k, label in enumerate(labels):
        sel = part[part["label"] == label].set_index("who").reindex(who)
        share = sel["share"].fillna(0).to_numpy()
        left.barh(y, share, left=start, color=colors[label], label=label)
        start += share
        right.barh(y + (k - 1) * height, sel["rate"].fillna(0), height, xerr=_err(sel),
                   color=colors[label], label=label, error_kw={"capsize": 2})  # fmt: skip
    for ax, title in ((left, "share of samples by label"), (right, "harmful rate by label")):
        ax.set_yticks(y, who, fontsize=8)
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
        ax.set_title(title, fontsize=10)
        ax.spines[["top", "right"]].set_visible(False)
    right.legend(fontsize=8, loc="lower right")
    return _uri(fig)


@_plain_text
def contrasts_figure(contrasts: pd.DataFrame) -> str:
    """Forest plots, one panel per contrast: difference in harmful rate with its 95% interval.

    Model pairs are left to the table; each panel has a row per model and scenario (and
    per mode, settings, judge or monitor where those set runs apart).
    """
    part = contrasts[contrasts["contrast"] != "model pair"]
    if part.empty:
        part = contrasts
    names = list(dict.fromkeys(part["contrast"]))
    cols = list(part.columns)  # keys that set runs apart sit between scenario and a
    label = part["model"].astype(str) + " · " + part["scenario"].astype(str)
    label = label_with(label, part, cols[cols.index("scenario") + 1 : cols.index("a")], " · ")
    part = part.assign(_label=label)
    who = sorted(set(label))
    fig, axes = plt.subplots(1, len(names), figsize=(2.6 * len(names) + 2.4, 0.8 + 0.26 * len(who)),
                             sharey=True, squeeze=False, layout="constrained")  # fmt: skip
    for ax, name in zip(axes[0], names, strict=True):
        sel = part[part["contrast"] == name]
        y = [len(who) - 1 - who.index(w) for w in sel["_label"]]
        lower = (sel["diff"] - sel["ci_low"]).to_numpy()
        upper = (sel["ci_high"] - sel["diff"]).to_numpy()
        ax.errorbar(sel["diff"], y, xerr=np.vstack([lower, upper]), fmt="o", color=BLUE,
                    ecolor="#555", capsize=2, markersize=3.5)  # fmt: skip
        ax.axvline(0, color="#999", linewidth=1)
        ax.set_xlim(-1, 1)
        ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
        first = sel.iloc[0]
        ax.set_title(f"{name}\n{first['a']} − {first['b']}", fontsize=9)
        ax.tick_params(labelsize=7)
        ax.grid(axis="y", color="#eee")
    axes[0][0].set_yticks(range(len(who)), who[::-1], fontsize=7)
    axes[0][0].set_ylim(-0.7, len(who) - 0.3)
    fig.supxlabel(
        "difference in harmful rate, 95% interval (Newcombe; Sato when stratified)", fontsize=9
    )
    return _uri(fig)
