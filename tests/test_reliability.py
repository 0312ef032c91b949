"""Real studies against the fault server: nothing lost, nothing doubled, honest exits.

Each test runs ``insiderbench run`` in a subprocess, as a user would, with
Inspect's ``openai-api/fault/...`` provider pointed at a loopback
:class:`~fault_server.FaultServer`.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import zipfile
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from inspect_ai.log import list_eval_logs, read_eval_log, read_eval_log_sample_summaries

from fault_server import FaultServer
from insiderbench.analysis import load_samples
from insiderbench.cli._summary import final_mask

CONDITIONS = [
    "tiny_explicit-america_replacement",
    "tiny_explicit-safety_replacement",
    "tiny_explicit-america_none",
    "tiny_none-none_none",
]
THIRTY_PERCENT = {
    "rate_limit": 0.08,
    "server_error": 0.04,
    "unavailable": 0.03,
    "reset": 0.03,
    "hang": 0.02,
    "malformed": 0.04,
    "empty": 0.03,
    "content_filter": 0.03,
}
FAST_RETRIES = {
    "max_retries": 1,
    "attempt_timeout": 4,
    "timeout": 30,
    "sample_retries": 1,
    "eval_retries": 0,
    "retry_wait": 0,
}
PACKS = Path(__file__).parent / "fixtures" / "packs"


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer(hang_seconds=8, lifetime=600, seed=3) as srv:
        yield srv


def _study(tmp: Path, samples: int, *, judge: bool = True, **reliability: object) -> Path:
    spec: dict[str, object] = {
        "name": "faults",
        "models": [{"name": "openai-api/fault/agent", "max_connections": 20}],
        "condition_ids": CONDITIONS,
        "samples": samples,
        "log_dir": str(tmp / "logs"),
        "reliability": {**FAST_RETRIES, **reliability},
    }
    if judge:
        spec.update(judge="openai-api/fault/judge", policy="both")
    path = tmp / "study.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    return path


def _env(server: FaultServer, tmp: Path, api_key: str = "fault-test-key") -> dict[str, str]:
    env = {**os.environ, **server.env("fault", api_key), "INSIDERBENCH_PACK_PATH": str(PACKS)}
    for var in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        env[var] = str(tmp / "xdg" / var.lower())
    return env


def _command(study: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "insiderbench", "run", str(study), "--display", "none", *extra]


def _run(cmd: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=600)


def _raw_samples(log_dir: Path) -> Counter[tuple[str, int]]:
    """(sample id, epoch) of every *measured* sample in every finished log, duplicates kept.

    A log left ``started`` by a killed process stays on disk (Inspect never
    deletes a log another process might still be writing); the newer log was
    seeded from it, and analysis keeps one row per sample.
    """
    seen: Counter[tuple[str, int]] = Counter()
    for info in list_eval_logs(str(log_dir)):
        if read_eval_log(info.name, header_only=True).status == "started":
            continue
        for summary in read_eval_log_sample_summaries(info.name):
            harm = (summary.scores or {}).get("harm")
            # scored and measured: an empty or filtered output is scored "N" (not redrawn)
            if summary.error is None and harm is not None and harm.value != "N":
                seen[(str(summary.id), summary.epoch)] += 1
    return seen


def _unmeasured_keys(log_dir: Path) -> set[tuple[str, int]]:
    frame = load_samples([log_dir])
    lost = frame[frame["status"].astype(str) != "measured"]
    return {(str(c), int(e)) for c, e in zip(lost["condition_id"], lost["epoch"], strict=True)}


def _final_keys(log_dir: Path) -> set[tuple[str, int]]:
    """Unmeasured samples a re-run leaves as recorded (everything but evaluated-model errors)."""
    frame = load_samples([log_dir])
    lost = frame[frame["status"].astype(str) != "measured"]
    lost = lost[final_mask(lost)]
    return {(str(c), int(e)) for c, e in zip(lost["condition_id"], lost["epoch"], strict=True)}


def _started_after(log_dir: Path, when: datetime) -> set[tuple[str, int]]:
    keys = set()
    for info in list_eval_logs(str(log_dir)):
        for summary in read_eval_log_sample_summaries(info.name):
            started = summary.started_at
            if started is not None and datetime.fromisoformat(str(started)) >= when:
                keys.add((str(summary.id), summary.epoch))
    return keys


def _check_accounted(log_dir: Path, samples: int) -> tuple[int, Counter[str]]:
    """Every (condition, epoch) appears once; return how many are not measured, by cause."""
    frame = load_samples([log_dir])
    assert len(frame) == len(CONDITIONS) * samples
    assert not frame.duplicated(["condition_id", "epoch"]).any()
    assert set(frame["condition_id"].astype(str)) == set(CONDITIONS)
    raw = _raw_samples(log_dir)
    assert max(raw.values(), default=1) == 1, "a measured sample is stored twice"
    lost = frame[frame["status"].astype(str) != "measured"]
    assert lost["cause"].notna().all() and (lost["cause"].astype(str).str.len() > 0).all()
    assert lost["harmful"].isna().all(), "not measured must never read as not harmful"
    measured = frame[frame["status"].astype(str) == "measured"]
    assert measured["harmful"].notna().all()
    assert len(raw) == len(measured)
    why = Counter(f"{s}: {c}" for s, c in zip(lost["status"], lost["cause"], strict=True))
    return len(lost), why


@pytest.mark.slow
def test_faults_at_30_percent_then_resume_reruns_exactly_the_model_failures(
    server: FaultServer, tmp_path: Path
) -> None:
    samples = 50  # x 4 conditions = 200 samples, each with two judge calls
    server.set_rates(THIRTY_PERCENT)
    cmd = _command(_study(tmp_path, samples))
    env = _env(server, tmp_path)

    first = _run(cmd, env, tmp_path)
    lost, why = _check_accounted(tmp_path / "logs", samples)
    assert lost > 0, "these retry settings should leave some samples unmeasured"
    assert f"{lost} of 200 samples are not measured" in first.stderr
    unmeasured = _unmeasured_keys(tmp_path / "logs")
    final = _final_keys(tmp_path / "logs")
    rerun = unmeasured - final
    # the resume command is printed exactly when a re-run would retry something (an
    # evaluated-model error); which samples end that way depends on the random faults
    assert ("resume with:" in first.stderr) == bool(rerun), first.stderr
    # exit 3 exactly when a re-run would measure more; final statuses alone leave 0
    assert first.returncode == (3 if rerun else 0), first.stderr
    if rerun:
        assert "study.yaml" in first.stderr
    printed = [re.match(r"^\s+(\d+)  \S", line) for line in first.stderr.splitlines()]
    assert sum(int(m[1]) for m in printed if m) == lost
    assert server.counts("agent")["ok"] > 0 and sum(server.counts().values()) > 600

    # The provider recovers; the same command retries exactly the samples whose
    # evaluated model failed. Empty, filtered and unjudged outputs stay as recorded.
    server.set_rates({})
    server.reset_hits()
    resumed_at = datetime.now(UTC)
    second = _run(cmd, env, tmp_path)
    assert second.returncode == 0, second.stderr
    if final:
        assert "the run is complete" in second.stderr, second.stderr
    agent = server.counts("agent")
    assert agent.get("ok", 0) == len(rerun) and set(agent) <= {"ok"}, agent
    assert server.counts("judge").get("ok", 0) >= 2 * len(rerun)  # harm + diagnostics each
    assert _check_accounted(tmp_path / "logs", samples)[0] == len(final)
    assert _final_keys(tmp_path / "logs") == final
    assert _started_after(tmp_path / "logs", resumed_at) == rerun
    assert why, "causes were recorded for the unmeasured samples"


def test_generous_retries_measure_everything_under_faults(
    server: FaultServer, tmp_path: Path
) -> None:
    server.set_rates(THIRTY_PERCENT)
    study = _study(tmp_path, 10, max_retries=6, sample_retries=3, eval_retries=2)
    result = _run(_command(study), _env(server, tmp_path), tmp_path)
    lost, why = _check_accounted(tmp_path / "logs", 10)
    # Only what a provider's output itself made unmeasurable is left, recorded, not redrawn.
    assert {w.split(":")[0] for w in why} <= {"empty", "filtered"}, why
    # those are final: the run is complete, and says why samples are missing from the rate
    assert result.returncode == 0, result.stderr
    assert ("the run is complete" in result.stderr) == bool(lost), result.stderr
    agent = server.counts("agent")
    assert lost <= agent.get("empty", 0) + agent.get("content_filter", 0)
    assert sum(n for k, n in server.counts().items() if k != "ok") > 0


def test_bad_input_exits_2_with_one_message(server: FaultServer, tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "insiderbench", "run", "-m", "openai-api/fault/agent"]
    cmd += ["-c", "tiny_explicit-nowhere_replacement", "--display", "none"]
    result = _run(cmd, _env(server, tmp_path), tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("error:") and "Traceback" not in result.stderr
    assert server.hits == []


@pytest.mark.slow
def test_kill_9_mid_run_then_rerun_measures_each_sample_once(
    server: FaultServer, tmp_path: Path
) -> None:
    samples = 50
    server.latency = 0.05
    cmd = _command(_study(tmp_path, samples, judge=False))
    env = _env(server, tmp_path)
    proc = subprocess.Popen(
        cmd,
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while server.counts("agent")["ok"] < 80 and time.monotonic() < deadline:
            assert proc.poll() is None, "the run ended before it could be killed"
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert 80 <= server.counts("agent")["ok"] < len(CONDITIONS) * samples

    server.latency = 0.0
    second = _run(cmd, env, tmp_path)
    assert second.returncode == 0, second.stderr
    assert _check_accounted(tmp_path / "logs", samples) == (0, Counter())


def _written_files(root: Path) -> Iterator[tuple[Path, bytes]]:
    for path in root.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        yield path, data
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    yield path / name, archive.read(name)


def test_api_key_is_never_written(server: FaultServer, tmp_path: Path) -> None:
    secret = "sk-fake-INSIDERBENCH-7d3c1b9e5a04"
    server.set_rates({"rate_limit": 0.2, "server_error": 0.1, "malformed": 0.05})
    study = _study(tmp_path, 3, max_retries=3, sample_retries=2)
    result = _run(_command(study, "--report"), _env(server, tmp_path, secret), tmp_path)
    assert result.returncode in (0, 3), result.stderr
    assert {h.authorization for h in server.hits} == {f"Bearer {secret}"}
    files = list(_written_files(tmp_path))
    assert any(p.suffix == ".eval" for p, _ in files)
    assert any("report" in p.parts for p, _ in files)
    leaks = [str(p) for p, data in files if secret.encode() in data]
    assert leaks == []
    assert secret not in result.stdout + result.stderr


def test_a_model_that_errors_on_every_call_is_reported(server: FaultServer, tmp_path: Path) -> None:
    server.set_rates({"server_error": 1.0})
    study = _study(tmp_path, 2, judge=False)
    proc = _run(_command(study), _env(server, tmp_path), tmp_path)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "8 of 8 samples are not measured" in proc.stderr, proc.stderr
    assert "500" in proc.stderr or "InternalServerError" in proc.stderr, proc.stderr
    assert "resume with:" in proc.stderr and "Traceback" not in proc.stderr
    frame = load_samples([tmp_path / "logs"])
    assert len(frame) == 8 and (frame["status"].astype(str) == "error").all()
    assert frame["harmful"].isna().all()


@pytest.mark.slow
def test_each_call_is_tried_exactly_max_retries_plus_one_times(
    server: FaultServer, tmp_path: Path
) -> None:
    """No hidden retries: the provider SDK's own loop (2 by default) is switched off."""
    server.set_rates({"server_error": 1.0})
    study = _study(tmp_path, 1, judge=False, max_retries=1, sample_retries=0)
    proc = _run(_command(study, "--no-report"), _env(server, tmp_path), tmp_path)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert len(server.hits) == len(CONDITIONS) * 2, "one try and one Inspect retry per sample"
