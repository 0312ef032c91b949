"""``llamacpp/<path.gguf>`` and ``llamacpp/local``: llama.cpp in-process.

One ``Llama`` instance is kept per model file (and context settings) per
process. llama.cpp keeps the previous call's tokens in its KV cache and only
evaluates the part of a new prompt after the longest common prefix, so the
second sample of a condition starts generating almost at once. Calls are
serialised (one model, one context) and run in a worker thread so the event
loop stays responsive. The prompt is formatted with the model's own chat
template, which llama-cpp-python reads from the GGUF metadata; tools go to
that template too, and the calls the model writes come back as Inspect tool
calls.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import threading
import time
import weakref
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
from inspect_ai.model import (
    ChatCompletionChoice,
    ChatMessage,
    ChatMessageAssistant,
    GenerateConfig,
    ModelAPI,
    ModelCall,
    ModelOutput,
    ModelUsage,
    StopReason,
)
from inspect_ai.tool import ToolChoice, ToolInfo
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from insiderbench._errors import InsiderbenchError, MissingExtraError, validation_problems
from insiderbench.models._affinity import AffinityScheduler
from insiderbench.models._context import current_call_context
from insiderbench.models._cpu_probe import extra_buffers, extra_buffers_usable
from insiderbench.models._local import ensure_default_model
from insiderbench.models._toolcalls import chat_messages, parse_tool_calls, tool_specs

logger = logging.getLogger(__name__)

LOCAL_MODEL_NAME = "local"
"""``llamacpp/local`` names the embedded default model."""

DEFAULT_MAX_TOKENS = 2048


class LlamaCppArgs(BaseModel):
    """Model args for ``llamacpp/...`` (``-M key=value`` or ``model_args``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    n_ctx: int = Field(default=8192, ge=256)
    """Context window in tokens: room for a ~4k-token prompt plus the answer."""
    n_threads: int | None = Field(default=None, ge=1)
    """CPU threads (llama.cpp picks one per core when unset)."""
    seed: int | None = None
    """Base sampling seed; each sample gets its own seed derived from it."""
    verbose: bool = False
    """Let llama.cpp print its own diagnostics to stderr."""


def require_llama_cpp() -> Any:
    """Import ``llama_cpp`` or raise :class:`MissingExtraError` with the pip command."""
    try:
        import llama_cpp
    except ImportError:
        raise MissingExtraError("llama_cpp", "local", "The llamacpp model provider") from None
    return llama_cpp


def resolve_model_path(model_name: str) -> Path:
    """Return the GGUF file for ``llamacpp/<model_name>`` (``local``: the embedded default)."""
    if model_name == LOCAL_MODEL_NAME:
        return ensure_default_model()
    path = Path(model_name).expanduser()
    if not path.is_file():
        raise InsiderbenchError(
            "GGUF model file not found",
            where=f"llamacpp/{model_name}",
            fix="pass the path of a .gguf file (llamacpp/<path.gguf>), or use llamacpp/local",
        )
    return path.resolve()


@dataclass
class _Engine:
    """A loaded model and the lock that serialises its use across threads."""

    llama: Any
    path: Path
    thread_lock: threading.Lock


_engines: dict[tuple[Path, int, int | None], _Engine] = {}
_engines_lock = threading.Lock()
_loop_schedulers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, AffinityScheduler] = (
    weakref.WeakKeyDictionary()
)


@atexit.register
def _close_engines() -> None:
    """Free loaded models before interpreter shutdown tears down llama.cpp's bindings.

    Left to garbage collection at exit, llama-cpp-python's destructor runs after
    its C bindings are gone and prints a traceback.
    """
    with _engines_lock:
        engines = list(_engines.values())
        _engines.clear()
    for engine in engines:
        close = getattr(engine.llama, "close", None)
        if close is not None:
            close()


def load_engine(path: Path, args: LlamaCppArgs) -> _Engine:
    """Return the process-wide engine for a model file, loading it on first use."""
    key = (path, args.n_ctx, args.n_threads)
    with _engines_lock:
        engine = _engines.get(key)
        if engine is None:
            llama_cpp = require_llama_cpp()
            logger.info("loading %s (n_ctx=%d)", path, args.n_ctx)
            started = time.perf_counter()
            with extra_buffers(llama_cpp, extra_buffers_usable(llama_cpp, path)):
                llama = llama_cpp.Llama(
                    model_path=str(path),
                    n_ctx=args.n_ctx,
                    n_threads=args.n_threads,
                    verbose=args.verbose,
                )
            logger.info("loaded %s in %.1f s", path.name, time.perf_counter() - started)
            engine = _Engine(llama=llama, path=path, thread_lock=threading.Lock())
            _engines[key] = engine
        engine.llama.verbose = args.verbose
        return engine


def _loop_scheduler() -> AffinityScheduler:
    loop = asyncio.get_running_loop()
    scheduler = _loop_schedulers.get(loop)
    if scheduler is None:
        scheduler = _loop_schedulers[loop] = AffinityScheduler()
    return scheduler


@dataclass(frozen=True)
class _Generation:
    text: str
    finish_reason: str | None
    prompt_tokens: int
    completion_tokens: int
    reused_tokens: int
    seconds: float
    prompt_seconds: float
    generation_seconds: float
    time_to_first_token: float


def _generate_blocking(
    engine: _Engine, messages: list[dict[str, Any]], params: dict[str, Any]
) -> _Generation:
    llama_cpp = require_llama_cpp()
    llama = engine.llama
    with engine.thread_lock:
        llama_cpp.llama_perf_context_reset(llama.ctx)
        started = time.perf_counter()
        response = llama.create_chat_completion(messages=messages, stream=False, **params)
        seconds = time.perf_counter() - started
        perf = llama_cpp.llama_perf_context(llama.ctx)
    usage = response["usage"]
    choice = response["choices"][0]
    prompt_tokens = int(usage["prompt_tokens"])
    generation_seconds = perf.t_eval_ms / 1000
    per_token = generation_seconds / perf.n_eval if perf.n_eval else 0.0
    return _Generation(
        text=choice["message"].get("content") or "",
        finish_reason=choice.get("finish_reason"),
        prompt_tokens=prompt_tokens,
        completion_tokens=int(usage["completion_tokens"]),
        reused_tokens=max(0, prompt_tokens - int(perf.n_p_eval)),
        seconds=seconds,
        prompt_seconds=perf.t_p_eval_ms / 1000,
        generation_seconds=generation_seconds,
        time_to_first_token=max(0.0, seconds - generation_seconds) + per_token,
    )


def call_seed(base_seed: int | None) -> int | None:
    """Derive a per-sample seed from a base seed, the sample's condition and epoch.

    The same sample always gets the same seed (so runs and resumes reproduce),
    while different epochs of one condition get different ones (so repeated
    samples are real samples, not copies).
    """
    if base_seed is None:
        return None
    context = current_call_context()
    mixed = zlib.crc32(f"{base_seed}:{context.condition_id}:{context.epoch}".encode())
    return mixed


_STOP_REASONS: dict[str | None, StopReason] = {"stop": "stop", "length": "max_tokens"}


class LlamaCppAPI(ModelAPI):
    """Inspect model API running a GGUF model in-process with llama.cpp."""

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig = GenerateConfig(),  # noqa: B008 - Inspect's signature
        **model_args: Any,
    ) -> None:
        super().__init__(model_name=model_name, base_url=base_url, api_key=api_key, config=config)
        try:
            self.args = LlamaCppArgs.model_validate(model_args)
        except ValidationError as ex:
            problems = "; ".join(f"'{loc}': {msg}" for loc, msg in validation_problems(ex))
            raise InsiderbenchError(
                f"invalid model args: {problems}",
                where=f"llamacpp/{model_name}",
                fix=f"valid model args: {', '.join(LlamaCppArgs.model_fields)} (-M key=value)",
            ) from None
        require_llama_cpp()
        self.path = resolve_model_path(model_name)

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> tuple[ModelOutput, ModelCall]:
        """Generate a completion; usage, timing and KV-prefix reuse are reported.

        With tools, they go to the model's own chat template and the calls the
        model writes are parsed back into Inspect tool calls (see
        :mod:`insiderbench.models._toolcalls`).
        """
        messages = chat_messages(input)
        params = self._sampling_params(config)
        if tools:
            params["tools"] = tool_specs(tools)
        prompt = "\n".join(str(m.get("content") or "") for m in messages)
        async with _loop_scheduler().turn(prompt):
            engine = await anyio.to_thread.run_sync(load_engine, self.path, self.args)
            result = await anyio.to_thread.run_sync(_generate_blocking, engine, messages, params)
        logger.info(
            "llamacpp %s: reused %d of %d prompt tokens from the KV cache; "
            "first token after %.2f s, %d tokens in %.1f s",
            self.path.name,
            result.reused_tokens,
            result.prompt_tokens,
            result.time_to_first_token,
            result.completion_tokens,
            result.seconds,
        )
        return self._output(result, with_tools=bool(tools)), ModelCall.create(
            request={"messages": messages, **params},
            response={"content": result.text, "finish_reason": result.finish_reason},
            time=result.seconds,
        )

    def _sampling_params(self, config: GenerateConfig) -> dict[str, Any]:
        params: dict[str, Any] = {"max_tokens": config.max_tokens or DEFAULT_MAX_TOKENS}
        if config.temperature is not None:
            params["temperature"] = config.temperature
        if config.top_p is not None:
            params["top_p"] = config.top_p
        if config.stop_seqs:
            params["stop"] = list(config.stop_seqs)
        seed = call_seed(config.seed if config.seed is not None else self.args.seed)
        if seed is not None:
            params["seed"] = seed
        return params

    def _output(self, result: _Generation, with_tools: bool = False) -> ModelOutput:
        stop_reason = _STOP_REASONS.get(result.finish_reason, "unknown")
        parsed = parse_tool_calls(result.text) if with_tools else None
        if parsed is not None and parsed.calls:
            message = ChatMessageAssistant(
                content=parsed.text,
                tool_calls=parsed.calls,
                model=self.model_name,
                source="generate",
            )
            output = ModelOutput(
                model=self.model_name,
                choices=[ChatCompletionChoice(message=message, stop_reason="tool_calls")],
            )
        else:
            output = ModelOutput.from_content(
                model=self.model_name, content=result.text, stop_reason=stop_reason
            )
        fresh = result.prompt_tokens - result.reused_tokens
        output.usage = ModelUsage(
            input_tokens=fresh,
            input_tokens_cache_read=result.reused_tokens,
            output_tokens=result.completion_tokens,
            total_tokens=result.prompt_tokens + result.completion_tokens,
        )
        output.time = result.seconds
        output.metadata = {
            "prompt_tokens_reused": result.reused_tokens,
            "time_to_first_token": round(result.time_to_first_token, 4),
            "prompt_seconds": round(result.prompt_seconds, 4),
            "generation_seconds": round(result.generation_seconds, 4),
        }
        return output

    def max_tokens(self) -> int | None:
        """Default answer length when the config sets none."""
        return DEFAULT_MAX_TOKENS

    def max_connections(self) -> int:
        """One model, one context: calls run one at a time."""
        return 1
