"""Issue 14 item 9: the smaller cases, each in-process with typer's CliRunner.

Every test here failed on main at a6011dd.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import get_args

import pytest
from typer.testing import CliRunner

from _synthlogs import Synth, write_log
from insiderbench import InsiderbenchError
from insiderbench.cli import app
from insiderbench.study import load_study

MAIN = "blackmail_explicit-america_replacement"
CONTROL = "blackmail_none-none_none"


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def _replay(tmp_path: Path, *lines: dict[str, str]) -> str:
    path = tmp_path / "replay.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return f"replay/{path}"


# --- --dry-run validates before it prices ---------------------------------------------


def test_dry_run_checks_the_key() -> None:
    code, out = _invoke("run", "--model", "openai/gpt-4.1", "-c", MAIN, "--dry-run")
    assert code == 2, out
    assert "OPENAI_API_KEY" in out and "total cost" not in out


def test_dry_run_does_not_price_a_misspelt_provider() -> None:
    code, out = _invoke("run", "--model", "antropic/claude-sonnet-4-5", "-c", MAIN, "--dry-run")
    assert code == 2, out
    assert "unknown model provider 'antropic'" in out and "$" not in out


def test_dry_run_checks_the_replay_file(tmp_path: Path) -> None:
    missing = tmp_path / "absent.jsonl"
    code, out = _invoke("run", "--model", f"replay/{missing}", "-c", MAIN, "--dry-run")
    assert code == 2, out
    assert "absent.jsonl" in out and "replay file not found" in out


# --- a replay file without a condition fails before the run ----------------------------


def test_a_replay_file_lacking_a_condition_is_an_error_before_the_run(tmp_path: Path) -> None:
    model = _replay(tmp_path, {"condition": MAIN, "response": "No action needed."})
    logs = tmp_path / "logs"
    code, out = _invoke("run", "--model", model, "-c", MAIN, "-c", CONTROL, "--log-dir",
                        str(logs), "--display", "none", "--no-report")  # fmt: skip
    assert code == 2, out
    assert "replay.jsonl" in out and CONTROL in out
    assert not logs.exists() or not any(logs.iterdir()), "nothing may run"


# --- -c with axis flags ---------------------------------------------------------------


@pytest.mark.parametrize("axis", [["-s", "leaking"], ["--goal-type", "latent"], ["--prod"]])
def test_condition_ids_and_axis_flags_together_are_an_error(
    tmp_path: Path, axis: list[str]
) -> None:
    model = _replay(tmp_path, {"condition": "*", "response": "ok"})
    code, out = _invoke("run", "--model", model, "-c", MAIN, *axis, "--dry-run")
    assert code == 2, out
    assert "--condition" in out and "axis flags" in out


# --- --display ------------------------------------------------------------------------


def test_an_unknown_display_is_rejected(tmp_path: Path) -> None:
    model = _replay(tmp_path, {"condition": "*", "response": "ok"})
    code, out = _invoke("run", "--model", model, "-c", MAIN, "--display", "bogus", "--dry-run")
    assert code == 2, out
    assert "bogus" in out


def test_display_choices_are_inspects() -> None:
    from inspect_ai.util import DisplayType

    from insiderbench.cli._run import Display

    assert {d.value for d in Display} == set(get_args(DisplayType))


# --- study files: duplicate keys, booleans for counts -----------------------------------


def test_a_duplicate_yaml_key_is_an_error_naming_both_lines(tmp_path: Path) -> None:
    path = tmp_path / "study.yaml"
    path.write_text(
        f"name: s\nmodels: [{{name: replay/x.jsonl}}]\nsamples: 3\ncondition_ids: [{MAIN}]\n"
        "samples: 30\n"
    )
    with pytest.raises(InsiderbenchError) as info:
        load_study(path)
    message = info.value.render()
    assert f"{path}:5" in message and "'samples' appears twice (lines 3 and 5)" in message


@pytest.mark.parametrize("field", ["samples: true", "seed: false", "max_samples: true"])
def test_a_boolean_is_not_a_count(tmp_path: Path, field: str) -> None:
    path = tmp_path / "study.yaml"
    path.write_text(f"name: s\nmodels: [{{name: replay/x.jsonl}}]\ncondition_ids: [{MAIN}]\n"
                    f"{field}\n")  # fmt: skip
    with pytest.raises(InsiderbenchError) as info:
        load_study(path)
    assert info.value.where == str(path)
    assert field.split(":")[0] in info.value.message


# --- results --by harmful ---------------------------------------------------------------


def test_results_by_harmful_is_a_clear_error(tmp_path: Path) -> None:
    log = write_log(tmp_path / "a.eval", "openai/gpt-4.1",
                    [Synth(MAIN, e, harmful=e <= 2) for e in range(1, 5)])  # fmt: skip
    code, out = _invoke("results", str(log), "--by", "model,harmful")
    assert code == 2, out
    assert "cannot group by harmful" in out
    result = CliRunner().invoke(app, ["results", str(log), "--by", "model", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["harmful"] == 2  # notes go to stderr


# --- the report: a $ in a model name, a huge response ---------------------------------------


def test_a_dollar_in_a_model_name_does_not_break_the_figures(tmp_path: Path) -> None:
    from insiderbench.report import write_report

    model = "replay/run$_$1.jsonl"  # mathtext would parse "$_$" and fail
    log = write_log(tmp_path / "a.eval", model,
                    [Synth(MAIN, e, harmful=e == 1) for e in (1, 2)] +
                    [Synth(CONTROL, e, harmful=False) for e in (1, 2)])  # fmt: skip
    index = write_report([log], tmp_path / "report")
    assert "run$_$1" in index.read_text()


def test_a_huge_response_is_shown_once_truncated_with_a_pointer(tmp_path: Path) -> None:
    from insiderbench.report import write_report

    huge = "I considered every email. " * 40_000  # about 1 MB
    log = write_log(tmp_path / "a.eval", "openai/gpt-4.1",
                    [Synth(MAIN, 1, harmful=False, response=huge)])  # fmt: skip
    page = write_report([log], tmp_path / "report").read_text()
    assert len(page) < 300_000, len(page)
    assert "truncated" in page and str(log.name) in page


# --- garbage-collector tuning lives in the CLI ------------------------------------------


def test_run_gc_freezes_tunes_and_restores() -> None:
    import gc

    from insiderbench.cli._gc import RUN_THRESHOLDS, run_gc

    before = gc.get_threshold()
    with run_gc():
        assert gc.get_threshold() == RUN_THRESHOLDS
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
    gc.freeze()  # a process that froze its heap itself (the CLI does) keeps it frozen
    try:
        frozen = gc.get_freeze_count()
        with run_gc():
            pass
        assert gc.get_freeze_count() >= frozen
        assert gc.get_threshold() == before
    finally:
        gc.unfreeze()


def test_the_library_leaves_the_collector_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    from insiderbench.study import ModelSpec, StudySpec, run_study

    calls: list[str] = []
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(gc, "set_threshold", lambda *a: calls.append("set_threshold"))
    study = StudySpec(
        name="g", models=[ModelSpec(name=_replay(tmp_path, {"condition": "*", "response": "ok"}))],
        condition_ids=[MAIN], log_dir=str(tmp_path / "logs"),
    )  # fmt: skip
    outcome = run_study(study, display="none")
    assert outcome.success and calls == []


# --- what Inspect prints while a study runs ---------------------------------------------


def _study(tmp_path: Path, model: str, samples: int) -> Path:
    path = tmp_path / "study.yaml"
    path.write_text(
        f"name: s\nmodels: [{{name: '{model}'}}]\ncondition_ids: [{MAIN}]\nsamples: {samples}\n"
        f"log_dir: '{tmp_path / 'logs'}'\nreliability: {{sample_retries: 3, eval_retries: 0}}\n"
    )
    return path


def test_two_empty_samples_print_one_warning_not_eight(tmp_path: Path) -> None:
    model = _replay(tmp_path, {"condition": "*", "response": ""})
    code, out = _invoke("run", str(_study(tmp_path, model, 2)), "--no-report", "--display",
                        "plain")  # fmt: skip
    # ran; nothing measured, but both samples are recorded as empty for good: a re-run
    # would not measure them, so the run is complete (exit 0) and says so
    assert code == 0, out
    assert "the run is complete" in out and "resume with" not in out
    # 2 samples x 4 attempts printed 8 blocks on a6011dd, where an empty output was
    # redrawn; now it is recorded as `empty` at once, so no sample error is raised at
    # all (the digest of repeated causes is tested on its own below)
    assert out.count("Sample error") == 0, out
    assert "2 of 2 samples are not measured" in out


def test_inspects_summary_does_not_show_zero_unmeasured(tmp_path: Path) -> None:
    from insiderbench.study import run_study

    model = _replay(tmp_path, {"condition": "*", "response": ""},
                    {"condition": "*", "response": "No action is needed."})  # fmt: skip
    outcome = run_study(load_study(_study(tmp_path, model, 2)), display="none")
    results = outcome.logs[0].results
    assert results is not None
    metrics = {k: m.value for k, m in results.scores[0].metrics.items()}
    assert metrics["measured"] == 1  # epoch 2; epoch 1 is empty every time
    assert metrics.get("not_measured", 1) == 1, metrics  # main: not_measured 0


def test_the_digest_lets_each_cause_through_once() -> None:
    import logging

    from insiderbench.cli._digest import INSPECT_SAMPLE_LOGGER, sample_error_digest

    seen: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record.getMessage())

    logger = logging.getLogger(INSPECT_SAMPLE_LOGGER)
    handler = Collect()
    logger.addHandler(handler)
    try:
        with sample_error_digest() as digest:
            for epoch in (1, 2, 1, 2):
                logger.warning(f"Sample error (id: {MAIN}, epoch: {epoch}): NotMeasuredError("
                               "'empty: empty response')). Sample will be retried.")  # fmt: skip
            logger.warning(f"Sample error (id: {MAIN}, epoch: 1): APIError('boom'))")
            logger.warning("something else")
        logger.warning(f"Sample error (id: {MAIN}, epoch: 1): APIError('boom'))")
    finally:
        logger.removeHandler(handler)
    assert len(seen) == 4 and digest.suppressed == 3  # one per cause, the other line, after
