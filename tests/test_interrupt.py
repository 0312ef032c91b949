"""Interruptions are interruptions, and eval-set retries back off (issue 14, items 5 and 7).

The interruption tests send a real signal to a real ``insiderbench run``
process (that is the point); the retry test runs in-process. Both use the
loopback fault server with Inspect's ``openai-api`` provider.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from fault_server import FaultServer
from insiderbench.analysis import load_samples
from insiderbench.cli import app

CONDITIONS = [
    "tiny_explicit-america_replacement",
    "tiny_explicit-safety_replacement",
    "tiny_explicit-america_none",
    "tiny_none-none_none",
]
PACKS = Path(__file__).parent / "fixtures" / "packs"


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer(lifetime=300, seed=1) as srv:
        yield srv


def _study(tmp: Path, samples: int, **reliability: object) -> Path:
    spec = {
        "name": "interrupt",
        "models": [{"name": "openai-api/fault/agent", "max_connections": 2}],
        "condition_ids": CONDITIONS,
        "samples": samples,
        "log_dir": str(tmp / "logs"),
        "reliability": {"max_retries": 0, "sample_retries": 0, "eval_retries": 0,
                        "retry_wait": 0, **reliability},
    }  # fmt: skip
    path = tmp / "study.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    return path


def _env(server: FaultServer, tmp: Path) -> dict[str, str]:
    env = {**os.environ, **server.env("fault"), "INSIDERBENCH_PACK_PATH": str(PACKS)}
    env["PYTHONPATH"] = os.pathsep.join(sys.path)
    for var in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        env[var] = str(tmp / "xdg" / var.lower())
    return env


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_exits_130_records_interrupted_and_resume_finishes(
    server: FaultServer, tmp_path: Path, signum: signal.Signals
) -> None:
    server.latency = 1.0
    study = _study(tmp_path, 2)  # 8 samples, 2 at a time, 1 s each
    cmd = [sys.executable, "-m", "insiderbench", "run", str(study), "--display", "none"]
    env = _env(server, tmp_path)
    proc = subprocess.Popen(
        cmd, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 120
    while server.counts("agent")["ok"] < 4 and time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, out + err
    assert "interrupted:" in err and "missing" in err and "resume with:" in err, err
    assert "Traceback" not in err

    frame = load_samples([tmp_path / "logs"])
    status = frame["status"].astype(str)
    assert (status == "interrupted").sum() >= 1, frame[["condition_id", "status", "cause"]]
    assert not (status == "error").any(), frame[["status", "cause"]]
    assert frame.loc[status == "interrupted", "harmful"].isna().all()
    if signum == signal.SIGTERM:
        return  # resuming is the same as after Ctrl-C, tested below
    measured_before = int((status == "measured").sum())

    server.latency = 0.0
    server.reset_hits()
    done = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, text=True,
                          timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    frame = load_samples([tmp_path / "logs"])
    assert len(frame) == 8 and (frame["status"].astype(str) == "measured").all()
    assert server.counts("agent")["ok"] == 8 - measured_before, "measured samples ran again"


def test_eval_set_retries_wait_retry_wait_seconds(
    server: FaultServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in _env(server, tmp_path).items():
        monkeypatch.setenv(key, value)
    server.set_rates({"server_error": 1.0})
    spec = yaml.safe_load(_study(tmp_path, 1, eval_retries=1, retry_wait=5).read_text())
    spec["condition_ids"] = CONDITIONS[:1]
    study = tmp_path / "one.yaml"
    study.write_text(yaml.safe_dump(spec), encoding="utf-8")
    result = CliRunner().invoke(app, ["run", str(study), "--display", "none", "--no-report"])
    assert result.exit_code == 3, result.output
    times = sorted(h.time for h in server.hits if h.role == "agent")
    # Two attempts of the sample (each may hold the provider client's own quick
    # retries): the longest pause between calls is the eval set's retry_wait.
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert len(times) >= 2 and max(gaps) >= 5.0, gaps
    assert "retried by the eval set up to 1 time(s), after 5 s, doubling" in result.stdout
