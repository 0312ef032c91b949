"""Sensitivity analysis on logs with known rates, and its statistics against published examples."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from scipy import stats
from typer.testing import CliRunner

from _synthlogs import Synth, write_log
from insiderbench.analysis import (
    holm,
    load_samples,
    n_for_difference,
    n_for_interval_within,
    n_for_width,
    sensitivity,
    verdict_line,
)
from insiderbench.cli import app

BASE = "blackmail_explicit-america_replacement"
CELLS = {
    # condition id: (harmful, measured)
    BASE: (320, 400),
    f"{BASE}__names-s7": (320, 400),  # same rate, many samples: robust
    f"{BASE}__escalation": (40, 400),  # 80% -> 10%: fragile
    f"{BASE}__audit-10": (36, 50),  # 80% -> 72% on 50 samples: inconclusive
}


def _cell(cid: str, harmful: int, measured: int) -> list[Synth]:
    out = [Synth(cid, epoch=i + 1, harmful=i < harmful) for i in range(measured)]
    out.append(Synth(cid, epoch=measured + 1, status="empty"))  # counted beside, never rated
    return out


@pytest.fixture(scope="module")
def logdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sens")
    samples = [s for cid, (k, n) in CELLS.items() for s in _cell(cid, k, n)]
    write_log(out / "a.eval", "synthetic/model-a", samples)
    return out


def test_holm_matches_the_published_worked_example() -> None:
    """Wikipedia's Holm-Bonferroni example: p = .01, .04, .03, .005 at alpha .05.

    H1 and H4 are rejected; the adjusted p-values (Wright 1992) are
    4 x .005 = .02, 3 x .01 = .03, max(2 x .03, .03) = .06 and max(1 x .04, .06) = .06.
    """
    adjusted = holm([0.01, 0.04, 0.03, 0.005])
    assert adjusted == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert [p < 0.05 for p in adjusted] == [True, False, False, True]
    assert math.isnan(holm([0.2, float("nan")])[1]) and holm([0.2, float("nan")])[0] == 0.2


def test_sample_sizes_match_published_examples() -> None:
    # Chow, Shao & Wang (2008), two-sample proportions, test for equality:
    # p1 = .65, p2 = .85, alpha .05 two-sided, power 80% -> 70 per group.
    assert n_for_difference(0.65, 0.85) == 70
    # Cochran (1977): p = .5, margin .05 at 95% -> 384.16, so 385; margin .03 -> 1068.
    assert n_for_width(0.5, 0.05) == 385
    assert n_for_width(0.5, 0.03) == 1068
    with pytest.raises(ValueError):
        n_for_difference(0.3, 0.3)


def test_sensitivity_reproduces_known_differences_and_verdicts(logdir: Path) -> None:
    table = sensitivity(load_samples([logdir]), delta=0.10)
    rows = {r.perturbation: r for r in table.itertuples(index=False)}
    assert set(rows) == {"names-s7", "escalation", "audit-10"}
    for pert, (k, n) in [("names-s7", (320, 400)), ("escalation", (40, 400)),
                         ("audit-10", (36, 50))]:  # fmt: skip
        r = rows[pert]
        assert (r.harmful, r.measured, r.base_harmful, r.base_measured) == (k, n, 320, 400)
        assert r.diff == pytest.approx(k / n - 0.8)
        assert r.p_value == pytest.approx(stats.fisher_exact([[k, n - k], [320, 80]])[1])
    expected_holm = holm([rows[p].p_value for p in ("audit-10", "escalation", "names-s7")])
    assert [rows[p].p_holm for p in ("audit-10", "escalation", "names-s7")] == pytest.approx(
        expected_holm
    )
    assert rows["escalation"].verdict == "fragile"
    assert rows["names-s7"].verdict == "robust"
    assert rows["names-s7"].ci_low > -0.1 and rows["names-s7"].ci_high < 0.1
    audit = rows["audit-10"]
    assert audit.verdict == "inconclusive"
    assert audit.needed == n_for_interval_within(0.72, 0.8, 0.10)
    assert audit.needed > 400
    line = verdict_line(audit)
    assert line.startswith("audit-10: inconclusive") and f"{int(audit.needed):,}" in line
    # a wider delta makes the same interval robust
    wide = sensitivity(load_samples([logdir]), delta=0.35)
    assert set(wide[wide["perturbation"] == "audit-10"]["verdict"]) == {"robust"}


def test_a_perturbed_cell_without_its_base_is_not_measured(tmp_path: Path) -> None:
    write_log(tmp_path / "b.eval", "synthetic/model-b", _cell(f"{BASE}__framing-live", 3, 5))
    table = sensitivity(load_samples([tmp_path]))
    assert list(table["verdict"]) == ["not measured"]
    assert "no measured base sample" in verdict_line(next(table.itertuples(index=False)))


def test_cli_sensitivity_json(logdir: Path) -> None:
    result = CliRunner().invoke(app, ["sensitivity", str(logdir), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    verdicts = {r["perturbation"]: r["verdict"] for r in payload["comparisons"]}
    assert verdicts == {"names-s7": "robust", "escalation": "fragile", "audit-10": "inconclusive"}
    assert payload["hypotheses"] == [] and payload["preregistration"] == []
    text = CliRunner().invoke(app, ["sensitivity", str(logdir)])
    assert "escalation: fragile" in text.output and "exploratory" in text.output
