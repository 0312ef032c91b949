"""House rules the static checkers cannot see.

ruff, ruff format and mypy --strict run as steps of ``.ci/run``, before the suite.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).parents[1]


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
