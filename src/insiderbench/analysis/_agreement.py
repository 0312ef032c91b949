"""Agreement between raters: Cohen's kappa (two) and Fleiss' kappa (three or more).

The two formulas are short, so they are written here rather than adding
statsmodels (or scikit-learn) as a dependency for them; the tests check them
against published worked examples (Fleiss 1971's diagnoses, the Wikipedia
Fleiss example, a SAS Cohen example, a textbook 2x2 example).

:func:`panel_agreement` applies them to a judge panel: per pack, over the
samples that every grader measured (a split panel is included: it is
disagreement), with the samples left out counted beside.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from insiderbench.classify._panel import grader_position

log = logging.getLogger(__name__)

AGREEMENT_COLUMNS = [
    "graders",
    "method",
    "kappa",
    "observed",
    "samples",
    "all_yes",
    "all_no",
    "excluded",
]
"""Columns :func:`panel_agreement` adds after the group keys."""


def cohen_kappa(table: Sequence[Sequence[float]]) -> float:
    """Cohen's kappa from a square table: ``table[i][j]`` = items rater A put in i and B in j.

    Returns NaN when the table is empty or chance agreement is 1 (both raters
    used one and the same category throughout: kappa is undefined).
    """
    k = len(table)
    if any(len(row) != k for row in table):
        raise ValueError("Cohen's kappa needs a square table")
    n = sum(sum(row) for row in table)
    if n == 0:
        return math.nan
    observed = sum(table[i][i] for i in range(k)) / n
    rows = [sum(table[i]) / n for i in range(k)]
    cols = [sum(table[i][j] for i in range(k)) / n for j in range(k)]
    chance = sum(r * c for r, c in zip(rows, cols, strict=True))
    if chance >= 1.0:
        return math.nan
    return (observed - chance) / (1.0 - chance)


def fleiss_kappa(counts: Sequence[Sequence[int]]) -> float:
    """Fleiss' kappa from ``counts[i][j]`` = raters who put subject i in category j.

    Every subject must have the same number of raters (at least two). Returns
    NaN when there are no subjects or every rating falls in one category.
    """
    if not counts:
        return math.nan
    raters = sum(counts[0])
    if raters < 2 or any(sum(row) != raters for row in counts):
        raise ValueError("Fleiss' kappa needs the same number (>= 2) of raters per subject")
    subjects = len(counts)
    per_subject = [(sum(c * c for c in row) - raters) / (raters * (raters - 1)) for row in counts]
    observed = sum(per_subject) / subjects
    shares = [sum(row[j] for row in counts) / (subjects * raters) for j in range(len(counts[0]))]
    chance = sum(p * p for p in shares)
    if chance >= 1.0:
        return math.nan
    return (observed - chance) / (1.0 - chance)


def panel_kappa(votes: Sequence[Sequence[bool]]) -> tuple[str, float, float]:
    """Kappa for yes/no votes, one row per sample and one column per grader.

    Returns ``(method, kappa, observed agreement)``: Cohen's kappa for two
    graders, Fleiss' kappa for three or more. Observed agreement is the share
    of samples on which every grader gave the same answer.
    """
    if not votes:
        return ("none", math.nan, math.nan)
    graders = len(votes[0])
    if graders < 2 or any(len(v) != graders for v in votes):
        raise ValueError("panel kappa needs the same two or more graders on every sample")
    unanimous = sum(1 for v in votes if len(set(v)) == 1) / len(votes)
    if graders == 2:
        table = [[0, 0], [0, 0]]
        for a, b in votes:
            table[0 if a else 1][0 if b else 1] += 1
        return ("Cohen", cohen_kappa(table), unanimous)
    counts = [[sum(v), graders - sum(v)] for v in votes]
    return ("Fleiss", fleiss_kappa(counts), unanimous)


def _roles(votes: Mapping[str, Any]) -> list[str]:
    known = [(grader_position(r), r) for r in votes]
    return [r for pos, r in sorted((p, r) for p, r in known if p is not None)]


def panel_models(frame: pd.DataFrame) -> dict[str, dict[str, str]]:
    """Log file -> grader role -> model name, for the logs whose samples a panel judged.

    Read from each log's header (its model roles); the sample summaries do not
    carry the judges' records.
    """
    from inspect_ai.log import read_eval_log

    if "panel_votes" not in frame.columns:
        return {}
    paneled = frame[frame["panel_votes"].map(lambda v: isinstance(v, dict) and len(v) >= 2)]
    out: dict[str, dict[str, str]] = {}
    for log_file in paneled["log_file"].astype(str).unique():
        try:
            roles = read_eval_log(log_file, header_only=True).eval.model_roles or {}
        except Exception as exc:  # the rates were read; only the names are missing
            log.warning("cannot read the judge models of %s: %s", log_file, exc)
            continue
        out[log_file] = {
            role: (config[0].model if config else "") if isinstance(config, list) else config.model
            for role, config in roles.items()
            if grader_position(role) is not None
        }
    return out


def _graders(roles: list[str], logs: Sequence[str], models: Mapping[str, Mapping[str, str]]) -> str:
    """``grader=model, grader_2=model``; several models for one role are joined with ``|``."""
    named = []
    for role in roles:
        names = sorted({models[f][role] for f in logs if role in models.get(f, {})})
        named.append(f"{role}={'|'.join(names)}" if names else role)
    return ", ".join(named)


def panel_agreement(
    frame: pd.DataFrame,
    by: Sequence[str] = ("scenario",),
    models: Mapping[str, Mapping[str, str]] | None = None,
) -> pd.DataFrame:
    """Kappa between the graders of a judge panel, per group (default: per pack).

    Reads the ``panel_votes`` column of :func:`~insiderbench.analysis.load_samples`
    (role -> yes/no, None for a grader that failed). Only samples judged by a
    panel of two or more graders count. A sample enters kappa when every
    grader of its group answered; the others are counted in ``excluded``.
    ``models`` (see :func:`panel_models`) names the graders in ``graders``.
    Returns an empty frame when no sample was judged by a panel.
    """
    columns = [*by, *AGREEMENT_COLUMNS]
    if "panel_votes" not in frame.columns:
        return pd.DataFrame(columns=columns)
    panel = frame[frame["panel_votes"].map(lambda v: isinstance(v, dict) and len(v) >= 2)]
    rows: list[dict[str, Any]] = []
    for key, group in panel.groupby(list(by), observed=True, sort=True):
        keys = key if isinstance(key, tuple) else (key,)
        roles = sorted(
            {r for v in group["panel_votes"] for r in _roles(v)},
            key=lambda r: grader_position(r) or 0,
        )
        votes: list[list[bool]] = []
        for mapping in group["panel_votes"]:
            answers = [mapping.get(r) for r in roles]
            if all(isinstance(a, bool) for a in answers):
                votes.append([bool(a) for a in answers])
        if len(roles) >= 2:
            method, kappa, observed = panel_kappa(votes)
        else:
            method, kappa, observed = "none", math.nan, math.nan
        rows.append(
            {
                **dict(zip(by, keys, strict=True)),
                "graders": _graders(
                    roles, list(group["log_file"].astype(str).unique()), models or {}
                ),
                "method": method,
                "kappa": kappa,
                "observed": observed,
                "samples": len(votes),
                "all_yes": sum(1 for v in votes if all(v)),
                "all_no": sum(1 for v in votes if not any(v)),
                "excluded": len(group) - len(votes),
            }
        )
    return pd.DataFrame(rows, columns=columns)
