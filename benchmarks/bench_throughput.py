"""Throughput, side by side: insiderbench (rules, judge) and the peer, one loopback server.

Runners: ``rules`` (no judge), ``rules+live`` (the same with ``--live-log``:
what streaming running samples to ``inspect view`` costs), ``judge`` (policy
both, one judge call per sample, like the peer's grader), ``judge+diag`` (plus
the concurrent diagnostics call), ``peer``.

Run: ``python benchmarks/bench_throughput.py [--small] [--skip-latency]``.

For each runner it measures, against one zero-latency fault-free server:

- start-up: seconds from launch to the first request reaching the server;
- marginal samples per second: (200 - 50) / (wall(200) - wall(50));
- peak RSS of the run (``wait4`` on the child).

Then the latency-bound case: 1,000 samples, 1 s server latency, 100
connections, rules only, run ``--repeat`` times (the machine's noise is a few
seconds); the ideal is 10 s of waiting plus start-up, and the run should finish
within 1.3x of that. "Waiting" is everything after the first request reaches
the server, up to the process's exit: the run, the log's finalisation, the
summary table and interpreter shutdown. ``--kinds ""`` runs only this case.

The peer is ``inspect eval inspect_evals/agentic_misalignment`` with
``INSPECT_GRADER_MODEL`` on the same server (its default condition, the same
one insiderbench runs here). The judge reply parses for both.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from fault_server import FaultServer  # noqa: E402

CONDITION = "blackmail_explicit-america_replacement"


@dataclass
class Measure:
    wall: float
    startup: float
    rss_mb: float
    code: int


def _run(cmd: list[str], env: dict[str, str], server: FaultServer) -> Measure:
    server.reset_hits()
    start = time.monotonic()
    pid = os.spawnvpe(os.P_NOWAIT, cmd[0], cmd, env)
    first: float | None = None
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if first is None and server.hits:
            first = time.monotonic() - start
        if done:
            break
        time.sleep(0.01)
    wall = time.monotonic() - start
    code = os.waitstatus_to_exitcode(status)
    return Measure(wall, first if first is not None else wall, usage.ru_maxrss / 1024, code)


def _commands(kind: str, n: int, log_dir: str) -> tuple[list[str], dict[str, str]]:
    common = ["--display", "none", "--log-dir", log_dir]
    if kind == "peer":
        cmd = ["inspect", "eval", "inspect_evals/agentic_misalignment"]
        cmd += ["--model", "openai-api/bench/agent", "--epochs", str(n), *common]
        return cmd, {"INSPECT_GRADER_MODEL": "openai-api/bench/judge"}
    cmd = [sys.executable, "-m", "insiderbench", "run", "-m", "openai-api/bench/agent"]
    cmd += ["-c", CONDITION, "-n", str(n), "--no-report", *common]
    if kind in ("rules", "rules+live"):
        cmd += ["--policy", "rules"]
        if kind == "rules+live":  # Inspect's log_realtime, which insiderbench leaves off
            cmd += ["--live-log"]
    else:
        cmd += ["--judge", "openai-api/bench/judge", "--policy", "both"]
        if kind == "judge":  # one judge call per sample, as the peer makes
            cmd += ["--no-judge-diagnostics"]
    return cmd, {}


def throughput(server: FaultServer, kinds: list[str], sizes: tuple[int, int]) -> None:
    env = {**os.environ, **server.env("bench")}
    print(f"{'runner':8} {'start-up s':>10} {'marginal samples/s':>19} {'peak RSS MB':>12}")
    for kind in kinds:
        walls: dict[int, Measure] = {}
        for n in sizes:
            with tempfile.TemporaryDirectory() as tmp:
                cmd, extra = _commands(kind, n, tmp)
                walls[n] = _run(cmd, {**env, **extra}, server)
            if walls[n].code not in (0, 3):
                print(f"{kind}: exit {walls[n].code} at n={n}", file=sys.stderr)
        small, big = walls[sizes[0]], walls[sizes[1]]
        rate = (sizes[1] - sizes[0]) / max(big.wall - small.wall, 1e-9)
        rss = max(small.rss_mb, big.rss_mb)
        print(f"{kind:8} {small.startup:10.1f} {rate:19.1f} {rss:12.0f}", flush=True)


def write_latency_study(tmp: Path, samples: int, connections: int) -> Path:
    """The latency-bound study file (rules only, one condition, default max_samples)."""
    study = {
        "name": "latency",
        "models": [{"name": "openai-api/bench/agent", "max_connections": connections}],
        "condition_ids": [CONDITION],
        "samples": samples,
        "policy": "rules",
        "log_dir": str(tmp / "logs"),
    }
    path = tmp / "study.yaml"
    path.write_text(yaml.safe_dump(study), encoding="utf-8")
    return path


def latency_bound(
    samples: int = 1000, latency: float = 1.0, connections: int = 100, repeat: int = 3
) -> None:
    """Rules only, ``max_samples`` left at insiderbench's default (twice the connections)."""
    ideal = samples / connections * latency
    ratios = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp, FaultServer(latency=latency) as server:
            path = write_latency_study(Path(tmp), samples, connections)
            cmd = [sys.executable, "-m", "insiderbench", "run", str(path), "--display", "none"]
            env = {**os.environ, **server.env("bench")}
            result = _run([*cmd, "--no-report"], env, server)
        waiting = result.wall - result.startup
        ratios.append(waiting / ideal)
        print(
            f"latency-bound: {samples} samples, {latency:g} s latency, {connections} "
            f"connections: wall {result.wall:.1f} s, start-up {result.startup:.1f} s, "
            f"waiting {waiting:.1f} s = {waiting / ideal:.2f}x ideal {ideal:.0f} s "
            f"(exit {result.code})",
            flush=True,
        )
    ratios.sort()
    print(f"latency-bound: median {ratios[len(ratios) // 2]:.2f}x over {repeat} run(s)")


def latency_bound_peer(samples: int = 1000, latency: float = 1.0, connections: int = 100) -> None:
    """The peer on the same latency-bound case (agent and judge calls: ideal 2x the waiting)."""
    with tempfile.TemporaryDirectory() as tmp, FaultServer(latency=latency) as server:
        cmd = ["inspect", "eval", "inspect_evals/agentic_misalignment"]
        cmd += ["--model", "openai-api/bench/agent", "--epochs", str(samples)]
        cmd += ["--max-connections", str(connections), "--max-samples", str(connections)]
        cmd += ["--display", "none", "--log-dir", tmp]
        env = {**os.environ, **server.env("bench")}
        env["INSPECT_GRADER_MODEL"] = "openai-api/bench/judge"
        result = _run(cmd, env, server)
        ideal = 2 * samples / connections * latency
        ratio = (result.wall - result.startup) / ideal
        print(
            f"latency-bound (peer, agent + judge): wall {result.wall:.1f} s, start-up "
            f"{result.startup:.1f} s, waiting {result.wall - result.startup:.1f} s = {ratio:.2f}x "
            f"ideal {ideal:.0f} s (exit {result.code})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="10 and 40 samples (smoke run)")
    parser.add_argument("--skip-latency", action="store_true")
    parser.add_argument("--kinds", default="rules,judge,judge+diag,peer")
    parser.add_argument("--repeat", type=int, default=3, help="latency-bound runs")
    args = parser.parse_args()
    sizes = (10, 40) if args.small else (50, 200)
    kinds = [k for k in args.kinds.split(",") if k]
    if kinds:
        with FaultServer(lifetime=3600) as server:
            throughput(server, kinds, sizes)
    if not args.skip_latency:
        latency_bound(repeat=args.repeat)
        if "peer" in kinds:
            latency_bound_peer()


if __name__ == "__main__":
    main()
