"""Study integrity (issue 14): every run counted, studies that grow, damaged logs, one writer.

Runs are real ``insiderbench run`` invocations through typer's runner with the
offline ``replay`` model on the tiny fixture pack; analysis reads the logs they
wrote. Each test reproduces one case of the issue.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from inspect_ai.log import list_eval_logs, read_eval_log, read_eval_log_sample_summaries
from typer.testing import CliRunner

from _synthlogs import Synth, write_log
from insiderbench.cli import app

MANIFEST_NAME = "insiderbench-manifest.json"
LOCK_NAME = ".insiderbench.lock"

MAIN = "tiny_explicit-america_replacement"
CONTROL = "tiny_none-none_none"
THIRD = "tiny_explicit-america_none"
REPLY = "I will keep working on my assigned tasks and send no email."


@pytest.fixture
def replay(tmp_path: Path) -> str:
    path = tmp_path / "replies.jsonl"
    path.write_text(json.dumps({"condition": "*", "response": REPLY}) + "\n", encoding="utf-8")
    return f"replay/{path}"


def _study(tmp: Path, log_dir: Path, models: list[dict[str, object]], **fields: object) -> Path:
    spec: dict[str, object] = {
        "name": "integrity",
        "models": models,
        "condition_ids": [MAIN, CONTROL],
        "samples": 2,
        "log_dir": str(log_dir),
        **fields,
    }
    path = tmp / f"study-{log_dir.name}.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    return path


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["run", *args, "--display", "none", "--no-report"])
    return result.exit_code, result.stdout, result.stderr


def _results(*args: str) -> tuple[list[dict[str, object]], str]:
    result = CliRunner().invoke(app, ["results", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), result.stderr


def _samples_started_after(log_dir: Path, when: datetime) -> set[tuple[str, int]]:
    keys = set()
    for info in list_eval_logs(str(log_dir)):
        for summary in read_eval_log_sample_summaries(info.name):
            started = summary.started_at
            if started is not None and datetime.fromisoformat(str(started)) >= when:
                keys.add((str(summary.id), summary.epoch))
    return keys


# --- item 1: combining logs never drops samples silently ---------------------


def test_runs_at_different_temperatures_are_kept_apart(tmp_path: Path, replay: str) -> None:
    for name, temperature in (("tA", 0.0), ("tB", 1.0)):
        study = _study(tmp_path, tmp_path / name, [{"name": replay, "temperature": temperature}])
        code, _, err = _run(str(study))
        assert code == 0, err
    rows, err = _results(str(tmp_path / "tA"), str(tmp_path / "tB"), "--by", "condition")
    main = [r for r in rows if r["condition_id"] == MAIN]
    assert sorted((r["settings"], r["measured"]) for r in main) == [
        ("temperature=0", 2),
        ("temperature=1", 2),
    ]
    assert sum(int(r["measured"]) for r in rows) == 8  # 2 runs x 2 conditions x 2 samples
    assert "differ in settings" in err

    out = tmp_path / "report"
    report = CliRunner().invoke(app, ["report", str(tmp_path / "tA"), str(tmp_path / "tB"),
                                      "-o", str(out)])  # fmt: skip
    assert report.exit_code == 0, report.output
    summary = json.loads((out / "summary.json").read_text())
    cells = [(r["settings"], r["measured"], r["expected"]) for r in summary["rates"]
             if r["condition_id"] == MAIN]  # fmt: skip
    assert sorted(cells) == [("temperature=0", 2, 2), ("temperature=1", 2, 2)]
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "<th>settings</th>" in page and "<th>expected</th>" in page


def test_replicate_runs_of_the_same_settings_are_pooled(tmp_path: Path, replay: str) -> None:
    for name in ("r1", "r2"):
        code, _, err = _run(str(_study(tmp_path, tmp_path / name, [{"name": replay}])))
        assert code == 0, err
    rows, _ = _results(str(tmp_path / "r1"), str(tmp_path / "r2"))
    assert {(r["condition_id"], r["measured"], r["expected"]) for r in rows} == {
        (MAIN, 4, 4),
        (CONTROL, 4, 4),
    }


def test_rescored_logs_keep_their_own_policy(tmp_path: Path) -> None:
    original = tmp_path / "logs"
    cond = "blackmail_explicit-america_replacement"
    samples = [Synth(cond, e, harmful=e == 1) for e in (1, 2, 3)]
    write_log(original / "a.eval", "m/one", samples, judge=None)
    rescored = CliRunner().invoke(
        app, ["rescore", str(original), "-o", str(tmp_path / "rescored"), "--policy", "rules"]
    )
    assert rescored.exit_code == 0, rescored.output
    rows, _ = _results(str(original), str(tmp_path / "rescored"), "--by", "model,policy")
    assert {(r["policy"], r["measured"]) for r in rows} == {("both", 3), ("rules", 3)}


def test_duplicates_are_counted_once_and_said(tmp_path: Path) -> None:
    cond = "blackmail_explicit-america_replacement"
    write_log(tmp_path / "1.eval", "m/one", [Synth(cond, 1, status="crash")],
              created="2026-01-01T00:00:00+00:00")  # fmt: skip
    write_log(tmp_path / "2.eval", "m/one", [Synth(cond, 1, harmful=True)],
              created="2026-01-02T00:00:00+00:00")  # fmt: skip
    rows, err = _results(str(tmp_path))
    assert [(r["measured"], r["error"]) for r in rows] == [(1, 0)]
    assert "1 earlier attempt(s) of a sample were replaced" in err
    assert "expected and missing are unknown" in err
    assert rows[0]["expected"] is None and rows[0]["missing"] is None


# --- the manifest: expected / measured / missing per cell --------------------


def test_manifest_records_the_study_and_results_show_missing(tmp_path: Path, replay: str) -> None:
    logs = tmp_path / "logs"
    study = _study(tmp_path, logs, [{"name": replay, "max_tokens": 300}],
                   seed=7)  # fmt: skip
    code, _, err = _run(str(study))
    assert code == 0, err
    from insiderbench.study._manifest import read_manifest

    manifest = read_manifest(logs / MANIFEST_NAME)
    assert manifest.study == "integrity" and manifest.identity.startswith("integrity-")
    assert manifest.models[0].max_tokens == 300 and manifest.models[0].seed == 7
    assert {(c.condition_id, c.samples) for c in manifest.cells} == {(MAIN, 2), (CONTROL, 2)}
    settings = {c.settings for c in manifest.cells}
    assert settings == {"temperature=1, max_tokens=300, seed=7"}
    rows, _ = _results(str(logs))
    assert all((r["expected"], r["measured"], r["missing"]) == (2, 2, 0) for r in rows)
    # Remove one condition's log rows by deleting the log: the cells become missing.
    for info in list_eval_logs(str(logs)):
        Path(info.name.removeprefix("file://")).unlink()
    write_log(logs / "other.eval", "m/other", [Synth("blackmail_none-none_none", 1)])
    rows, _ = _results(str(logs))
    mine = [r for r in rows if r["model"] == replay]
    assert {(r["condition_id"], r["expected"], r["measured"], r["missing"]) for r in mine} == {
        (MAIN, 2, 0, 2),
        (CONTROL, 2, 0, 2),
    }
    other = [r for r in rows if r["model"] == "m/other"]
    assert other and other[0]["expected"] is None  # not in the manifest: unknown, not 0


# --- item 3: a study grows in its log directory ------------------------------


def test_more_samples_then_more_conditions_run_only_what_is_new(
    tmp_path: Path, replay: str
) -> None:
    logs = tmp_path / "logs"
    base = ["-m", replay, "-c", MAIN, "-c", CONTROL, "--log-dir", str(logs)]
    code, _, err = _run(*base, "-n", "2")
    assert code == 0, err

    grown_at = datetime.now(UTC)
    code, out, err = _run(*base, "-n", "3")
    assert code == 0, out + err
    assert "[bold]" not in out + err and "allow-dirty" not in out + err
    assert _samples_started_after(logs, grown_at) == {(MAIN, 3), (CONTROL, 3)}
    assert "study grew" in out

    grown_at = datetime.now(UTC)
    code, out, err = _run(*base, "-c", THIRD, "-n", "3")
    assert code == 0, out + err
    assert _samples_started_after(logs, grown_at) == {(THIRD, e) for e in (1, 2, 3)}
    rows, _ = _results(str(logs))
    assert {(r["condition_id"], r["measured"], r["missing"]) for r in rows} == {
        (MAIN, 3, 0),
        (CONTROL, 3, 0),
        (THIRD, 3, 0),
    }

    again_at = datetime.now(UTC)
    code, _, err = _run(*base, "-c", THIRD, "-n", "3")
    assert code == 0, err
    assert _samples_started_after(logs, again_at) == set(), "a finished study must not run again"


# --- item 4: damaged logs are skipped, never fatal ---------------------------


def test_a_truncated_log_is_named_skipped_and_set_aside_without_blocking_resume(
    tmp_path: Path, replay: str
) -> None:
    logs = tmp_path / "logs"
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps({"condition": "*", "response": REPLY}) + "\n", encoding="utf-8")
    study = _study(tmp_path, logs, [{"name": replay}, {"name": f"replay/{other}"}])
    code, _, err = _run(str(study))
    assert code == 0, err
    victim = next(
        Path(i.name.removeprefix("file://"))
        for i in list_eval_logs(str(logs))
        if read_eval_log(i.name, header_only=True).eval.model == f"replay/{other}"
    )
    data = victim.read_bytes()
    victim.write_bytes(data[: len(data) // 2])

    rows, err = _results(str(logs))
    assert str(victim) in err and "damaged" in err
    assert sum(int(r["missing"]) for r in rows) == 4  # the damaged log's 2 x 2 samples
    assert sum(int(r["measured"]) for r in rows) == 4
    report = CliRunner().invoke(app, ["report", str(logs), "-o", str(tmp_path / "rep")])
    assert report.exit_code == 0, report.output
    assert str(victim) in report.stderr

    code, _, err = _run(str(study), "--keep-damaged")
    assert code == 2
    assert str(victim) in err and "--keep-damaged" in err and "EOCD" not in err.split(":")[0]
    assert victim.exists(), "with --keep-damaged nothing is moved"

    resumed_at = datetime.now(UTC)
    code, out, err = _run(str(study))  # the same command resumes: the log is set aside
    assert code == 0, err
    assert "set aside damaged log" in out + err
    assert not victim.exists() and Path(str(victim) + ".damaged").exists()
    assert len(_samples_started_after(logs, resumed_at)) == 4
    rows, _ = _results(str(logs))
    assert sum(int(r["measured"]) for r in rows) == 8 and sum(int(r["missing"]) for r in rows) == 0


# --- item 6: one writer per log directory ------------------------------------

_HOLD = """
import sys, time
from insiderbench.study._lock import hold_log_dir
with hold_log_dir(sys.argv[1], "insiderbench run held-by-test"):
    print("held", flush=True)
    time.sleep(60)
"""


def test_a_live_run_holds_the_directory_and_a_dead_one_is_taken_over(
    tmp_path: Path, replay: str
) -> None:
    logs = tmp_path / "logs"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(logs)], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        study = _study(tmp_path, logs, [{"name": replay}])
        code, _, err = _run(str(study))
        assert code == 2, err
        assert f"pid {holder.pid}" in err and "held-by-test" in err
        assert not list(logs.glob("*.eval")), "the refused run wrote nothing"
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
    assert (logs / LOCK_NAME).exists(), "a killed holder leaves its lock file"
    code, _, err = _run(str(study))
    assert code == 0, err
    assert "took over the lock" in err and f"pid {holder.pid}" in err
    assert not (logs / LOCK_NAME).exists(), "a finished run releases the directory"
