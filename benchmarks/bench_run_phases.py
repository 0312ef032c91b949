"""Where a latency-bound run's time goes: start-up, the run, garbage collection, the tail.

Runs ``insiderbench run`` (rules only) against the loopback server with a fixed
latency, in a child process that times its own phases, and prints:

- start-up: process start to the first request reaching the server;
- the run: ``eval_set`` from call to return, and the garbage collections inside
  it (count and seconds per generation, from ``gc.callbacks``);
- the tail: the summary table, and interpreter shutdown (the last atexit hook
  to the process's exit, as the parent sees it).

``--no-gc-tuning`` runs the same command with insiderbench's collector tuning
switched off (``run_gc`` replaced by a no-op and ``gc.freeze`` disabled), for
an A/B in one sitting. The machine's noise is a second or two either way.

    python benchmarks/bench_run_phases.py [--samples 1000] [--latency 1] [--connections 100]
        [--no-gc-tuning] [--repeat 1]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from bench_throughput import write_latency_study  # noqa: E402

from fault_server import FaultServer  # noqa: E402

RUNNER = r"""
import atexit, contextlib, gc, json, sys, time
TUNED = sys.argv[1] == "tuned"
phases = {"gc_n": [0, 0, 0], "gc_s": [0.0, 0.0, 0.0]}
_start = {}
_in_run = [False]
def _gc(phase, info):
    if phase == "start":
        _start["t"] = time.perf_counter()
    elif _in_run[0]:
        g = info["generation"]
        phases["gc_n"][g] += 1
        phases["gc_s"][g] += time.perf_counter() - _start["t"]
gc.callbacks.append(_gc)
def _report():
    phases["last_atexit"] = time.time()
    print("PHASES " + json.dumps(phases), file=sys.stderr, flush=True)
atexit.register(_report)  # registered first: runs last
import insiderbench.study._run as run_mod
import insiderbench.cli._summary as summary_mod
if not TUNED:
    import insiderbench.cli._gc as gc_mod
    gc_mod.run_gc = contextlib.nullcontext
    gc.freeze = lambda: None
eval_set = run_mod.eval_set
def timed_eval_set(*a, **k):
    phases["eval_set_start"] = time.time()
    phases["eval_set_cpu"] = time.process_time()
    _in_run[0] = True
    try:
        return eval_set(*a, **k)
    finally:
        _in_run[0] = False
        phases["eval_set_end"] = time.time()
        phases["eval_set_cpu"] = time.process_time() - phases["eval_set_cpu"]
run_mod.eval_set = timed_eval_set
summary = summary_mod.print_run_summary
def timed_summary(*a, **k):
    t = time.time()
    try:
        return summary(*a, **k)
    finally:
        phases["summary_s"] = time.time() - t
summary_mod.print_run_summary = timed_summary
from insiderbench.cli import main
sys.argv = ["insiderbench", *sys.argv[2:]]
main()
"""


def run_once(samples: int, latency: float, connections: int, tuned: bool) -> dict[str, float]:
    """One instrumented run; returns its phases in seconds."""
    with tempfile.TemporaryDirectory() as tmp, FaultServer(latency=latency) as server:
        path = write_latency_study(Path(tmp), samples, connections)
        args = ["tuned" if tuned else "untuned", "run", str(path), "--display", "none"]
        start = time.time()
        proc = subprocess.run(
            [sys.executable, "-c", RUNNER, *args, "--no-report"],
            env={**os.environ, **server.env("bench")},
            capture_output=True,
            text=True,
        )
        end = time.time()
        first = min(h.time for h in server.hits) if server.hits else end
    line = next((x for x in proc.stderr.splitlines() if x.startswith("PHASES ")), None)
    if proc.returncode not in (0, 3) or line is None:
        raise SystemExit(f"run failed (exit {proc.returncode}):\n{proc.stderr[-2000:]}")
    p = json.loads(line.removeprefix("PHASES "))
    return {
        "start-up": first - start,
        "waiting": end - first,
        "eval_set": p["eval_set_end"] - p["eval_set_start"],
        "eval_set cpu": p["eval_set_cpu"],
        "gc in run": sum(p["gc_s"]),
        "full gcs": p["gc_n"][2],
        "summary": p["summary_s"],
        "shutdown": end - p["last_atexit"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=1.0)
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--no-gc-tuning", action="store_true")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    tuned = not args.no_gc_tuning
    ideal = args.samples / args.connections * args.latency
    print(f"{args.samples} samples, {args.latency:g} s latency, {args.connections} connections, "
          f"gc tuning {'on' if tuned else 'off'}; ideal waiting {ideal:.0f} s")  # fmt: skip
    for _ in range(args.repeat):
        m = run_once(args.samples, args.latency, args.connections, tuned)
        print(
            f"start-up {m['start-up']:.1f} s | waiting {m['waiting']:.1f} s "
            f"= {m['waiting'] / ideal:.2f}x | eval_set {m['eval_set']:.1f} s "
            f"({m['eval_set cpu']:.1f} s CPU), "
            f"gc in it {m['gc in run']:.2f} s ({m['full gcs']:.0f} full) | "
            f"summary {m['summary']:.2f} s | shutdown {m['shutdown']:.2f} s",
            flush=True,
        )


if __name__ == "__main__":
    main()
