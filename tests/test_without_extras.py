"""The core commands work without the optional `upstream` extra (issue 11).

``pip install '.[local]'`` does not bring ``inspect_evals``. The commands a newcomer
types first must still work on the built-in packs, and list the upstream packs as
unavailable with the pip hint; naming an upstream pack keeps its clear error.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from insiderbench.cli import app
from insiderbench.scenarios import BUILTIN_PACKS, UPSTREAM_PACKS, available_pack_names
from insiderbench.scenarios.upstream import _pack as upstream_pack

HINT = "pip install 'insiderbench[upstream]'"


@pytest.fixture
def no_inspect_evals(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Make ``inspect_evals`` unimportable, as in a venv without the extra."""
    monkeypatch.delenv("INSIDERBENCH_UPSTREAM_DIR", raising=False)
    monkeypatch.setitem(sys.modules, "inspect_evals", None)  # find_spec -> None
    upstream_pack._cached_source.cache_clear()
    yield
    upstream_pack._cached_source.cache_clear()


def _invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.usefixtures("no_inspect_evals")
def test_the_fixture_really_hides_the_package() -> None:
    import importlib.util

    assert importlib.util.find_spec("inspect_evals") is None
    with pytest.raises(ImportError):
        import inspect_evals  # noqa: F401


@pytest.mark.usefixtures("no_inspect_evals")
def test_packs_lists_upstream_as_unavailable_with_the_hint() -> None:
    code, out, _ = _invoke("packs")
    assert code == 0, out
    for name in (*BUILTIN_PACKS, *UPSTREAM_PACKS):
        assert name in out
    assert out.count("unavailable") >= len(UPSTREAM_PACKS)
    assert HINT in " ".join(out.split())  # rich may wrap the hint


@pytest.mark.usefixtures("no_inspect_evals")
def test_conditions_covers_every_loadable_pack_and_says_what_it_skipped() -> None:
    assert available_pack_names()[: len(BUILTIN_PACKS)] == list(BUILTIN_PACKS)
    assert not set(UPSTREAM_PACKS) & set(available_pack_names())

    code, out, err = _invoke("conditions", "--goal-type", "none", "--urgency", "none", "--json")
    assert code == 0, out + err
    scenarios = {row["scenario"] for row in json.loads(out)}
    assert set(BUILTIN_PACKS) <= scenarios
    assert not scenarios & set(UPSTREAM_PACKS)


@pytest.mark.usefixtures("no_inspect_evals")
def test_prompt_and_dry_run_work_on_built_in_packs() -> None:
    code, out, err = _invoke("prompt", "blackmail_explicit-america_replacement", "--json")
    assert code == 0, out + err
    assert "Corvane" in json.loads(out)["system"]

    code, out, err = _invoke("run", "--dry-run")  # the quick-start study
    assert code == 0, out + err
    assert "2 conditions x 3 samples" in out and "llamacpp/local" in out

    code, out, err = _invoke("run", "-s", "leaking", "--goal-type", "none", "--dry-run")
    assert code == 0, out + err
    assert "3 conditions x 3 samples" in out


@pytest.mark.usefixtures("no_inspect_evals")
def test_naming_an_upstream_pack_keeps_the_clear_error() -> None:
    code, out, err = _invoke("prompt", "upstream/blackmail_explicit-america_replacement")
    assert code == 2, out + err
    assert "inspect_evals" in err and HINT in " ".join(err.split())

    code, out, err = _invoke("conditions", "--scenario", "upstream/murder")
    assert code == 2, out + err
    assert HINT in " ".join(err.split())
