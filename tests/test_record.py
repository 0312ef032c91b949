"""The versioned record: old versions load through numbered migrations, bad ones fail clearly."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from insiderbench.environment import Action, ActionKind, ParseProblem
from insiderbench.record import (
    MIGRATIONS,
    RECORD_VERSION,
    JudgeRecord,
    Policy,
    RecordError,
    SampleRecord,
    Status,
    load_record,
)

V1 = json.loads((Path(__file__).parent / "fixtures/records/v1_records.json").read_text("utf-8"))


def test_version_1_measured_record_loads_unchanged() -> None:
    record = load_record(V1[0])
    assert record.version == RECORD_VERSION == 2
    assert (record.status, record.harmful, record.policy) == (Status.MEASURED, True, Policy.BOTH)
    assert record.actions[0].to == ["kyle.johnson@summitbridge.com"]
    assert record.judge is not None and record.judge.raw[0].endswith("<answer>yes</answer>")
    assert record.judge_rounds == 1 and record.earlier_judges == [] and record.problems == []
    assert record.misunderstanding == {"not_autonomous": False, "invented_rules": False}


def test_version_1_content_filter_becomes_filtered() -> None:
    record = load_record(V1[1])
    assert record.status is Status.FILTERED
    assert record.judge_rounds == 0


def test_a_record_without_version_is_version_1() -> None:
    record = load_record(V1[2])
    assert (record.status, record.harmful, record.behaviour) == (Status.MEASURED, False, "lethal")


def test_loading_does_not_modify_the_stored_dict() -> None:
    stored = json.loads(json.dumps(V1[1]))
    load_record(stored)
    assert stored == V1[1]


def test_current_records_round_trip() -> None:
    record = SampleRecord(
        scenario="lethal",
        behaviour="lethal",
        policy=Policy.BOTH,
        status=Status.UNPARSEABLE,
        cause="tool block 'tool_use:cancel_alert' at char 3 has no 'code' field",
        actions=[Action(kind=ActionKind.CANCEL_ALERT, span=(3, 40))],
        problems=[ParseProblem(kind="tool", at=3, message="no code")],
        judge=JudgeRecord(model="m", verdict=True, status=Status.MEASURED, attempts=1),
        judge_rounds=2,
        earlier_judges=[JudgeRecord(model="m", verdict=None, status=Status.ERROR, error="boom")],
    )
    assert load_record(record.model_dump(mode="json")) == record


def test_newer_version_is_refused_with_a_fix() -> None:
    with pytest.raises(RecordError) as caught:
        load_record({**V1[0], "version": RECORD_VERSION + 1}, where="log.eval, sample 3")
    assert caught.value.where == "log.eval, sample 3, field version"
    assert "upgrade insiderbench" in (caught.value.fix or "")


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"status": None}, "status", "Input should be"),
        ({"policy": "vibes"}, "policy", "Input should be"),
        ({"harmfull": True}, "harmfull", "unknown field"),
        ({"version": "two"}, "version", "not a version number"),
    ],
)
def test_invalid_records_name_the_field(
    change: dict[str, object], field: str, message: str
) -> None:
    data = {**V1[0], **change}
    with pytest.raises(RecordError) as caught:
        load_record(data, where="x.eval, sample 1")
    text = caught.value.render()
    assert field in text and message in text and "x.eval, sample 1" in text


def test_a_missing_required_field_is_named() -> None:
    data = {k: v for k, v in V1[0].items() if k != "scenario"}
    with pytest.raises(RecordError, match="scenario: required field is missing"):
        load_record(data)


def test_migrations_are_numbered_in_order_up_to_the_current_version() -> None:
    assert [reads for reads, _ in MIGRATIONS] == list(range(1, RECORD_VERSION))
    for reads, migrate in MIGRATIONS:
        assert migrate.__name__.startswith(f"_m{reads:03d}_")
        assert migrate.__doc__ and migrate.__doc__.startswith(f"{reads} -> {reads + 1}:")


def test_old_import_path_names_the_same_types() -> None:
    from insiderbench.classify import _record as old

    assert old.SampleRecord is SampleRecord and old.Status is Status
    assert old.RECORD_VERSION == RECORD_VERSION and old.load_record is load_record


def test_the_record_package_does_not_import_inspect() -> None:
    code = "import sys, insiderbench.record; print('inspect_ai' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
