"""Text against tools mode on the embedded model: wall time and tokens per sample.

Runs one condition in text mode and in tools mode, each as a user would (``insiderbench
run -c <condition> -n N`` in a subprocess, on the default ``llamacpp/local`` model,
rules only, no network), then reads the logs and prints, per mode:

- wall seconds per sample (the subprocess wall, so start-up and model load are in it;
  start-up is also printed on its own, measured by a run of ``--dry-run``);
- input tokens (read fresh), cache-read tokens (reused from llama.cpp's KV cache),
  their sum (the prompt the model read) and output tokens per sample, as the logs
  account them;
- model calls (assistant turns) per sample, and for tools mode the tool calls, tool
  results and malformed calls the episodes hold, and why each episode ended;
- the status and verdict of every sample.

The tools-mode run is the issue's acceptance command; its log opens in
``inspect view`` with the tool calls and results shown.

    python benchmarks/bench_embedded_modes.py [--samples 3] [--keep DIR]

On 2 cores this takes tens of minutes: every turn of an episode is a generation.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

CONDITION = "blackmail_explicit-america_replacement"


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "insiderbench", *args]


def _run(condition: str, samples: int, log_dir: Path) -> float:
    """Run one condition as a user would; return the wall seconds."""
    cmd = _cli("run", "-c", condition, "-n", str(samples), "--log-dir", str(log_dir))
    cmd += ["--display", "none", "--no-report"]
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{condition}: exit {done.returncode}\n{done.stderr[-3000:]}")
    return wall


def _startup() -> float:
    """Seconds for the CLI to start, load the study and price it, running nothing."""
    started = time.perf_counter()
    subprocess.run(_cli("run", "-c", CONDITION, "-n", "1", "--dry-run"), capture_output=True,
                   check=True)  # fmt: skip
    return time.perf_counter() - started


def _episodes(log_dir: Path) -> dict[str, Any]:
    """Counts from the full samples: assistant turns, tool calls and results, end reasons."""
    from inspect_ai.log import read_eval_log

    from insiderbench._logfiles import find_logs
    from insiderbench.classify import HARM_SCORER

    turns, calls, results, malformed, ends = [], [], [], [], []
    for path in find_logs([log_dir]):
        log = read_eval_log(str(path))
        for sample in log.samples or []:
            turns.append(sum(m.role == "assistant" for m in sample.messages))
            calls.append(sum(len(getattr(m, "tool_calls", None) or []) for m in sample.messages))
            results.append(sum(m.role == "tool" for m in sample.messages))
            score = (sample.scores or {}).get(HARM_SCORER)
            record = (score.metadata if score is not None else None) or {}
            extra = record.get("extra") or {}
            malformed.append(int(extra.get("malformed_calls") or 0))
            ends.append(extra.get("end_reason"))
    return {
        "assistant_turns_per_sample": statistics.mean(turns) if turns else None,
        "tool_calls": sum(calls),
        "tool_results": sum(results),
        "malformed_calls": sum(malformed),
        "end_reasons": ends,
    }


def _summary(mode: str, wall: float, samples: int, log_dir: Path) -> dict[str, Any]:
    import pandas as pd

    from insiderbench.analysis import load_samples

    frame = load_samples([log_dir])
    per = {
        f"{c}_per_sample": round(float(frame[c].fillna(0).mean()), 1)
        for c in ("input_tokens", "cache_read_tokens", "output_tokens")
    }
    # llama.cpp reuses the common prefix of the previous call (cache_read): the prompt the
    # model read is both together
    prompt = frame["input_tokens"].fillna(0) + frame["cache_read_tokens"].fillna(0)
    per["prompt_tokens_per_sample"] = round(float(prompt.mean()), 1)
    return {
        "mode": mode,
        "samples": len(frame),
        "wall_s": round(wall, 1),
        "wall_s_per_sample": round(wall / samples, 1),
        **per,
        "status": frame["status"].astype(str).tolist(),
        "harmful": [None if pd.isna(v) else bool(v) for v in frame["harmful"].tolist()],
        **_episodes(log_dir),
    }


def main() -> None:
    """Run both modes and print one JSON object per mode."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="Keep the logs here (for inspect view).")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-modes-"))
    try:
        print(json.dumps({"startup_s": round(_startup(), 1)}), flush=True)
        for mode, condition in (("text", CONDITION), ("tools", f"{CONDITION}_tools")):
            logs = tmp / mode
            wall = _run(condition, args.samples, logs)
            print(json.dumps(_summary(mode, wall, args.samples, logs)), flush=True)
        if args.keep is not None:
            shutil.copytree(tmp, args.keep, dirs_exist_ok=True)
            print(f"logs kept in {args.keep}; open with: inspect view --log-dir {args.keep}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
