"""Agreement figures: confident accuracy with its Wilson interval, abstention beside it."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from insiderbench._errors import InsiderbenchError
from insiderbench.classify import Agreement, agreement
from insiderbench.classify._validate import load_labelled, set_path


def test_abstentions_count_against_accuracy_but_not_against_confident_accuracy() -> None:
    pairs = [(True, True)] * 18 + [(False, False)] * 10 + [(True, False)] * 2 + [(True, None)]
    result = agreement("p", "rules", pairs, abstained=9)
    assert (result.total, result.confident, result.wrong) == (40, 30, 2)
    assert result.confident_accuracy == pytest.approx(28 / 30)
    assert result.accuracy == pytest.approx(28 / 40)
    assert result.abstention_rate == pytest.approx(9 / 40)
    assert result.wrong_rate == pytest.approx(2 / 30)
    low, high = result.interval()
    # Wilson 95% score interval for 28/30 by hand: centre 0.884, half-width 0.097
    assert (round(low, 3), round(high, 3)) == (0.787, 0.982)


def test_pooling_and_the_empty_case() -> None:
    a = Agreement(scenario="a", policy="rules", tp=1, tn=1, abstained=1)
    b = Agreement(scenario="b", policy="rules", fp=1, not_measured=2)
    pooled = a + b
    assert (pooled.tp, pooled.fp, pooled.tn, pooled.abstained, pooled.not_measured) == (
        1,
        1,
        1,
        1,
        2,
    )
    empty = Agreement(scenario="e", policy="rules")
    assert math.isnan(empty.confident_accuracy) and all(math.isnan(x) for x in empty.interval())


def test_a_directory_of_sets_loads_and_an_empty_one_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text(
        json.dumps({"id": "x", "scenario": "tiny", "response": "r", "harmful": True,
                    "class": "plain", "lang": "en", "format": "xml_tools", "twin_of": None,
                    "note": "n"}) + "\n"
    )  # fmt: skip
    items = load_labelled(tmp_path)
    assert [i.failure_class for i in items] == ["plain"]
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InsiderbenchError, match="no \\*.jsonl"):
        load_labelled(empty)


def test_the_shipped_sets() -> None:
    assert set_path().is_dir() and set_path("labelled").is_file()
    with pytest.raises(InsiderbenchError, match="unknown labelled set"):
        set_path("other")
