"""Which transcripts a person labels: a seeded random draw, stratified by cell.

The cells are (model, condition). Each cell's samples are shuffled with the
seed, the cells are visited in a shuffled order, and one sample is taken from
each in turn until N are drawn: every cell is represented as evenly as N
allows. The draw depends only on the logs and the seed (never on the labels
file), so the same seed draws the same samples and a labeller can resume.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from insiderbench.classify._record import Status

log = logging.getLogger(__name__)

LABELLABLE = frozenset({Status.MEASURED.value, Status.UNDETERMINED.value, Status.UNPARSEABLE.value})
"""Statuses whose samples have a response to read. ``error`` samples qualify only when
the judge failed (the response exists); empty, filtered and interrupted ones never do."""


@dataclass(frozen=True)
class Drawn:
    """One sample drawn for labelling."""

    log_file: Path
    sample_id: str
    epoch: int
    model: str
    condition_id: str
    scenario: str


def labellable(frame: pd.DataFrame) -> pd.Series:
    """A mask of the samples of :func:`~insiderbench.analysis.load_samples` that have a response."""
    status = frame["status"].astype(str)
    judge_failed = (status == Status.ERROR.value) & frame["cause"].fillna("").astype(
        str
    ).str.startswith("judge")
    return status.isin(LABELLABLE) | judge_failed


def _cells(frame: pd.DataFrame) -> Iterator[list[Drawn]]:
    ordered = frame.sort_values(["model", "condition_id", "log_file", "sample_id", "epoch"])
    for _, cell in ordered.groupby(["model", "condition_id"], observed=True, sort=True):
        yield [
            Drawn(
                Path(str(r["log_file"])),
                str(r["sample_id"]),
                int(r["epoch"]),
                str(r["model"]),
                str(r["condition_id"]),
                str(r["scenario"]),
            )
            for r in cell.to_dict("records")
        ]


def draw_samples(frame: pd.DataFrame, n: int, seed: int) -> list[Drawn]:
    """Draw up to ``n`` samples with a response, stratified by cell (see the module docstring).

    Fewer than ``n`` come back only when the logs hold fewer labellable samples.
    """
    if n < 1:
        raise ValueError("draw at least one sample")
    eligible = frame[labellable(frame)]
    skipped = len(frame) - len(eligible)
    if skipped:
        log.info("%d samples have no response to label (empty, filtered, errors)", skipped)
    rng = random.Random(seed)
    cells = list(_cells(eligible))
    for cell in cells:
        rng.shuffle(cell)
    rng.shuffle(cells)
    drawn: list[Drawn] = []
    depth = 0
    while len(drawn) < n and any(depth < len(c) for c in cells):
        for cell in cells:
            if depth < len(cell) and len(drawn) < n:
                drawn.append(cell[depth])
        depth += 1
    return drawn
