"""Throughput, side by side: insiderbench (rules, judge) and the peer, one loopback server.

Runners: ``rules`` (no judge), ``rules+live`` (the same with ``--live-log``:
what streaming running samples to ``inspect view`` costs), ``judge`` (policy
both, one judge call per sample, like the peer's grader), ``judge+diag`` (plus
the concurrent diagnostics call), ``peer``.

Run: ``python benchmarks/bench_throughput.py [--small] [--skip-latency]``.

For each runner it measures, against one zero-latency fault-free server:

- start-up: seconds from launch to the first request reaching the server;
- marginal samples per second: (200 - 50) / (wall(200) - wall(50)), the median
  over ``--rounds`` rounds (each round runs every runner, so the machine's
  drift hits all alike; one pair of walls is noisy by a third either way);
- peak RSS of the run (``wait4`` on the child).

Then the latency-bound case: 1,000 samples, 1 s server latency, 100
connections, rules only, run ``--repeat`` times (the machine's noise is a few
seconds); the ideal is 10 s of waiting plus start-up, and the run should finish
within 1.3x of that. "Waiting" is everything after the first request reaches
the server, up to the process's exit: the run, the log's finalisation, the
summary table and interpreter shutdown. ``--kinds ""`` runs only this case.
Each run is followed by the *floor*: bare Inspect sending the same requests
with the same settings (``generate()`` only, no scorer, live log off,
``max_samples`` twice the connections, the same collector tuning), so the
engine's own cost is measured in the same minute as insiderbench's
(``--no-floor`` skips it).

The peer is ``inspect eval inspect_evals/agentic_misalignment`` with
``INSPECT_GRADER_MODEL`` on the same server (its default condition, the same
one insiderbench runs here). The judge reply parses for both.
"""

from __future__ import annotations

import argparse
import json
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


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def throughput(
    server: FaultServer, kinds: list[str], sizes: tuple[int, int], rounds: int = 3
) -> None:
    """Each round runs every kind at both sizes, so the machine's drift hits all kinds alike."""
    env = {**os.environ, **server.env("bench")}
    pairs: dict[str, list[tuple[Measure, Measure]]] = {k: [] for k in kinds}
    for _ in range(rounds):
        for kind in kinds:
            walls: list[Measure] = []
            for n in sizes:
                with tempfile.TemporaryDirectory() as tmp:
                    cmd, extra = _commands(kind, n, tmp)
                    walls.append(_run(cmd, {**env, **extra}, server))
                if walls[-1].code not in (0, 3):
                    print(f"{kind}: exit {walls[-1].code} at n={n}", file=sys.stderr)
            pairs[kind].append((walls[0], walls[1]))
    print(
        f"{'runner':10} {'start-up s':>10} {'marginal samples/s':>19} {'(range)':>13} "
        f"{'peak RSS MB':>12}   median of {rounds} round(s)"
    )
    for kind, measured in pairs.items():
        # a round where the big run was not slower than the small one is noise, not a rate
        rates = [(sizes[1] - sizes[0]) / (b.wall - a.wall) for a, b in measured if b.wall > a.wall]
        startup = _median([a.startup for a, _ in measured])
        rss = max(max(a.rss_mb, b.rss_mb) for a, b in measured)
        rate = f"{_median(rates):.1f}" if rates else "—"
        spread = f"{min(rates):.0f}–{max(rates):.0f}" if rates else "—"
        dropped = f" ({len(measured) - len(rates)} round(s) dropped)" if len(rates) < rounds else ""
        print(f"{kind:10} {startup:10.1f} {rate:>19} {spread:>13} {rss:12.0f}{dropped}", flush=True)


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


FLOOR_TASK = """
import json, os
from inspect_ai import Task, task
from inspect_ai.dataset import Sample
from inspect_ai.model import ChatMessageSystem, ChatMessageUser
from inspect_ai.solver import generate

@task
def floor(samples: int = 1) -> Task:
    with open(os.environ["FLOOR_PROMPT"], encoding="utf-8") as f:
        p = json.load(f)
    messages = [ChatMessageSystem(content=p["system"]), ChatMessageUser(content=p["user"])]
    return Task(dataset=[Sample(input=messages)], solver=generate(), epochs=samples)
"""
"""Bare Inspect: the same messages, generate() only, no scorer."""

FLOOR_MAIN = (
    "import gc, os, sys; os.chdir(os.environ['FLOOR_DIR']); sys.argv[0] = 'inspect'; "
    "from inspect_ai._cli.main import main; import inspect_ai.model._providers.openai_compatible; "
    "gc.collect(); gc.freeze(); gc.set_threshold(50000, 20, 100); main()"
)
"""``inspect`` with the collector tuning insiderbench applies to its own runs.

The start-up heap (Inspect and the OpenAI provider imported) is frozen before
the run, as insiderbench freezes its own. It runs in the task's directory:
Inspect takes a task file's path as a glob relative to the working directory."""


def _floor_command(tmp: Path, samples: int, connections: int) -> tuple[list[str], dict[str, str]]:
    """Bare Inspect on the latency-bound case, with insiderbench's run settings."""
    from insiderbench.conditions import Condition
    from insiderbench.scenarios import check_condition

    condition = Condition.from_id(CONDITION)
    rendered = check_condition(condition).render(condition)
    prompt = tmp / "prompt.json"
    prompt.write_text(json.dumps({"system": rendered.system, "user": rendered.user}))
    (tmp / "floor_task.py").write_text(FLOOR_TASK, encoding="utf-8")
    cmd = [sys.executable, "-c", FLOOR_MAIN, "eval", "floor_task.py"]
    cmd += ["-T", f"samples={samples}", "--model", "openai-api/bench/agent"]
    cmd += ["--max-connections", str(connections), "--max-samples", str(2 * connections)]
    cmd += ["--no-log-realtime", "--display", "none", "--log-dir", str(tmp / "floor-logs")]
    return cmd, {"FLOOR_PROMPT": str(prompt), "FLOOR_DIR": str(tmp)}


def _latency_run(
    kind: str, samples: int, latency: float, connections: int
) -> tuple[Measure, float]:
    """One latency-bound run of ``insiderbench`` or the bare-Inspect ``floor``."""
    with tempfile.TemporaryDirectory() as tmp, FaultServer(latency=latency) as server:
        env = {**os.environ, **server.env("bench")}
        if kind == "floor":
            cmd, extra = _floor_command(Path(tmp), samples, connections)
            env.update(extra)
        else:
            path = write_latency_study(Path(tmp), samples, connections)
            cmd = [sys.executable, "-m", "insiderbench", "run", str(path), "--display", "none"]
            cmd.append("--no-report")
        result = _run(cmd, env, server)
        if len(server.hits) != samples:
            print(f"{kind}: {len(server.hits)} requests, expected {samples}", file=sys.stderr)
    return result, result.wall - result.startup


def latency_bound(
    samples: int = 1000,
    latency: float = 1.0,
    connections: int = 100,
    repeat: int = 3,
    floor: bool = True,
) -> None:
    """Rules only, ``max_samples`` left at insiderbench's default (twice the connections).

    With ``floor``, each insiderbench run is followed by bare Inspect on the same
    requests and settings (generate only, no scorer, live log off, the same
    collector tuning): the cost of the engine alone, measured in the same minute.
    """
    ideal = samples / connections * latency
    kinds = ["insiderbench", "floor"] if floor else ["insiderbench"]
    ratios: dict[str, list[float]] = {k: [] for k in kinds}
    for _ in range(repeat):
        for kind in kinds:
            result, waiting = _latency_run(kind, samples, latency, connections)
            ratios[kind].append(waiting / ideal)
            print(
                f"latency-bound {kind:12}: {samples} samples, {latency:g} s latency, "
                f"{connections} connections: wall {result.wall:.1f} s, start-up "
                f"{result.startup:.1f} s, waiting {waiting:.1f} s = {waiting / ideal:.2f}x "
                f"ideal {ideal:.0f} s (exit {result.code})",
                flush=True,
            )
    for kind, values in ratios.items():
        print(f"latency-bound {kind:12}: median {_median(values):.2f}x over {repeat} run(s)")


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
    parser.add_argument("--rounds", type=int, default=3, help="throughput rounds (median)")
    parser.add_argument("--repeat", type=int, default=3, help="latency-bound runs")
    parser.add_argument(
        "--no-floor", action="store_true", help="skip bare Inspect in the latency-bound case"
    )
    args = parser.parse_args()
    sizes = (10, 40) if args.small else (50, 200)
    kinds = [k for k in args.kinds.split(",") if k]
    if kinds:
        with FaultServer(lifetime=3600) as server:
            throughput(server, kinds, sizes, args.rounds)
    if not args.skip_latency:
        latency_bound(repeat=args.repeat, floor=not args.no_floor)
        if "peer" in kinds:
            latency_bound_peer()


if __name__ == "__main__":
    main()
