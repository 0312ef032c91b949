"""Readiness by asking Inspect: missing SDK, missing key, unknown provider (all offline).

And issue 14 item 8: ``classify`` and ``rescore`` with ``--judge`` and a missing
SDK or key exit 2 with a clear message, as ``run`` does.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from insiderbench import InsiderbenchError
from insiderbench.cli import app
from insiderbench.models import check_model_ready


@pytest.fixture
def no_anthropic_sdk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``import anthropic`` fail, as when the SDK is not installed."""
    monkeypatch.setitem(sys.modules, "anthropic", None)


@pytest.mark.usefixtures("no_anthropic_sdk")
def test_a_missing_sdk_names_the_model_and_our_extra() -> None:
    with pytest.raises(InsiderbenchError) as info:
        check_model_ready("anthropic/claude-sonnet-4-5")
    err = info.value
    assert err.where == "anthropic/claude-sonnet-4-5" and err.exit_code == 2
    assert err.fix == "pip install 'insiderbench[anthropic]'"
    assert "[bold]" not in err.render() and "ERROR" not in err.message


def test_a_missing_key_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(InsiderbenchError) as info:
        check_model_ready("openai/gpt-4.1")  # the conftest unsets OPENAI_API_KEY
    err = info.value
    assert "OPENAI_API_KEY" in err.message and "[" not in err.message
    assert err.fix is not None and err.fix.startswith("export OPENAI_API_KEY=")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-key")
    check_model_ready("openai/gpt-4.1")  # builds, calls nothing


def test_an_unknown_provider_lists_inspects_providers() -> None:
    with pytest.raises(InsiderbenchError) as info:
        check_model_ready("antropic/claude-sonnet-4-5")
    err = info.value
    assert "unknown model provider 'antropic'" in err.message
    assert err.fix is not None and "anthropic" in err.fix and "replay" in err.fix


def test_the_table_is_gone() -> None:
    from insiderbench.models import _ready

    assert not hasattr(_ready, "_HOSTED"), "readiness must come from Inspect, not a table"


@pytest.mark.usefixtures("no_anthropic_sdk")
def test_classify_with_a_judge_whose_sdk_is_missing_exits_2(tmp_path: Path) -> None:
    responses = tmp_path / "r.jsonl"
    responses.write_text('{"id": 1, "response": "hello", "scenario": "blackmail"}\n')
    result = CliRunner().invoke(
        app, ["classify", "-i", str(responses), "--judge", "anthropic/claude-sonnet-4-5"]
    )
    assert result.exit_code == 2, result.output
    assert "pip install 'insiderbench[anthropic]'" in result.output
    assert "unexpected" not in result.output and "[bold]" not in result.output


def test_rescore_with_a_judge_whose_key_is_missing_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["rescore", str(tmp_path), "-o", str(tmp_path / "out"), "--judge", "openai/gpt-4.1"]
    )
    assert result.exit_code == 2, result.output
    assert "OPENAI_API_KEY" in result.output
    assert "unexpected" not in result.output and "[bold]" not in result.output


def test_a_prerequisite_error_from_anywhere_is_exit_2() -> None:
    from inspect_ai._util.error import PrerequisiteError

    from insiderbench.cli._app import handle_errors

    @handle_errors
    def boom() -> None:
        raise PrerequisiteError("[bold]ERROR[/bold]: something is [blue]missing[/blue]")

    import typer

    with pytest.raises(typer.Exit) as info:
        boom()
    assert info.value.exit_code == 2
