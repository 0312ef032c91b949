"""The embedded default model (``llamacpp/local``) on the quick-start prompt.

Run: ``python benchmarks/bench_local_model.py [--max-tokens 64] [--n-threads N]``.

Renders the quick-start condition (``blackmail_explicit-america_replacement``
from the built-in ``blackmail`` pack, or the tiny test pack if that is not
available), then generates twice through our Inspect provider in one process:

- the first sample evaluates the whole prompt;
- the second sample of the same condition reuses the KV prefix.

It reports model load time, time to first token for each sample, prompt and
generation tokens/s (from llama.cpp's own timers, as the provider reports them
in ``ModelOutput.metadata``), wall time per sample and the peak RSS of the process.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import time
from typing import Any

from inspect_ai.model import ChatMessageSystem, ChatMessageUser, GenerateConfig, get_model

from insiderbench.conditions import Condition
from insiderbench.models import LlamaCppArgs, ensure_default_model, resolve_model_path
from insiderbench.models._llamacpp import load_engine
from insiderbench.scenarios import get_pack

CONDITION = "blackmail_explicit-america_replacement"


def quickstart_prompt() -> tuple[str, str, str]:
    try:
        rendered = get_pack("blackmail").render(Condition.from_id(CONDITION))
        return "blackmail", rendered.system, rendered.user
    except Exception:  # the built-in pack is missing: fall back to the test pack
        os.environ.setdefault("INSIDERBENCH_PACK_PATH", "tests/fixtures/packs")
        condition = Condition.from_id(CONDITION.replace("blackmail", "tiny", 1))
        rendered = get_pack("tiny").render(condition)
        return "tiny", rendered.system, rendered.user


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def measure(max_tokens: int, model_args: dict[str, Any]) -> list[dict[str, Any]]:
    pack, system, user = quickstart_prompt()
    messages: list[Any] = [ChatMessageSystem(content=system), ChatMessageUser(content=user)]
    started = time.perf_counter()
    ensure_default_model()
    assembled = time.perf_counter() - started
    started = time.perf_counter()
    load_engine(resolve_model_path("local"), LlamaCppArgs(**model_args))
    loaded = time.perf_counter() - started
    model = get_model(
        "llamacpp/local", config=GenerateConfig(max_tokens=max_tokens, seed=1), **model_args
    )
    rows = []
    for label in ("first sample", "second sample (same condition)"):
        begun = time.perf_counter()
        output = await model.generate(messages)
        wall = time.perf_counter() - begun
        usage, meta = output.usage, output.metadata or {}
        assert usage is not None
        fresh = usage.input_tokens
        rows.append(
            {
                "run": label,
                "pack": pack,
                "prompt tokens": usage.input_tokens + (usage.input_tokens_cache_read or 0),
                "reused": meta["prompt_tokens_reused"],
                "TTFT s": meta["time_to_first_token"],
                "prompt tok/s": fresh / meta["prompt_seconds"] if meta["prompt_seconds"] else None,
                "gen tokens": usage.output_tokens,
                "gen tok/s": usage.output_tokens / meta["generation_seconds"]
                if meta["generation_seconds"]
                else None,
                "wall s": wall,
            }
        )
    rows[0]["assembly/verify s"] = assembled
    rows[0]["load s"] = loaded
    return rows


def show(rows: list[dict[str, Any]]) -> None:
    keys = [
        "run",
        "prompt tokens",
        "reused",
        "TTFT s",
        "prompt tok/s",
        "gen tokens",
        "gen tok/s",
        "wall s",
    ]
    cells = [[_fmt(row.get(k)) for k in keys] for row in rows]
    widths = [max(len(k), *(len(c[i]) for c in cells)) for i, k in enumerate(keys)]
    print("  ".join(k.ljust(w) for k, w in zip(keys, widths, strict=True)))
    for c in cells:
        print("  ".join(v.ljust(w) for v, w in zip(c, widths, strict=True)))
    print(f"pack: {rows[0]['pack']}; model file ready in {rows[0]['assembly/verify s']:.2f} s")
    print(f"model load: {rows[0]['load s']:.1f} s; peak RSS: {peak_rss_mb():.0f} MB")
    print(f"model: {resolve_model_path('local')}; cores: {os.cpu_count()}")


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--n-threads", type=int, default=None)
    args = parser.parse_args()
    model_args = {"n_threads": args.n_threads} if args.n_threads else {}
    rows = asyncio.run(measure(args.max_tokens, model_args))
    show(rows)


if __name__ == "__main__":
    main()
