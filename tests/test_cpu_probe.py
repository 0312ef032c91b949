"""llama.cpp's AMX kernels: probed in a child, switched off when they crash, cached."""

from __future__ import annotations

import logging
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from insiderbench.models import _cpu_probe as probe

AMX_INFO = b"CPU : AVX2 = 1 | AVX512 = 1 | AMX_INT8 = 1 | REPACK = 1 | "
PLAIN_INFO = b"CPU : AVX2 = 1 | FMA = 1 | REPACK = 1 | "


class _Params:
    use_extra_bufts = True


def _fake_llama_cpp(info: bytes) -> Any:
    low = SimpleNamespace(llama_model_default_params=_Params)
    return SimpleNamespace(
        __version__="0.0-test",
        llama_print_system_info=lambda: info,
        llama=SimpleNamespace(llama_cpp=low),
    )


@pytest.fixture
def model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("INSIDERBENCH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv(probe.EXTRA_BUFFERS_ENV, raising=False)
    path = tmp_path / "m.gguf"
    path.write_bytes(b"GGUF")
    return path


def test_a_build_without_amx_is_not_probed(model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(probe, "_probe", lambda m: pytest.fail("probed"))
    assert probe.extra_buffers_usable(_fake_llama_cpp(PLAIN_INFO), model)


def test_a_crashing_check_turns_extra_buffers_off_once(
    model: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # a real child process that dies by SIGSEGV, as ldtilecfg kills it in a sandbox
    monkeypatch.setattr(probe, "_PROBE", "import os, signal; os.kill(os.getpid(), signal.SIGSEGV)")
    fake = _fake_llama_cpp(AMX_INFO)
    with caplog.at_level(logging.WARNING):
        assert not probe.extra_buffers_usable(fake, model)
    assert "signal 11" in caplog.text and probe.EXTRA_BUFFERS_ENV in caplog.text
    # cached: a second call does not run the check again
    monkeypatch.setattr(probe, "_probe", lambda m: pytest.fail("probed twice"))
    assert not probe.extra_buffers_usable(fake, model)


def test_a_passing_check_keeps_them_and_an_ordinary_error_is_not_a_crash(
    model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(probe, "_PROBE", "import sys; sys.exit(0)")
    assert probe._probe(model) == (True, "the check generated a token")
    monkeypatch.setattr(probe, "_PROBE", "raise SystemExit(3)")
    usable, detail = probe._probe(model)
    assert usable and "exited 3" in detail


def test_the_environment_decides_without_a_check(
    model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(probe, "_probe", lambda m: pytest.fail("probed"))
    fake = _fake_llama_cpp(AMX_INFO)
    monkeypatch.setenv(probe.EXTRA_BUFFERS_ENV, "0")
    assert not probe.extra_buffers_usable(fake, model)
    monkeypatch.setenv(probe.EXTRA_BUFFERS_ENV, "1")
    assert probe.extra_buffers_usable(fake, model)


def test_the_load_sees_extra_buffers_off_and_the_default_is_restored() -> None:
    fake = _fake_llama_cpp(AMX_INFO)
    low = fake.llama.llama_cpp
    with probe.extra_buffers(fake, enabled=False):
        assert low.llama_model_default_params().use_extra_bufts is False
    assert low.llama_model_default_params is _Params
    with probe.extra_buffers(fake, enabled=True):
        assert low.llama_model_default_params().use_extra_bufts is True
