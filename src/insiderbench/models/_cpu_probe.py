"""Whether llama.cpp's extra CPU buffer types (its AMX kernels) run on this machine.

llama-cpp-python builds llama.cpp for the CPU it is installed on. On a CPU with
Intel AMX, that build moves weights into an AMX buffer and multiplies with AMX
tile instructions. Inside many sandboxes and VMs the kernel does not give the
process AMX tile state, and the first tile instruction (``ldtilecfg``) kills the
process with a general protection fault: no exception, no message, just exit
code -11. Measured here: a native build of llama-cpp-python 0.3.36 on an
AMX-capable Xeon in this sandbox crashed on the first generation, and the same
build with ``use_extra_bufts`` off answered normally.

So before loading a model with extra buffer types on an AMX build, a child
process loads it, reads a prompt of a few hundred tokens (AMX multiplies
batches; a one-token prompt never reaches it) and generates one token. If the
child dies by a signal, models load without extra buffer types (slower prompt
processing, same outputs), and a warning says why. The answer is cached per
llama.cpp build, CPU and model file, so the probe runs once per machine.
``INSIDERBENCH_LLAMA_EXTRA_BUFFERS`` set to ``0`` or ``1`` decides without
probing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from insiderbench.models._local import cache_dir

logger = logging.getLogger(__name__)

EXTRA_BUFFERS_ENV = "INSIDERBENCH_LLAMA_EXTRA_BUFFERS"
"""``1``: always use llama.cpp's extra buffer types; ``0``: never; unset: probe."""

_PROBE = """
import sys, llama_cpp
llama = llama_cpp.Llama(model_path=sys.argv[1], n_ctx=512, n_threads=1, verbose=False)
llama.create_completion("The quick brown fox jumps over the lazy dog. " * 24, max_tokens=1)
"""
_PROBE_TIMEOUT = 600.0


def _system_info(llama_cpp: Any) -> str:
    info = llama_cpp.llama_print_system_info()
    return info.decode("utf-8", "replace") if isinstance(info, bytes) else str(info)


def _cpu_name() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "unknown"


def _probe_file(key: str) -> Path:
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return cache_dir() / "models" / f"extra-buffers-{digest}.json"


def extra_buffers_usable(llama_cpp: Any, model: Path) -> bool:
    """Whether ``model`` may load with llama.cpp's extra buffer types on this machine.

    True without a probe when the build has no AMX kernels; otherwise the
    cached or freshly probed answer (see the module docstring).
    """
    forced = os.environ.get(EXTRA_BUFFERS_ENV)
    if forced in ("0", "1"):
        return forced == "1"
    info = _system_info(llama_cpp)
    if "AMX" not in info or "AMX_INT8 = 0" in info:
        return True
    version = getattr(llama_cpp, "__version__", "?")
    key = json.dumps([version, info, _cpu_name(), str(model), model.stat().st_size])
    stamp = _probe_file(key)
    with contextlib.suppress(OSError, ValueError):
        cached = json.loads(stamp.read_text(encoding="utf-8"))
        if cached.get("key") == key:
            return bool(cached["usable"])
    usable, detail = _probe(model)
    if not usable:
        logger.warning(
            "llama.cpp's AMX kernels crash on this machine (%s; the OS or sandbox does not "
            "grant AMX tile state): models load without extra buffer types, which is slower "
            "at reading prompts and gives the same outputs; set %s=1 to override",
            detail,
            EXTRA_BUFFERS_ENV,
        )
    with contextlib.suppress(OSError):
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(json.dumps({"key": key, "usable": usable, "detail": detail}))
    return usable


def _probe(model: Path) -> tuple[bool, str]:
    """Load ``model`` with extra buffer types in a child and generate one token."""
    logger.info("checking that llama.cpp's AMX kernels run here (once per machine)")
    try:
        done = subprocess.run(
            [sys.executable, "-c", _PROBE, str(model)],
            capture_output=True,
            text=True,
            timeout=_PROBE_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return False, f"the check did not finish in {_PROBE_TIMEOUT:.0f} s"
    if done.returncode == 0:
        return True, "the check generated a token"
    if done.returncode < 0:
        return False, f"the check was killed by signal {-done.returncode}"
    # an ordinary error (not a crash) is not AMX's doing: keep the default, and say so
    logger.info(
        "the AMX check exited %d without a crash; keeping llama.cpp's default: %s",
        done.returncode,
        done.stderr.strip()[-500:],
    )
    return True, f"the check exited {done.returncode} without a crash"


@contextlib.contextmanager
def extra_buffers(llama_cpp: Any, enabled: bool) -> Iterator[None]:
    """Within the block, ``llama_cpp.Llama`` loads models with ``use_extra_bufts=enabled``.

    llama-cpp-python builds its model parameters from
    ``llama_model_default_params()`` inside ``Llama.__init__`` and has no
    argument for this field, so the default is wrapped for the duration of
    the load (callers hold the engine lock, so no other load runs meanwhile).
    """
    if enabled:
        yield
        return
    module = llama_cpp.llama.llama_cpp
    original = module.llama_model_default_params

    def defaults() -> Any:
        params = original()
        params.use_extra_bufts = False
        return params

    module.llama_model_default_params = defaults
    try:
        yield
    finally:
        module.llama_model_default_params = original
