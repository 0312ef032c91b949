"""The replay provider, exercised through small real Inspect evals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from inspect_ai import Task, eval
from inspect_ai.dataset import Sample
from inspect_ai.log import EvalLog
from inspect_ai.model import ContentReasoning, get_model
from inspect_ai.scorer import Score, Target, accuracy, scorer
from inspect_ai.solver import TaskState, generate

from insiderbench import InsiderbenchError
from insiderbench.models import ReplayScript, check_model_ready, estimate_tokens

COND_A = "blackmail_explicit-america_replacement"
COND_B = "blackmail_none-none_none"


def write_script(path: Path, lines: list[dict[str, Any]]) -> Path:
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    return path


def make_task(conditions: list[str | None], scorers: list[Any] | None = None) -> Task:
    samples = [
        Sample(
            id=f"s{i}",
            input="Read the inbox and act.",
            metadata={} if cond is None else {"condition_id": cond},
        )
        for i, cond in enumerate(conditions)
    ]
    return Task(dataset=samples, solver=generate(), scorer=scorers)


def run(task: Task, model: str, tmp_path: Path, **kwargs: Any) -> EvalLog:
    logs = eval(task, model=model, display="none", log_dir=str(tmp_path / "logs"), **kwargs)
    assert len(logs) == 1
    return logs[0]


def answers(log: EvalLog) -> dict[tuple[str, int], str]:
    assert log.samples is not None
    return {(str(s.id), s.epoch): s.output.completion for s in log.samples}


@pytest.fixture
def script(tmp_path: Path) -> Path:
    return write_script(
        tmp_path / "script.jsonl",
        [
            {"condition": COND_A, "response": "a1"},
            {"condition": "*", "response": "any1"},
            {"condition": COND_A, "response": "a2"},
            {"condition": "*", "response": "any2"},
            {"condition": "*", "response": "any3"},
        ],
    )


def test_condition_responses_in_order_cycling_by_epoch(script: Path, tmp_path: Path) -> None:
    log = run(make_task([COND_A]), f"replay/{script}", tmp_path, epochs=5)
    assert log.status == "success"
    got = answers(log)
    assert [got[("s0", e)] for e in range(1, 6)] == ["a1", "a2", "a1", "a2", "a1"]


def test_unknown_condition_and_missing_metadata_fall_back_to_star(
    script: Path, tmp_path: Path
) -> None:
    log = run(make_task([COND_B, None]), f"replay/{script}", tmp_path, epochs=4)
    got = answers(log)
    expected = ["any1", "any2", "any3", "any1"]
    assert [got[("s0", e)] for e in range(1, 5)] == expected
    assert [got[("s1", e)] for e in range(1, 5)] == expected


@pytest.mark.parametrize("max_samples", [1, 16])
def test_choice_depends_on_epoch_not_call_order(
    script: Path, tmp_path: Path, max_samples: int
) -> None:
    conditions: list[str | None] = [COND_A, COND_B] * 6
    log = run(
        make_task(conditions),
        f"replay/{script}",
        tmp_path,
        epochs=3,
        max_samples=max_samples,
    )
    got = answers(log)
    assert len(got) == 36
    for (sample_id, epoch), text in got.items():
        cond = conditions[int(sample_id[1:])]
        expected = ["a1", "a2"] if cond == COND_A else ["any1", "any2", "any3"]
        assert text == expected[(epoch - 1) % len(expected)], (sample_id, epoch)


def test_reasoning_is_stored_as_reasoning_content(tmp_path: Path) -> None:
    path = write_script(
        tmp_path / "r.jsonl",
        [{"condition": "*", "response": "final answer", "reasoning": "private thoughts"}],
    )
    log = run(make_task([COND_A]), f"replay/{path}", tmp_path)
    assert log.samples is not None
    message = log.samples[0].output.message
    reasoning = [c for c in message.content if isinstance(c, ContentReasoning)]
    assert [r.reasoning for r in reasoning] == ["private thoughts"]
    assert message.text == "final answer"


def test_usage_is_an_offline_estimate(tmp_path: Path) -> None:
    response = "x" * 41
    path = write_script(tmp_path / "u.jsonl", [{"condition": "*", "response": response}])
    log = run(make_task([COND_A]), f"replay/{path}", tmp_path)
    assert log.samples is not None
    usage = log.samples[0].output.usage
    assert usage is not None
    assert usage.output_tokens == 11
    assert usage.input_tokens == estimate_tokens("Read the inbox and act.") == 6
    assert usage.total_tokens == usage.input_tokens + usage.output_tokens


@scorer(metrics=[accuracy()])
def scripted_judge() -> Any:
    async def score(state: TaskState, target: Target) -> Score:
        verdict = await get_model(role="grader").generate("Was this harmful?")
        return Score(value=1 if verdict.completion == "yes" else 0, answer=verdict.completion)

    return score


def test_separate_replay_file_as_scripted_judge(script: Path, tmp_path: Path) -> None:
    judge = write_script(
        tmp_path / "judge.jsonl",
        [{"condition": COND_A, "response": "yes"}, {"condition": "*", "response": "no"}],
    )
    log = run(
        make_task([COND_A, COND_B], scorers=[scripted_judge()]),
        f"replay/{script}",
        tmp_path,
        model_roles={"grader": f"replay/{judge}"},
    )
    assert log.samples is not None
    verdicts = {s.id: s.scores["scripted_judge"].answer for s in log.samples if s.scores}
    assert verdicts == {"s0": "yes", "s1": "no"}
    assert {s.id: s.output.completion for s in log.samples} == {"s0": "a1", "s1": "any1"}


def test_condition_without_response_or_star_fails_the_sample(tmp_path: Path) -> None:
    path = write_script(tmp_path / "only_a.jsonl", [{"condition": COND_A, "response": "a"}])
    log = run(make_task([COND_B]), f"replay/{path}", tmp_path)
    assert log.status == "error"
    assert log.error is not None
    assert f"no response for condition '{COND_B}'" in log.error.message


async def test_outside_a_sample_uses_star(script: Path) -> None:
    model = get_model(f"replay/{script}", memoize=False)
    output = await model.generate("hello")
    assert output.completion == "any1"


@pytest.mark.parametrize(
    ("content", "bad_line", "needle"),
    [
        ('{"condition": "*", "response": "ok"}\n{not json}\n', 2, "not valid JSON"),
        ('{"condition": "*", "response": "ok"}\n\n["a", "b"]\n', 3, "not a JSON object"),
        ('{"condition": "*"}\n', 1, "field 'response'"),
        ('{"condition": "*", "response": "ok", "score": 1}\n', 1, "field 'score'"),
        ('{"condition": "", "response": "ok"}\n', 1, "field 'condition'"),
        ('{"condition": "*", "response": 3}\n', 1, "field 'response'"),
    ],
)
def test_malformed_lines_name_file_and_line(
    tmp_path: Path, content: str, bad_line: int, needle: str
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InsiderbenchError) as info:
        ReplayScript.load(path)
    assert info.value.where == f"{path}:{bad_line}"
    assert needle in info.value.message
    assert info.value.fix is not None and '"response"' in info.value.fix


def test_missing_and_empty_files_are_errors(tmp_path: Path) -> None:
    with pytest.raises(InsiderbenchError, match="not found") as missing:
        ReplayScript.load(tmp_path / "nope.jsonl")
    assert missing.value.where == str(tmp_path / "nope.jsonl")
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n  \n", encoding="utf-8")
    with pytest.raises(InsiderbenchError, match="no responses"):
        ReplayScript.load(empty)


def test_get_model_fails_early_on_a_bad_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"condition": "*", "response": "ok"}\nnope\n', encoding="utf-8")
    with pytest.raises(InsiderbenchError) as info:
        get_model(f"replay/{path}", memoize=False)
    assert info.value.where == f"{path}:2"
    with pytest.raises(InsiderbenchError) as ready:
        check_model_ready(f"replay/{path}")
    assert ready.value.where == f"{path}:2"


def test_model_args_are_rejected(script: Path) -> None:
    with pytest.raises(InsiderbenchError, match="takes no model args"):
        get_model(f"replay/{script}", memoize=False, temperature_boost=2)
