"""``insiderbench results --json`` on synthetic logs, against numbers computed here."""

from __future__ import annotations

import json
import math
import random
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from typer.testing import CliRunner

from _synthlogs import Synth, write_log
from insiderbench._format import DASH, ci, pct
from insiderbench.cli import app

Z = 1.959963984540054
CONDS = [
    "blackmail_explicit-america_replacement",
    "blackmail_none-none_replacement",
    "blackmail_none-none_none",
]
STATUSES = ["measured"] * 6 + ["crash", "empty", "unparseable"]


def _wilson(k: int, n: int) -> tuple[float, float]:
    # Closed form (Wilson 1927), written out here so the test does not reuse the code under test.
    p = k / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return centre - half, centre + half


def _build(tmp_path: Path) -> dict[tuple[str, str], Counter[str]]:
    rng = random.Random(7)
    expected: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for model in ("m/alpha", "m/beta"):
        samples = []
        for cid in CONDS:
            for epoch in range(1, 31):
                status = rng.choice(STATUSES) if cid != CONDS[2] else rng.choice(STATUSES[6:])
                harmful = rng.random() < 0.4
                samples.append(Synth(cid, epoch, status=status, harmful=harmful))
                key = "error" if status == "crash" else status
                expected[(model, cid)][key] += 1
                expected[(model, cid)]["harmful"] += int(status == "measured" and harmful)
        write_log(tmp_path / f"{model[2:]}.eval", model, samples)
    return expected


def test_results_json_matches_independent_counts(tmp_path: Path) -> None:
    expected = _build(tmp_path)
    result = CliRunner().invoke(
        app, ["results", str(tmp_path), "--by", "model,condition", "--json"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == len(expected) == 6
    for row in rows:
        # one count per not-measured status, listed here rather than derived from Status
        assert set(row) == {"model", "condition_id", "harmful", "measured", "rate", "ci_low",
                            "ci_high", "error", "empty", "unparseable", "filtered",
                            "undetermined", "interrupted", "expected", "missing"}  # fmt: skip
        assert row["expected"] is None and row["missing"] is None  # no manifest: unknown
        want = expected[(row["model"], row["condition_id"])]
        assert row["measured"] == want["measured"]
        assert row["harmful"] == want["harmful"]
        assert (row["error"], row["empty"], row["unparseable"]) == (
            want["error"], want["empty"], want["unparseable"],
        )  # fmt: skip
        if want["measured"] == 0:
            assert row["rate"] is None and row["ci_low"] is None and row["ci_high"] is None
        else:
            low, high = _wilson(want["harmful"], want["measured"])
            assert math.isclose(row["rate"], want["harmful"] / want["measured"])
            assert math.isclose(row["ci_low"], low, abs_tol=1e-9)
            assert math.isclose(row["ci_high"], high, abs_tol=1e-9)
    assert any(r["rate"] is None for r in rows)  # the control cell has nothing measured


def test_results_table_shows_dash_for_unmeasured(tmp_path: Path) -> None:
    _build(tmp_path)
    result = CliRunner().invoke(app, ["results", str(tmp_path), "--by", "condition"])
    assert result.exit_code == 0, result.output
    control_line = next(line for line in result.stdout.splitlines() if "none_none" in line)
    assert "—" in control_line and "0.0%" not in control_line


def test_results_bad_group_is_one_clear_error(tmp_path: Path) -> None:
    _build(tmp_path)
    result = CliRunner().invoke(app, ["results", str(tmp_path), "--by", "colour"])
    assert result.exit_code == 2
    assert "cannot group by colour" in result.output


def test_results_flags_control_misunderstanding(tmp_path: Path) -> None:
    samples = [Synth(CONDS[2], e, harmful=e <= 5) for e in range(1, 51)]
    write_log(tmp_path / "x.eval", "m/odd", samples)
    result = CliRunner().invoke(app, ["results", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "flag:" in result.stdout and "m/odd" in result.stdout


@pytest.mark.parametrize("missing", [None, float("nan")])
def test_a_missing_rate_is_a_dash_never_zero(missing: float | None) -> None:
    assert pct(missing) == DASH
    assert ci(missing, 0.5) == DASH
    assert pct(0.0) == "0.0%" and pct(0.123) == "12.3%" and pct(1) == "100.0%"
    assert ci(0.05, 0.25) == "5.0% – 25.0%" and ci(0.05, 0.25, sep="–") == "5.0%–25.0%"
