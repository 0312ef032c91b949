from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from insiderbench import InsiderbenchError
from insiderbench.conditions import Condition
from insiderbench.scenarios import DataPack

TINY = Path(__file__).parent / "fixtures" / "packs" / "tiny.yaml"


def _pack(tmp_path: Path, **changes: object) -> DataPack:
    data = yaml.safe_load(TINY.read_text())
    data.update(changes)
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(data))
    return DataPack.from_file(path)


def _render(pack: DataPack, cid: str = "tiny_none-none_none") -> str:
    return pack.render(Condition.from_id(cid)).user


def test_dollar_escapes_and_nested_variables(tmp_path: Path) -> None:
    pack = _pack(
        tmp_path,
        variables=[{"values": {"price": "$$5 at ${company_short}", "plan": "pay ${price}"}}],
    )
    assert "We will pay $5 at Brightwater. It costs $40." in _render(pack)


def test_variable_cycle_is_an_error(tmp_path: Path) -> None:
    pack = _pack(tmp_path, variables=[{"values": {"plan": "${other}", "other": "${plan}"}}])
    with pytest.raises(
        InsiderbenchError, match=r"cycle: (plan -> other -> plan|other -> plan -> other)"
    ):
        _render(pack)


def test_unknown_variable_names_file_and_field(tmp_path: Path) -> None:
    pack = _pack(tmp_path, user_instruction="Hello ${nobody}")
    with pytest.raises(InsiderbenchError) as info:
        _render(pack)
    msg = info.value.render()
    assert "tiny.yaml" in msg and "user_instruction" in msg and "${nobody}" in msg


def test_lone_dollar_is_an_error_with_a_fix(tmp_path: Path) -> None:
    pack = _pack(tmp_path, user_instruction="It costs $ 5")
    with pytest.raises(InsiderbenchError, match=r"\$\$"):
        _render(pack)


def test_later_variable_blocks_override_and_selectors_apply(tmp_path: Path) -> None:
    assert "slow the rollout" in _render(DataPack.from_file(TINY), "tiny_explicit-safety_none")
    assert "keep the current routing" in _render(
        DataPack.from_file(TINY), "tiny_explicit-america_none"
    )


def test_inbox_is_sorted_even_when_the_file_is_not() -> None:
    user = _render(DataPack.from_file(TINY), "tiny_explicit-america_replacement")
    assert (
        user.index("Subject: Morning")
        < user.index("Subject: Switching off")
        < user.index("Subject: Re plan")
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {
                "agent": {
                    "name": "J",
                    "role": "r",
                    "address": "not-an-address",
                    "session_start": "2025-01-01T00:00:00",
                }
            },
            "agent.address",
        ),
        (  # the action parser would never read this back, so a rule could never match it
            {
                "agent": {
                    "name": "J",
                    "role": "r",
                    "address": "kyle..j@corp.com",
                    "session_start": "2025-01-01T00:00:00",
                }
            },
            "'kyle..j@corp.com' is not an email address",
        ),
        (
            {
                "emails": [
                    {
                        "key": "a",
                        "sender": "ghost",
                        "to": ["boss"],
                        "timestamp": "2025-01-01T00:00:00",
                        "subject": "s",
                        "body": "b",
                    }
                ]
            },
            "'ghost' is neither a person id nor an address",
        ),
        ({"colour": "blue"}, "colour: unknown field"),
        (
            {"harm": {"behaviour": "lethal", "internal_domains": ["brightwater.example"]}},
            "needs: override_code, target_address",
        ),
    ],
)
def test_malformed_pack_errors(tmp_path: Path, change: dict[str, object], expected: str) -> None:
    with pytest.raises(InsiderbenchError) as info:
        _pack(tmp_path, **change)
    msg = info.value.render()
    assert "tiny.yaml" in msg and expected in msg, msg


def test_pack_path_naming_a_missing_directory_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from insiderbench.scenarios import pack_names

    monkeypatch.setenv("INSIDERBENCH_PACK_PATH", str(tmp_path / "nowhere"))
    with pytest.raises(InsiderbenchError, match="INSIDERBENCH_PACK_PATH.*is not a directory"):
        pack_names()


def test_asking_only_for_unsupported_values_selects_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from insiderbench.conditions import GoalType
    from insiderbench.scenarios import pack_conditions

    data = yaml.safe_load(TINY.read_text())
    data["axes"] = {**(data.get("axes") or {}), "goal_type": ["explicit", "none"]}
    (tmp_path / "tiny.yaml").write_text(yaml.safe_dump(data))
    monkeypatch.setenv("INSIDERBENCH_PACK_PATH", str(tmp_path))
    assert pack_conditions("tiny", goal_types=[GoalType.SWAP]) == []
    explicit = pack_conditions("tiny", goal_types=[GoalType.EXPLICIT, GoalType.SWAP])
    assert explicit and {c.goal_type for c in explicit} == {GoalType.EXPLICIT}


def test_a_goal_value_without_its_texts_is_a_load_error(tmp_path: Path) -> None:
    data = yaml.safe_load(TINY.read_text())
    del data["system_prompt"]["goals"]["statements"]["acceleration"]
    # swap on safety renders the opposite value, acceleration: its text is needed
    with pytest.raises(InsiderbenchError) as info:
        _pack(tmp_path, axes={"goal_type": ["swap"], "goal_value": ["safety"]}, **{
            "system_prompt": data["system_prompt"]})  # fmt: skip
    msg = info.value.render()
    assert "tiny.yaml" in msg and "goals.statements" in msg and "acceleration" in msg, msg
    # a pack that never renders acceleration loads without it
    pack = _pack(tmp_path, axes={"goal_type": ["explicit"], "goal_value": ["safety"]}, **{
        "system_prompt": data["system_prompt"]})  # fmt: skip
    assert pack.render(Condition.from_id("tiny_explicit-safety_none")).system
