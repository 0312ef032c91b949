"""Sharding and the bill, on the loopback server.

Run: ``python benchmarks/bench_shards.py [--small] [--skip-walls] [--skip-bill]``
(needs ``insiderbench[ray]``; takes a few minutes on two cores).

1. **Walls, 1 worker against 2** (the latency case): 1,000 samples spread over
   10 conditions, 1 s server latency, 100 connections in total (each of N
   workers gets 100/N), rules only, ``insiderbench run study.yaml --workers N``
   in a subprocess as a user would. Start-up is the time to the first request;
   the ideal waiting time is samples / connections x latency (10 s); the ratio
   is (wall - start-up) / ideal. The issue's target with 2 workers is 1.3. The
   waiting is also split into the requests' own span (first request to last
   response) and the wind-down after the last response (the eval sets finish
   their logs, Ray shuts down, the CLI reads the logs and prints its summary).
2. **The accounted bill** of one study (2 conditions x 10 samples, evaluated
   ``openai/gpt-4o-mini`` with judge ``openai/gpt-4.1-mini``, both served by the
   loopback server) four ways: plain; with the server reporting cached
   prefixes as a provider cache does; through the Batch API; both. The bill is
   what ``load_samples`` accounts from the logs (model and judge), beside the
   dry run's estimate for the same variant.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest.mock import patch

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from fault_server import BENIGN_AGENT_REPLY, JUDGE_REPLY, FaultServer  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_throughput import _run as measure_run  # noqa: E402

AGENT_REPLY = BENIGN_AGENT_REPLY + "\n" + "I have nothing to add. " * 200
"""About 1,200 tokens, the dry run's assumed response length."""
JUDGE_ANSWER = "The agent only read the inbox. " * 50 + JUDGE_REPLY
"""About 400 tokens, the dry run's assumed judge answer."""


def _conditions(n: int) -> list[str]:
    from insiderbench.scenarios import select_conditions

    conds = select_conditions(["blackmail"], extras=None, prods=[False], awareness=[False])
    return [c.id for c in conds[:n]]


def _wall(workers: int, samples: int, conditions: int, connections: int, latency: float) -> None:
    ids = _conditions(conditions)
    per_condition = samples // len(ids)
    with tempfile.TemporaryDirectory() as tmp, FaultServer(latency=latency) as server:
        study = {
            "name": "latency",
            "models": [{"name": "openai-api/bench/agent", "max_connections": connections}],
            "condition_ids": ids,
            "samples": per_condition,
            "policy": "rules",
            "log_dir": str(Path(tmp) / "logs"),
            "workers": workers,
        }
        path = Path(tmp) / "study.yaml"
        path.write_text(yaml.safe_dump(study), encoding="utf-8")
        env = {**os.environ, **server.env("bench")}
        cmd = [sys.executable, "-m", "insiderbench", "run", str(path), "--display", "none"]
        cmd += ["--no-report"]
        started = time.time()  # the server stamps requests with time.time()
        run = measure_run(cmd, env, server)  # the child's walls, as bench_throughput takes them
        wall, startup, code = run.wall, run.startup, run.code
        ideal = len(ids) * per_condition / connections * latency
        arrivals = sorted(h.time - started for h in server.hits)
        span = arrivals[-1] + latency - arrivals[0] if arrivals else float("nan")
        wind_down = wall - (arrivals[-1] + latency) if arrivals else float("nan")
        print(
            f"workers {workers}: wall {wall:6.1f} s, start-up {startup:5.1f} s, "
            f"waiting {wall - startup:5.1f} s, ideal {ideal:4.1f} s, "
            f"ratio {(wall - startup) / ideal:4.2f}, requests {len(arrivals)}, exit {code}; "
            f"of the waiting: first request to last response {span:5.1f} s "
            f"(ratio {span / ideal:4.2f}), after the last response {wind_down:4.1f} s",
            flush=True,
        )


def variant_name(batch: bool, cache: bool) -> str:
    """The dry run's name for a bill variant: list, cached, batch or batch_cached."""
    variant = ("batch_" if batch else "") + ("cached" if cache else "")
    return {"": "list", "batch_": "batch"}.get(variant, variant)


def _bill(server: FaultServer, batch: bool, cache: bool, samples: int) -> None:
    """One run of the bill study, as a user runs it (a subprocess), and its accounted cost."""
    from insiderbench.analysis import load_samples
    from insiderbench.study import dry_run, load_study

    server.prompt_cache = cache
    server._cached_prompts.clear()
    with tempfile.TemporaryDirectory() as tmp:
        spec = {
            "name": "bill",
            "models": [{"name": "openai/gpt-4o-mini", "args": {"responses_api": False}}],
            "condition_ids": _conditions(2),
            "samples": samples,
            "judge": "openai/gpt-4.1-mini",
            "max_samples": 4,
            "log_dir": str(Path(tmp) / "logs"),
        }
        if batch:
            spec["batch"] = {"size": 8, "send_delay": 1, "tick": 0.5}
        path = Path(tmp) / "study.yaml"
        path.write_text(yaml.safe_dump(spec), encoding="utf-8")
        env = {**os.environ, "OPENAI_BASE_URL": server.base_url, "OPENAI_API_KEY": "bench"}
        cmd = [sys.executable, "-m", "insiderbench", "run", str(path), "--display", "none"]
        start = time.monotonic()
        done = subprocess.run([*cmd, "--no-report"], env=env, capture_output=True, check=False)
        wall = time.monotonic() - start
        frame = load_samples([Path(tmp) / "logs"])
        with patch.dict(os.environ, env):  # the dry run checks the key, as the run did
            est = dry_run(load_study(path)).total(variant_name(batch, cache))
    spent = float(frame["cost"].sum() + frame["judge_cost"].sum())
    variant = variant_name(batch, cache)
    cached = int(frame["cache_read_tokens"].fillna(0).sum())
    print(
        f"{variant:13} spent ${spent:.4f}  (dry run ${est or float('nan'):.4f}), "
        f"cache-read tokens {cached:,}, samples {len(frame)}, wall {wall:5.1f} s, "
        f"exit {done.returncode}",
        flush=True,
    )


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="100 samples, 20 per bill")
    parser.add_argument("--skip-walls", action="store_true")
    parser.add_argument("--skip-bill", action="store_true")
    args = parser.parse_args()
    samples = 100 if args.small else 1000
    if not args.skip_walls:
        print(f"latency case: {samples} samples, 10 conditions, 1 s latency, 100 connections")
        for workers in (1, 2):
            _wall(workers, samples, 10, 100, 1.0)
    if not args.skip_bill:
        n = 5 if args.small else 10
        print(f"bill: 2 conditions x {n} samples, gpt-4o-mini judged by gpt-4.1-mini")
        with FaultServer(
            cache_min_tokens=1024,
            judge_model="gpt-4.1-mini",
            agent_reply=AGENT_REPLY,
            judge_reply=JUDGE_ANSWER,
        ) as server:
            for batch, cache in ((False, False), (False, True), (True, False), (True, True)):
                _bill(server, batch, cache, n)


if __name__ == "__main__":
    main()
