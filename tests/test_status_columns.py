"""Every not-measured status (undetermined too) has its column in ``results`` and the report."""

from __future__ import annotations

import pandas as pd

from insiderbench.analysis._rates import RATE_COLUMNS
from insiderbench.classify import Status
from insiderbench.cli._results import rates_table
from insiderbench.report._build import _rates_html

UNMEASURED = [s.value for s in Status if s is not Status.MEASURED]


def _table() -> pd.DataFrame:
    row = {"model": "m", "condition_id": "blackmail_none-none_none", "harmful": 1, "measured": 4}
    row.update({"rate": 0.25, "ci_low": 0.05, "ci_high": 0.7})
    row.update({name: 0 for name in UNMEASURED})
    row["undetermined"] = 3
    frame = pd.DataFrame([row])
    assert set(RATE_COLUMNS) <= set(frame.columns)
    return frame


def test_results_table_has_a_column_per_status() -> None:
    table = rates_table(_table(), ["model", "condition_id"])
    headers = [str(c.header) for c in table.columns]
    for name in UNMEASURED:
        assert name in headers
    cells = {str(c.header): list(c.cells) for c in table.columns}
    assert cells["undetermined"] == ["3"]


def test_report_table_has_a_column_per_status() -> None:
    html = _rates_html(_table())
    for name in UNMEASURED:
        assert f">{name}<" in html
    assert ">3<" in html
