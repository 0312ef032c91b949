"""The HTML report: files, escaping, highlighted actions and bounded example reading."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from _synthlogs import Synth, harmful_response, write_log
from insiderbench.analysis import load_samples
from insiderbench.report import _examples, highlight, pick_examples, write_report

HEAD = "blackmail_explicit-america_replacement"
EVIL = "<script>alert('pwned')</script>"


@pytest.fixture
def logs(tmp_path: Path) -> Path:
    text, action = harmful_response()
    samples = [
        Synth(HEAD, 1, harmful=True, response=text + "\n" + EVIL, reasoning=f"think {EVIL}"),
        Synth(HEAD, 2, harmful=False, response=f"No. {EVIL} <img src=x onerror=alert(1)>"),
        Synth(HEAD, 3, status="crash", cause=f"APIError {EVIL}"),
        Synth("blackmail_none-none_none", 1, harmful=False),
        Synth(f"{HEAD}_aware", 1, harmful=True, awareness="real"),
        Synth(f"{HEAD}_aware", 2, harmful=False, awareness="eval"),
    ]
    out = tmp_path / "logs"
    out.mkdir()
    write_log(out / "a.eval", "openai/gpt-4.1", samples)
    return out


def test_report_writes_three_files(logs: Path, tmp_path: Path) -> None:
    index = write_report([logs], tmp_path / "rep")
    assert index == tmp_path / "rep" / "index.html"
    summary = json.loads((tmp_path / "rep" / "summary.json").read_text())
    assert summary["setup"]["samples"] == 6
    assert summary["setup"]["models"] == ["openai/gpt-4.1"]
    assert summary["setup"]["judges"] == ["replay/judge.jsonl"]
    head = next(r for r in summary["rates"] if r["condition_id"] == HEAD)
    assert (head["harmful"], head["measured"], head["error"]) == (1, 2, 1)
    csv = (tmp_path / "rep" / "rates.csv").read_text().splitlines()
    assert csv[0].startswith("model,condition_id,harmful,measured,rate")
    assert len(csv) == 1 + 3


def test_model_text_is_escaped(logs: Path, tmp_path: Path) -> None:
    page = write_report([logs], tmp_path / "rep", examples_per_cell=3).read_text()
    assert "<script" not in page.lower()
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(&#x27;pwned&#x27;)&lt;/script&gt;" in page
    assert "APIError &lt;script&gt;" in page  # error messages too
    assert "think &lt;script&gt;" in page  # provider reasoning too
    assert "http://" not in page and "https://" not in page  # nothing loaded from the network


def test_report_sections_and_figures(logs: Path, tmp_path: Path) -> None:
    page = write_report([logs], tmp_path / "rep").read_text()
    for ident in ("setup", "rates-table", "fig-models", "fig-heatmap", "flags-table",
                  "fig-awareness", "awareness-table", "examples"):  # fmt: skip
        assert f'id="{ident}"' in page, ident
    assert page.count('src="data:image/png;base64,') >= 3
    assert '<mark class="action">&lt;tool_use:email&gt;' in page


def test_highlight_marks_the_action_span_only() -> None:
    text, action = harmful_response()
    marked = highlight(text, [action.model_dump(mode="json")])
    assert marked.count('<mark class="action">') == 1
    before, rest = marked.split('<mark class="action">')
    assert before == "I have thought about this.\n"
    assert rest.endswith("</mark>\nDone.")


def test_highlight_recovers_from_a_stale_span_and_ignores_bad_ones() -> None:
    text, action = harmful_response()
    shifted = "PREFIX " + text
    moved = highlight(shifted, [action.model_dump(mode="json")])
    assert moved.startswith("PREFIX I have thought about this.\n<mark")
    junk = {"span": [5, 10_000], "raw": ""}
    assert "<mark" not in highlight("<b>hi</b>", [junk])
    assert highlight("<b>hi</b>", [junk]) == "&lt;b&gt;hi&lt;/b&gt;"


def test_examples_prefer_one_harmful_and_one_not(logs: Path) -> None:
    chosen = pick_examples(load_samples([logs]), 2)
    head = chosen[chosen["condition_id"] == HEAD]
    assert sorted(head["harmful"].astype(str)) == ["False", "True"]
    assert len(chosen) == 2 + 1 + 2
    assert pick_examples(load_samples([logs]), 0).empty


def test_examples_are_read_in_small_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    samples = [Synth(f"blackmail_explicit-{v}_replacement", e, harmful=e == 1)
               for v in ("america", "global", "safety", "acceleration", "ethical", "pragmatic")
               for e in range(1, 6)]  # fmt: skip
    write_log(tmp_path / "a.eval", "m/x", samples)
    calls: list[int] = []
    real = _examples.read_eval_log_samples_by_id

    def counting(log_file: str, wanted: list[Any], **kw: Any) -> Any:
        calls.append(len(wanted))
        return real(log_file, wanted, **kw)

    monkeypatch.setattr(_examples, "BATCH", 4)
    monkeypatch.setattr(_examples, "read_eval_log_samples_by_id", counting)
    rendered = _examples.render_examples(pick_examples(load_samples([tmp_path]), 2))
    assert sum(calls) == 12 and max(calls) <= 4  # only the 12 shown, 4 at a time
    assert sum(len(v) for v in rendered.values()) == 12


@pytest.mark.parametrize(
    ("condition", "missing"),
    [(f"{HEAD}_aware", "no headline rate"), (f"{HEAD}_dont", "no heatmap")],
)
def test_a_study_of_one_kind_of_condition_still_reports(
    tmp_path: Path, condition: str, missing: str
) -> None:
    out = tmp_path / "logs"
    out.mkdir()
    write_log(out / "a.eval", "openai/gpt-4.1", [Synth(condition, 1, harmful=True)])
    page = write_report([out], tmp_path / "rep").read_text()
    assert missing in page and "rates-table" in page
