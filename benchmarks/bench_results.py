"""Time ``insiderbench results`` and ``report`` on 100,000 synthetic samples.

Builds (once, cached in --dir) real Inspect logs of a synthetic study with
several models x conditions x epochs, then runs each command in a fresh
process and prints its wall time and peak RSS. The report is run with 1 and
with 5 examples per cell to show memory does not grow with transcripts shown.

    python benchmarks/bench_results.py [--samples 100000] [--dir /tmp/insiderbench-bench]
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import time
from multiprocessing import Pool
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from _synthlogs import MODELS, SCENARIOS, study_conditions, study_jobs, write_study_log  # noqa: E402

RUNNER = """
import resource, sys, time
from insiderbench.cli import app
start = time.perf_counter()
try:
    app(sys.argv[1:], standalone_mode=False)
finally:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"@@ {time.perf_counter() - start:.2f} {rss:.0f}", file=sys.stderr)
"""


def _job(args: tuple[object, ...]) -> str:
    return str(write_study_log(*args))  # type: ignore[arg-type]


def build(out: Path, samples: int, workers: int) -> int:
    per_epoch = len(MODELS) * len(study_conditions(SCENARIOS))
    epochs = math.ceil(samples / per_epoch)
    total = per_epoch * epochs
    marker = out / f".built-{total}"
    if marker.exists():
        print(f"reusing {total} samples in {out}")
        return total
    for stale in out.glob(".built-*"):  # the logs are rewritten: no other count is valid
        stale.unlink()
    start = time.perf_counter()
    with Pool(workers) as pool:
        pool.map(_job, study_jobs(out, epochs))
    marker.touch()
    print(f"built {total} samples in {len(list(out.glob('*.eval')))} logs "
          f"in {time.perf_counter() - start:.0f} s")  # fmt: skip
    return total


def measure(label: str, args: list[str]) -> tuple[float, float, float]:
    start = time.perf_counter()
    run = subprocess.run([sys.executable, "-c", RUNNER, *args], capture_output=True, text=True,
                         check=False)  # fmt: skip
    wall = time.perf_counter() - start
    line = next((x for x in run.stderr.splitlines() if x.startswith("@@ ")), None)
    if run.returncode != 0 or line is None:
        sys.exit(f"{label} failed:\n{run.stderr[-3000:]}")
    inner, rss = (float(v) for v in line.split()[1:])
    print(f"{label:<28} wall {wall:6.1f} s (in-process {inner:6.1f} s)  peak RSS {rss:6.0f} MB")
    return wall, inner, rss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=100_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/insiderbench-bench"))
    parser.add_argument("--workers", type=int, default=2)
    opts = parser.parse_args()
    logs = opts.dir / "logs"
    total = build(logs, opts.samples, opts.workers)
    print(f"{total} samples, {len(MODELS)} models, {len(SCENARIOS)} scenarios")
    results = measure("results --json", ["results", str(logs), "--json"])
    measure("results (table)", ["results", str(logs), "--by", "model,scenario"])
    report1 = measure("report --examples 1", ["report", str(logs), "-o", str(opts.dir / "r1"),
                                              "--examples", "1"])  # fmt: skip
    report5 = measure("report --examples 5", ["report", str(logs), "-o", str(opts.dir / "r5"),
                                              "--examples", "5"])  # fmt: skip
    size = (opts.dir / "r5" / "index.html").stat().st_size / 1e6
    print(f"report html with 5 examples per cell: {size:.1f} MB")
    print(
        f"targets: results < 30 s -> {'ok' if results[0] < 30 else 'MISSED'}; "
        f"report < 60 s -> {'ok' if report5[0] < 60 else 'MISSED'}; "
        f"RSS 1 vs 5 examples: {report1[2]:.0f} vs {report5[2]:.0f} MB"
    )


if __name__ == "__main__":
    main()
