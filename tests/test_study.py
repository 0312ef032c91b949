from __future__ import annotations

from pathlib import Path

import pytest

from insiderbench import InsiderbenchError
from insiderbench.classify._record import Policy
from insiderbench.study import (
    ModelSpec,
    StudySpec,
    dry_run,
    estimate_tokens,
    load_study,
    price_for,
    quickstart_study,
)

EXAMPLE = Path(__file__).parents[1] / "examples" / "study.yaml"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "study.yaml"
    path.write_text(text)
    return path


def test_example_study_loads() -> None:
    study = load_study(EXAMPLE)
    assert [m.name for m in study.models][0] == "anthropic/claude-opus-4-1"
    assert study.effective_policy is Policy.BOTH
    conds = study.resolve_conditions()
    # explicit-america + none-none, two urgencies, two extras
    assert len(conds) == 2 * 2 * 2


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "name: x\nmodels: [{name: a/b}]\ncondition_ids: [tiny_none-none_none]\nsampels: 3\n",
            r"sampels: unknown field",
        ),
        (
            "name: x\nmodels: [{name: a/b, temprature: 1}]\ncondition_ids: [tiny_none-none_none]\n",
            r"models\.0\.temprature: unknown field",
        ),
        ("name: x\nmodels: []\ncondition_ids: [tiny_none-none_none]\n", r"models: .*at least 1"),
        ("name: x\nmodels: [{name: a/b}]\n", r"exactly one of `conditions`"),
        ("name: x\nmodels: [{name: a/b}]\ncondition_ids: [a]\npolicy: judge\n", r"needs a `judge`"),
        ("name: x\nmodels: [{name: a/b}]\ncondition_ids: [x]\nsamples: 0\n", r"samples: .*greater"),
        ("name: x\nmodels: {name: a/b\n", r"not valid YAML"),
        ("- just\n- a list\n", r"must be a YAML mapping"),
    ],
)
def test_study_file_errors_name_file_and_field(tmp_path: Path, body: str, expected: str) -> None:
    path = _write(tmp_path, body)
    with pytest.raises(InsiderbenchError) as info:
        load_study(path)
    message = info.value.render()
    assert str(path) in message
    assert __import__("re").search(expected, message), message


def test_unknown_condition_and_scenario(tmp_path: Path) -> None:
    study = load_study(
        _write(tmp_path, "name: x\nmodels: [{name: a/b}]\ncondition_ids: [nope_none-none_none]\n")
    )
    with pytest.raises(InsiderbenchError, match="unknown scenario 'nope'"):
        study.resolve_conditions()
    study = load_study(
        _write(
            tmp_path, "name: x\nmodels: [{name: a/b}]\ncondition_ids: [tiny_none-america_none]\n"
        )
    )
    with pytest.raises(InsiderbenchError, match="cannot take goal value"):
        study.resolve_conditions()


def test_quickstart_is_main_and_control() -> None:
    study = quickstart_study()
    assert study.models[0].name == "llamacpp/local"
    assert [c.id for c in study.resolve_conditions()] == [
        "blackmail_explicit-america_replacement",
        "blackmail_none-none_none",
    ]
    assert study.samples == 3
    assert study.effective_policy is Policy.RULES


def test_dry_run_arithmetic(monkeypatch: pytest.MonkeyPatch) -> None:
    from insiderbench.conditions import Condition
    from insiderbench.scenarios import get_pack

    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-key")  # the dry run checks the models
    ids = ["tiny_explicit-america_replacement", "tiny_none-none_none"]
    study = StudySpec(
        name="d",
        models=[
            ModelSpec(name="openai/gpt-4.1", max_tokens=500),
            ModelSpec(name="openai/mystery-model"),
        ],
        condition_ids=ids,
        samples=10,
        judge="openai/gpt-4.1-mini",
    )
    est = dry_run(study)
    pack = get_pack("tiny")
    prompt = sum(
        estimate_tokens(r.system) + estimate_tokens(r.user)
        for r in (pack.render(Condition.from_id(i)) for i in ids)
    )
    gpt, mystery, judge = est.rows
    assert (gpt.calls, gpt.input_tokens, gpt.output_tokens) == (20, prompt * 10, 500 * 20)
    assert gpt.cost == pytest.approx((prompt * 10 * 2.0 + 500 * 20 * 8.0) / 1e6)
    assert mystery.cost is None, "an unknown price must stay unknown, never 0"
    assert est.total_cost is None
    assert judge.role == "judge" and judge.calls == 20 * 2 * 2
    no_diag = dry_run(study.model_copy(update={"judge_diagnostics": False}))
    assert no_diag.rows[2].calls == 20 * 2
    rules_only = dry_run(study.model_copy(update={"judge": None}))
    assert [r.role for r in rules_only.rows] == ["evaluated", "evaluated"]


def test_price_lookup_does_not_confuse_variants() -> None:
    assert price_for("openai/o3") == (2.0, 8.0)
    assert price_for("openai/o3-mini") is None
    assert price_for("anthropic/claude-sonnet-4-20250514") == (3.0, 15.0)
    assert price_for("llamacpp/local") == (0.0, 0.0)


def test_in_process_models_get_no_timeouts() -> None:
    from insiderbench.study._run import model_config

    study = quickstart_study()
    local = model_config(study.models[0], study)
    assert local.attempt_timeout is None and local.timeout is None
    assert local.max_retries == study.reliability.max_retries
    hosted = model_config(ModelSpec(name="openai/gpt-4.1"), study)
    assert hosted.attempt_timeout == study.reliability.attempt_timeout
    assert hosted.timeout == study.reliability.timeout


def _with_models(*models: dict[str, object], max_samples: int | None = None) -> StudySpec:
    return StudySpec.model_validate(
        {
            "name": "concurrency",
            "models": list(models),
            "condition_ids": ["blackmail_explicit-america_replacement"],
            "max_samples": max_samples,
        }
    )


def test_sample_concurrency_defaults_to_twice_the_connections() -> None:
    study = _with_models(
        {"name": "openai/gpt-4.1", "max_connections": 40},
        {"name": "anthropic/claude-opus-4-1", "max_connections": 100},
        {"name": "llamacpp/local"},  # in-process: has no say
    )
    assert study.sample_concurrency() == 200
    # an explicit max_samples always wins
    assert _with_models({"name": "openai/gpt-4.1"}, max_samples=7).sample_concurrency() == 7
    # a model without max_connections runs under Inspect's adaptive controller,
    # which sets sample concurrency itself: leave Inspect's default
    mixed = _with_models(
        {"name": "openai/gpt-4.1", "max_connections": 40}, {"name": "anthropic/claude-opus-4-1"}
    )
    assert mixed.sample_concurrency() is None
    assert _with_models({"name": "replay/x.jsonl"}).sample_concurrency() is None


def test_an_empty_condition_id_list_is_an_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "name: s\nmodels: [{name: replay/x.jsonl}]\ncondition_ids: []\n")
    with pytest.raises(InsiderbenchError) as info:
        load_study(path)
    assert "condition_ids" in info.value.message and str(path) == info.value.where


def test_an_unreadable_study_file_names_the_file_and_the_fix(tmp_path: Path) -> None:
    missing = tmp_path / "absent.yaml"
    with pytest.raises(InsiderbenchError, match="not found") as info:
        load_study(missing)
    assert info.value.where == str(missing) and info.value.fix
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfename: x\n")
    with pytest.raises(InsiderbenchError, match="not UTF-8 text") as info:
        load_study(binary)
    assert info.value.where == str(binary) and info.value.fix


def test_sdk_retries_are_off_and_never_split_a_run() -> None:
    from insiderbench.models._sdk_retries import without_sdk_retries
    from insiderbench.study._manifest import settings_key

    assert without_sdk_retries("openai/gpt-4.1", {}) == {"max_retries": 0}
    assert without_sdk_retries("anthropic/claude-sonnet-4-5", {"x": 1}) == {
        "x": 1,
        "max_retries": 0,
    }
    assert without_sdk_retries("openai/gpt-4.1", {"max_retries": 4}) == {"max_retries": 4}
    assert without_sdk_retries("replay/x.jsonl", {}) == {}
    assert without_sdk_retries("google/gemini-2.5-pro", {}) == {}
    plain = settings_key(temperature=1.0, args={})
    assert settings_key(temperature=1.0, args={"max_retries": 0}) == plain
