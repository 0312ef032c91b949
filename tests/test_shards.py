"""Sharding with Ray: the plan is independent of the worker count; a killed worker loses nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import yaml

from fault_server import FaultServer
from insiderbench._errors import InsiderbenchError
from insiderbench.conditions import Condition
from insiderbench.study import ModelSpec, StudySpec
from insiderbench.study._shards import (
    assign,
    check_layout,
    plan_units,
    run_sharded,
    shard_count,
    worker_study,
)

CONDITIONS = [
    "tiny_explicit-america_replacement",
    "tiny_explicit-safety_replacement",
    "tiny_explicit-america_none",
    "tiny_none-none_none",
]
PACKS = Path(__file__).parent / "fixtures" / "packs"


def _study(**update: object) -> StudySpec:
    base = StudySpec(
        name="shards",
        models=[
            ModelSpec(name="openai-api/fault/agent", max_connections=5),
            ModelSpec(name="replay/x.jsonl"),
        ],
        condition_ids=CONDITIONS,
        samples=3,
        max_samples=7,
    )
    return base.model_copy(update=update)


def test_units_are_model_condition_tasks_whatever_the_worker_count() -> None:
    study = _study()
    units = plan_units(study, [Condition.from_id(c) for c in CONDITIONS])
    assert len(units) == 8 and len(set(units)) == 8
    for workers in (1, 2, 3, 8, 20):
        shards = assign(units, workers)
        assert len(shards) == min(workers, 8)
        dealt = [u for shard in shards for u in shard]
        assert sorted(dealt, key=repr) == sorted(units, key=repr), "every unit exactly once"


def test_workers_share_the_connection_and_sample_limits() -> None:
    one = worker_study(_study(workers=2), 2)
    assert [m.max_connections for m in one.models] == [3, None]
    assert one.max_samples == 4 and one.workers is None


def test_missing_ray_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(InsiderbenchError) as err:
        run_sharded(_study(workers=2), [Condition.from_id(CONDITIONS[0])], None)
    assert "insiderbench[ray]" in err.value.fix and err.value.where == "workers"


def _log_in(directory: Path) -> None:
    from _synthlogs import Synth, write_log

    directory.mkdir(parents=True, exist_ok=True)
    write_log(directory / "a.eval", "synthetic/model-a", [Synth("blackmail_none-none_none")])


def test_a_run_in_another_layout_is_refused_before_anything_runs(tmp_path: Path) -> None:
    sharded, flat, empty = tmp_path / "sharded", tmp_path / "flat", tmp_path / "empty"
    _log_in(sharded / "shard-1-of-2")
    _log_in(sharded / "shard-2-of-2")
    _log_in(flat)
    (empty / "shard-1-of-3").mkdir(parents=True)  # a shard dir with no log yet: no layout
    check_layout(sharded, 2)
    check_layout(flat, None)
    check_layout(empty, None)
    check_layout(tmp_path / "absent", 4)
    with pytest.raises(InsiderbenchError) as err:
        check_layout(sharded, None)
    assert "sharded over 2" in err.value.message and "--workers 2" in err.value.fix
    with pytest.raises(InsiderbenchError) as err:
        check_layout(sharded, 3)
    assert "into 3 shard(s)" in err.value.message and "--workers 2" in err.value.fix
    with pytest.raises(InsiderbenchError) as err:
        check_layout(flat, 2)
    assert "unsharded" in err.value.message and "without --workers" in err.value.fix


def test_more_workers_than_units_is_the_same_layout() -> None:
    conditions = [Condition.from_id(c) for c in CONDITIONS]
    assert shard_count(_study(), conditions, 3) == 3
    assert shard_count(_study(), conditions, 20) == shard_count(_study(), conditions, 8) == 8


def test_an_unsharded_rerun_of_a_sharded_study_exits_with_the_fix(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from insiderbench.cli import app

    logs = tmp_path / "logs"
    _log_in(logs / "shard-1-of-2")
    script = tmp_path / "replay.jsonl"
    script.write_text('{"condition": "*", "response": "Nothing to do."}\n', encoding="utf-8")
    out = CliRunner().invoke(app, ["run", "-c", "blackmail_none-none_none", "-n", "1",
                                   "--model", f"replay/{script}", "--log-dir", str(logs),
                                   "--display", "none", "--no-report"])  # fmt: skip
    assert out.exit_code == 2, out.output
    assert "sharded over 2" in out.output and "--workers 2" in out.output
    assert not (logs / "insiderbench-manifest.json").exists(), "refused before writing anything"
    assert sorted(p.name for p in logs.iterdir()) == ["shard-1-of-2"]


def _shard_processes() -> list[int]:
    import psutil

    found = []
    for proc in psutil.process_iter(["pid", "cmdline"]):
        cmd = " ".join(proc.info["cmdline"] or [])
        if "ray::run_shard" in cmd:
            found.append(int(proc.info["pid"]))
    return found


@pytest.mark.slow
def test_a_killed_worker_loses_nothing_and_a_rerun_finishes(tmp_path: Path) -> None:
    pytest.importorskip("ray")
    from insiderbench.analysis import load_samples

    spec = {
        "name": "sharded",
        "models": [{"name": "openai-api/fault/agent", "max_connections": 4}],
        "condition_ids": CONDITIONS,
        "samples": 6,
        "log_dir": str(tmp_path / "logs"),
        "workers": 2,
        "reliability": {"eval_retries": 0, "retry_wait": 0},
    }
    study = tmp_path / "study.yaml"
    study.write_text(yaml.safe_dump(spec), encoding="utf-8")
    cmd = [sys.executable, "-m", "insiderbench", "run", str(study), "--display", "none"]
    with FaultServer(latency=0.6, lifetime=600) as server:
        env = {**os.environ, **server.env("fault"), "INSIDERBENCH_PACK_PATH": str(PACKS)}
        env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).parent.parent / "src")])
        run = subprocess.Popen(
            [*cmd, "--no-report"], env=env, cwd=tmp_path, stdout=subprocess.PIPE, text=True
        )
        deadline = time.time() + 240
        while time.time() < deadline and (len(server.hits) < 4 or not _shard_processes()):
            time.sleep(0.2)
        victims = _shard_processes()
        assert victims, "no shard worker found to kill"
        os.kill(victims[0], signal.SIGKILL)
        first_out, _ = run.communicate(timeout=300)
        assert run.returncode != 0, first_out
        first_hits = len(server.hits)
        assert first_hits < 24, "the kill came too late to test anything"
        kept = load_samples([tmp_path / "logs"])
        recovered = int((kept["status"] == "measured").sum())
        assert recovered < 24
        again = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, text=True)
        assert again.returncode == 0, again.stdout + again.stderr
    frame = load_samples([tmp_path / "logs"])
    keys = Counter(zip(frame["condition_id"].astype(str), frame["epoch"], strict=True))
    assert len(keys) == 24 and set(keys.values()) == {1}
    assert (frame["status"] == "measured").all()
    # nothing finished before the kill was asked again: the re-run asked exactly for the rest
    assert len(server.hits) - first_hits == 24 - recovered


def test_a_shard_stamps_the_pre_registration_into_its_logs(tmp_path: Path) -> None:
    """run_shard (what each Ray worker runs), called here in-process on the replay model."""
    from inspect_ai.log import list_eval_logs, read_eval_log

    from insiderbench.study._shards import run_shard

    script = tmp_path / "replay.jsonl"
    script.write_text('{"condition": "*", "response": "Nothing to do."}\n', encoding="utf-8")
    study = StudySpec(name="s", models=[ModelSpec(name=f"replay/{script}")],
                      condition_ids=["blackmail_none-none_none"], samples=1,
                      log_dir=str(tmp_path / "logs"))  # fmt: skip
    record = {"sha256": "ab" * 32, "registered_at": "2026-12-02T00:00:00+00:00"}
    result = run_shard(
        study.model_dump(mode="json"),
        [(f"replay/{script}", "blackmail_none-none_none")],
        "shard-1-of-1",
        "test-set",
        metadata={"insiderbench_preregistration": record},
    )
    assert result["success"], result
    [info] = list_eval_logs(str(tmp_path / "logs" / "shard-1-of-1"))
    meta = read_eval_log(info, header_only=True).eval.metadata or {}
    assert meta["insiderbench_preregistration"] == record
