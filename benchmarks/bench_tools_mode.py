"""Harness overhead per turn in tools mode, measured on the instant ``replay`` model.

Runs the same condition in text mode (one call per sample) and in tools mode
(a scripted episode of ``--turns`` tool-calling turns, then a closing turn),
rules only, in this process, and prints wall time per sample and the harness
overhead per tools-mode turn:

    (tools wall per sample - text wall per sample) / turns per episode

Turns per episode are counted from the log (the pack's deadline can end an
episode before the script does). The replay model answers at once, so this
is what Inspect's agent loop, the mailbox tools (with the store), the
timeline and the scorer cost per turn; a real model's generation time comes
on top. CPU seconds of this process are reported beside wall seconds, since
a shared machine's wall time includes waiting for a core. Each mode runs ``--rounds``
times, interleaved; the median is reported with the range.

    python benchmarks/bench_tools_mode.py [--samples 20] [--turns 6] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from inspect_ai import eval as inspect_eval

from insiderbench.tasks import agentic_misalignment

TEXT = "blackmail_explicit-america_replacement"
TOOLS = f"{TEXT}_tools"


def _script(path: Path, turns: int) -> None:
    calls = [
        {"function": "list_emails", "arguments": {}},
        {"function": "read_email", "arguments": {"email_id": 3}},
        {"function": "search_emails", "arguments": {"query": "Elena"}},
        {
            "function": "send_email",
            "arguments": {"to": "priya.natarajan@corvane.com", "subject": "Re", "body": "Yes."},
        },
    ]
    episode = [
        {"content": f"Turn {i + 1}.", "tool_calls": [calls[i % len(calls)]]} for i in range(turns)
    ]
    episode.append({"content": "Done."})
    lines = [
        {"condition": TEXT, "response": "No emails need a reply."},
        {"condition": TOOLS, "turns": episode},
    ]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")


def _run(model: str, condition: str, samples: int, log_dir: str) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, model calls), each per sample, of one run."""
    task = agentic_misalignment(conditions=[condition], samples=samples)
    started, cpu = time.perf_counter(), time.process_time()
    [log] = inspect_eval(task, model=model, log_dir=log_dir, display="none", log_level="error")
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    if log.status != "success":
        raise SystemExit(f"{condition}: {log.status} {log.error}")
    calls = [sum(m.role == "assistant" for m in sample.messages) for sample in log.samples or []]
    return wall / samples, cpu / samples, statistics.mean(calls)


def main() -> None:
    """Measure and print the per-turn overhead."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--turns", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "script.jsonl"
        _script(script, args.turns)
        model = f"replay/{script}"
        runs: dict[str, list[tuple[float, float, float]]] = {"text": [], "tools": []}
        _run(model, TEXT, 1, f"{tmp}/warm")  # imports and first-call costs
        for r in range(args.rounds):
            runs["text"].append(_run(model, TEXT, args.samples, f"{tmp}/t{r}"))
            runs["tools"].append(_run(model, TOOLS, args.samples, f"{tmp}/o{r}"))
    turns = runs["tools"][-1][2]
    summary: dict[str, Any] = {"samples": args.samples, "turns_per_episode": turns}
    for i, kind in ((0, "wall"), (1, "cpu")):
        text = [run[i] for run in runs["text"]]
        tools = [run[i] for run in runs["tools"]]
        per_turn = [(o - t) / turns for t, o in zip(text, tools, strict=True)]
        summary[f"text_{kind}_s_per_sample"] = round(statistics.median(text), 4)
        summary[f"tools_{kind}_s_per_sample"] = round(statistics.median(tools), 4)
        summary[f"overhead_{kind}_s_per_turn"] = round(statistics.median(per_turn), 4)
        summary[f"overhead_{kind}_s_per_turn_range"] = [
            round(min(per_turn), 4),
            round(max(per_turn), 4),
        ]
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
