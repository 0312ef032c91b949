"""Finding Inspect log files: the one place the analysis, report and rescore look."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from inspect_ai.log import list_eval_logs

from insiderbench._errors import InsiderbenchError

_LOG_SUFFIXES = (".eval", ".json")


def find_logs(paths: Sequence[str | Path]) -> list[Path]:
    """Expand files and directories into the Inspect log files they hold."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            infos = list_eval_logs(str(path.resolve()), recursive=True, descending=False)
            found.extend(Path(info.name.removeprefix("file://")) for info in infos)
        elif path.is_file() and path.suffix in _LOG_SUFFIXES:
            found.append(path)
        elif path.exists():
            raise InsiderbenchError(
                "not an Inspect log (expected a .eval or .json file)",
                where=str(path),
                fix="pass the log files or the directory Inspect wrote them to",
            )
        else:
            raise InsiderbenchError(
                "no such file or directory",
                where=str(path),
                fix="check the path; logs are in the study's log_dir (default `logs`)",
            )
    if not found:
        raise InsiderbenchError(
            "no Inspect logs found",
            where=", ".join(str(p) for p in paths),
            fix="run `insiderbench run` first, or point at the directory holding its logs",
        )
    return sorted(set(found))


DAMAGED_SUFFIX = ".damaged"
"""Suffix of a damaged log that ``run`` set aside (Inspect skips it; nothing is deleted)."""


def damaged_logs(log_dir: str | Path) -> list[tuple[Path, str]]:
    """Logs in ``log_dir`` whose header cannot be read, with the reason.

    Inspect's eval set reads every log header in its directory and stops at
    the first it cannot read, so a run checks first and names them.
    """
    from inspect_ai.log import read_eval_log

    directory = Path(log_dir)
    if not directory.is_dir():
        return []
    bad: list[tuple[Path, str]] = []
    for info in list_eval_logs(str(directory.resolve()), recursive=True):
        path = Path(info.name.removeprefix("file://"))
        try:
            read_eval_log(str(path), header_only=True)
        except Exception as exc:
            bad.append((path, f"{type(exc).__name__}: {exc}"))
    return bad


def set_aside(path: Path) -> Path:
    """Rename a damaged log to ``<name>.damaged`` beside it (nothing is deleted)."""
    target = path.with_name(path.name + DAMAGED_SUFFIX)
    path.rename(target)
    return target


def set_aside_logs(paths: Sequence[str | Path]) -> list[Path]:
    """Damaged logs set aside earlier under ``paths`` (directories searched recursively)."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(path.rglob(f"*{DAMAGED_SUFFIX}")))
    return found
