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
from insiderbench.study._shards import assign, plan_units, run_sharded, worker_study

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
