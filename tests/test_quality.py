"""The house's static checks run as part of the suite, so CI enforces them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False)


def test_ruff_lint_is_clean() -> None:
    if shutil.which("ruff") is None:
        pytest.skip("ruff is not installed (pip install -e '.[test]')")
    result = _run("ruff", "check", "src", "tests", "benchmarks", "docs")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean() -> None:
    if shutil.which("ruff") is None:
        pytest.skip("ruff is not installed (pip install -e '.[test]')")
    result = _run("ruff", "format", "--check", "src", "tests", "benchmarks", "docs")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_on_src_is_clean() -> None:
    result = _run(sys.executable, "-m", "mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def test_library_code_does_not_print() -> None:
    """Only the CLI prints; library modules log."""
    offenders = []
    for path in (ROOT / "src" / "insiderbench").rglob("*.py"):
        if "cli" in path.parts:
            continue
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if line.lstrip().startswith("print("):
                offenders.append(f"{path.relative_to(ROOT)}:{n}")
    assert not offenders, offenders


def test_every_cli_command_is_documented_in_the_readme() -> None:
    from typer.main import get_command

    from insiderbench.cli import app

    readme = (ROOT / "README.md").read_text()
    names = sorted(get_command(app).commands)  # type: ignore[attr-defined]
    assert len(names) >= 9, names
    missing = [n for n in names if f"insiderbench {n}" not in readme]
    assert not missing, f"commands not shown in README.md: {missing}"
