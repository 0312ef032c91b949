"""The quick-start study on the embedded model: where the wall time goes.

Run: ``python benchmarks/bench_quickstart.py [--model llamacpp/local] [--samples 3]``.

It runs ``insiderbench run`` (the quick-start conditions: the main blackmail
condition and its control) in a fresh log directory, then reads the log and
reports, per sample, the model's own time, time to first token and how many
prompt tokens came from the KV cache; and for the whole run the wall time, the
summed model time (calls are serialised, so the sum is the time the model was
busy) and the time outside model calls: wall time minus summed model time
(interpreter and Inspect imports, the weight check, loading the model into
llama.cpp, and the harness itself).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from inspect_ai.log import list_eval_logs, read_eval_log


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="llamacpp/local")
    parser.add_argument("--samples", type=int, default=3)
    args = parser.parse_args()
    log_dir = Path(tempfile.mkdtemp(prefix="ib-quickstart-"))
    cmd = [sys.executable, "-m", "insiderbench", "run", "--model", args.model]
    cmd += ["-c", "blackmail_explicit-america_replacement", "-c", "blackmail_none-none_none"]
    cmd += ["-n", str(args.samples), "--log-dir", str(log_dir), "--display", "none"]
    cmd += ["--no-report"]
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=os.environ, check=False)
    wall = time.perf_counter() - started
    if proc.returncode not in (0, 3):
        sys.exit(f"run failed ({proc.returncode}):\n{proc.stderr}")
    rows = []
    for info in list_eval_logs(str(log_dir)):
        for sample in read_eval_log(info).samples or []:
            out = sample.output
            meta = out.metadata or {}
            usage = out.usage
            rows.append(
                (
                    str(sample.id),
                    int(sample.epoch),
                    float(out.time or 0.0),
                    meta.get("time_to_first_token"),
                    meta.get("prompt_tokens_reused"),
                    usage.input_tokens + (usage.input_tokens_cache_read or 0) if usage else None,
                    usage.output_tokens if usage else None,
                )
            )
    rows.sort(key=lambda r: r[2])
    print(f"{'condition':42} {'epoch':>5} {'model s':>8} {'TTFT s':>7} {'reused':>7} "
          f"{'prompt':>7} {'output':>7}")  # fmt: skip
    for cid, epoch, secs, ttft, reused, prompt, output in rows:
        print(f"{cid:42} {epoch:5d} {secs:8.1f} {ttft or 0:7.2f} {reused or 0:7d} "
              f"{prompt or 0:7d} {output or 0:7d}")  # fmt: skip
    model_time = sum(r[2] for r in rows)
    print(f"\nwall time of `insiderbench run`: {wall:.1f} s")
    print(f"summed model time ({len(rows)} calls):  {model_time:.1f} s")
    print(f"outside model calls (imports, model load, harness): {wall - model_time:.1f} s "
          f"({100 * (wall - model_time) / wall:.1f}% of wall)")  # fmt: skip


if __name__ == "__main__":
    main()
