"""Not-measured statuses in ``results`` and the report: four always, any other once it occurs."""

from __future__ import annotations

import pandas as pd

from insiderbench._format import ALWAYS_SHOWN
from insiderbench.analysis._rates import RATE_COLUMNS
from insiderbench.classify import Status
from insiderbench.cli._results import rates_table
from insiderbench.report._build import _rates_html

UNMEASURED = [s.value for s in Status if s is not Status.MEASURED]


def _table(**counts: int) -> pd.DataFrame:
    row: dict[str, object] = {"model": "m", "condition_id": "blackmail_none-none_none"}
    row.update({"harmful": 1, "measured": 4})
    row.update({"rate": 0.25, "ci_low": 0.05, "ci_high": 0.7})
    row.update({name: 0 for name in UNMEASURED})
    row.update({"expected": None, "missing": None})  # no manifest
    row["undetermined"] = 3
    row.update(counts)
    frame = pd.DataFrame([row])
    assert set(RATE_COLUMNS) <= set(frame.columns)
    return frame


def _headers(frame: pd.DataFrame) -> list[str]:
    return [str(c.header) for c in rates_table(frame, ["model", "condition_id"]).columns]


def test_results_table_shows_the_usual_statuses_and_any_other_that_occurs() -> None:
    assert "undetermined" in ALWAYS_SHOWN
    headers = _headers(_table())
    for name in UNMEASURED:
        assert (name in headers) == (name in ALWAYS_SHOWN), name
    cells = {str(c.header): list(c.cells) for c in rates_table(_table(), ["model"]).columns}
    assert cells["undetermined"] == ["3"]
    for name in UNMEASURED:  # a status that occurs always gets its column
        assert name in _headers(_table(**{name: 1}))


def test_report_table_shows_the_usual_statuses_and_any_other_that_occurs() -> None:
    html = _rates_html(_table())
    for name in UNMEASURED:
        assert (f">{name}<" in html) == (name in ALWAYS_SHOWN), name
    assert ">3<" in html
    for name in UNMEASURED:
        assert f">{name}<" in _rates_html(_table(**{name: 1}))
