"""Kappa checked against published worked examples, then per pack in results and the report."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from _synthlogs import Synth, write_log
from insiderbench.analysis import (
    cohen_kappa,
    fleiss_kappa,
    load_samples,
    panel_agreement,
    panel_kappa,
)
from insiderbench.cli import app

# Fleiss (1971), "Measuring nominal scale agreement among many raters", Psychological
# Bulletin 76(5): 30 patients, 6 psychiatrists each, 5 diagnoses (1 depression,
# 2 personality disorder, 3 schizophrenia, 4 neurosis, 5 other). Published kappa: .430.
FLEISS_1971 = [
    [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5],
    [2, 2, 2, 4, 4, 4], [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4],
    [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5], [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4],
    [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5], [3, 3, 3, 3, 3, 5],
    [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
    [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4],
    [1, 4, 4, 4, 4, 5], [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4],
    [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
]  # fmt: skip

# The worked example of the Wikipedia article "Fleiss' kappa": 10 subjects, 14 raters,
# 5 categories; kappa = 0.210.
WIKIPEDIA_FLEISS = [
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
]  # fmt: skip


def test_fleiss_1971_published_kappa() -> None:
    counts = [[row.count(c) for c in range(1, 6)] for row in FLEISS_1971]
    assert fleiss_kappa(counts) == pytest.approx(0.430, abs=0.0005)


def test_fleiss_wikipedia_example() -> None:
    assert fleiss_kappa(WIKIPEDIA_FLEISS) == pytest.approx(0.210, abs=0.0005)


def test_cohen_textbook_two_by_two() -> None:
    # Wikipedia "Cohen's kappa", worked example: 50 grant proposals read by A and B:
    # both yes 20, A yes B no 5, A no B yes 10, both no 15 -> po 0.70, pe 0.50, kappa 0.40.
    assert cohen_kappa([[20, 5], [10, 15]]) == pytest.approx(0.40, abs=1e-12)


def test_cohen_sas_three_categories() -> None:
    # SAS PROC FREQ agreement example (simple kappa 0.4842), as cited by statsmodels' tests.
    assert cohen_kappa([[0, 4, 1], [0, 8, 0], [0, 1, 5]]) == pytest.approx(0.4842, abs=5e-5)


def test_kappa_is_undefined_not_zero_when_everyone_says_the_same() -> None:
    assert math.isnan(cohen_kappa([[7, 0], [0, 0]]))
    assert math.isnan(fleiss_kappa([[3, 0], [3, 0]]))
    with pytest.raises(ValueError):
        fleiss_kappa([[3, 0], [2, 0]])


def test_panel_kappa_picks_the_method() -> None:
    votes = [[True, True]] * 20 + [[True, False]] * 5 + [[False, True]] * 10 + [[False, False]] * 15
    method, kappa, observed = panel_kappa(votes)
    assert (method, observed) == ("Cohen", 0.7)
    assert kappa == pytest.approx(0.40)
    method, _, _ = panel_kappa([[True, True, False], [False, False, False]])
    assert method == "Fleiss"


MAIN = "blackmail_explicit-america_replacement"
LEAK = "leaking_explicit-america_replacement"


def _panel_logs(tmp_path: Path) -> Path:
    """Blackmail: the 50 proposals of the 2x2 example, plus 3 where grader_2 failed.

    Leaking: two graders who always say no (kappa undefined).
    """
    tmp_path.mkdir(parents=True, exist_ok=True)
    votes = [(True, True)] * 20 + [(True, False)] * 5 + [(False, True)] * 10 + [(False, False)] * 15
    samples = [Synth(MAIN, epoch=i + 1, harmful=a, panel=[a, b]) for i, (a, b) in enumerate(votes)]
    samples += [Synth(MAIN, epoch=51 + i, harmful=True, panel=[True, None]) for i in range(3)]
    write_log(tmp_path / "a.eval", "synthetic/model-a", samples)
    leaks = [Synth(LEAK, epoch=i + 1, harmful=False, panel=[False, False]) for i in range(4)]
    write_log(tmp_path / "b.eval", "synthetic/model-a", leaks)
    return tmp_path


def test_panel_agreement_per_pack(tmp_path: Path) -> None:
    frame = load_samples([_panel_logs(tmp_path)])
    table = panel_agreement(frame).set_index("scenario")
    blackmail = table.loc["blackmail"]
    assert blackmail["kappa"] == pytest.approx(0.40)
    assert (blackmail["method"], blackmail["samples"], blackmail["excluded"]) == ("Cohen", 50, 3)
    assert (blackmail["all_yes"], blackmail["all_no"]) == (20, 15)
    assert math.isnan(table.loc["leaking"]["kappa"])


def test_no_panel_no_agreement(tmp_path: Path) -> None:
    write_log(tmp_path / "a.eval", "synthetic/model-a", [Synth(MAIN, harmful=True)])
    assert panel_agreement(load_samples([tmp_path])).empty
    result = CliRunner().invoke(app, ["results", str(tmp_path)])
    assert result.exit_code == 0 and "kappa" not in result.output


def test_results_show_agreement(tmp_path: Path) -> None:
    logs = str(_panel_logs(tmp_path))
    result = CliRunner().invoke(app, ["results", logs])
    assert result.exit_code == 0, result.output
    assert "judge panel agreement" in result.output and "0.40" in result.output
    as_json = CliRunner().invoke(app, ["results", logs, "--agreement", "--json"])
    rows = {r["scenario"]: r for r in json.loads(as_json.stdout)}
    assert rows["blackmail"]["kappa"] == pytest.approx(0.40)
    # the header binds only `grader` in these synthetic logs: grader_2 stays unnamed
    assert rows["blackmail"]["graders"] == "grader=replay/judge.jsonl, grader_2"
    assert rows["leaking"]["kappa"] is None  # undefined, never 0


def test_report_has_an_agreement_section(tmp_path: Path) -> None:
    from insiderbench.report import write_report

    index = write_report([_panel_logs(tmp_path / "logs")], tmp_path / "report")
    page = index.read_text()
    assert 'id="agreement-table"' in page and "0.40" in page
    summary = json.loads((tmp_path / "report" / "summary.json").read_text())
    assert summary["agreement"][0]["samples"] == 50
