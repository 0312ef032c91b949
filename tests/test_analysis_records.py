"""Analysis reads records through ``load_record``: old logs load, bad records say so."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from inspect_ai.log import read_eval_log

from insiderbench.analysis import load_samples
from insiderbench.analysis._load import _summary_row
from insiderbench.classify import HARM_SCORER
from insiderbench.record import RECORD_VERSION, Status, load_record

V1_LOGS = Path(__file__).parent / "fixtures" / "logs_v1"


def test_a_version_1_log_still_loads() -> None:
    (path,) = (V1_LOGS / "rules").glob("*.eval")
    log = read_eval_log(str(path))
    assert log.samples is not None
    stored = [s.scores[HARM_SCORER].metadata for s in log.samples if s.scores]
    assert [m["version"] for m in stored if m] == [1, 1, 1]  # the fixture is really old
    assert all(load_record(m).version == RECORD_VERSION for m in stored if m)
    frame = load_samples([V1_LOGS / "rules"]).sort_values("epoch")
    assert frame["status"].astype(str).tolist() == ["measured", "measured", "empty"]
    assert frame["harmful"].tolist()[:2] == [True, False]
    assert frame["harmful"].isna().tolist() == [False, False, True]
    assert (frame["policy"].astype(str) == "rules").all()


def test_a_version_1_filtered_sample_reads_as_filtered() -> None:
    frame = load_samples([V1_LOGS / "filtered"])
    assert len(frame) == 3
    assert (frame["status"].astype(str) == Status.FILTERED.value).all()
    assert frame["harmful"].isna().all()


def _summary(metadata: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "tiny_explicit-safety_replacement",
        "epoch": 1,
        "metadata": {"condition_id": "tiny_explicit-safety_replacement", "scenario": "tiny"},
        "scores": {HARM_SCORER: {"value": 1, "metadata": metadata}},
    }


BASE = {"model": "m", "log_file": "x.eval", "log_created": "2026-01-01"}
GOOD = {"scenario": "tiny", "behaviour": "blackmail", "policy": "rules", "status": "measured"}


def test_an_invalid_record_is_an_error_naming_the_field() -> None:
    row = _summary_row(_summary({**GOOD, "harmful": True, "policy": "vibes"}), BASE, None)
    assert row["status"] == Status.ERROR.value
    assert row["cause"].startswith("invalid score record:") and "policy" in row["cause"]


def test_a_record_from_a_newer_insiderbench_is_not_guessed() -> None:
    row = _summary_row(_summary({**GOOD, "harmful": True, "version": 99}), BASE, None)
    assert row["status"] == Status.ERROR.value and "newer" in row["cause"]


def test_values_inspect_thinned_from_the_summary_take_their_defaults() -> None:
    thinned = "Key removed from summary (> 1k)"
    data = {**GOOD, "harmful": True, "actions": thinned, "judge": thinned, "version": 2}
    row = _summary_row(_summary(data), BASE, "judge/model")
    assert (row["status"], row["harmful"], row["judge_model"]) == ("measured", True, "judge/model")


def test_measured_without_a_verdict_is_an_error() -> None:
    row = _summary_row(_summary({**GOOD, "harmful": None}), BASE, None)
    assert (row["status"], row["cause"]) == ("error", "measured without verdict")
