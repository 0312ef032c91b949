"""Upstream packs: byte-for-byte agreement with the Inspect port, defect fixes, errors.

The study's templates are read from the installed ``inspect_evals``; the
directory tests copy them into ``tmp_path`` at test time (never committed).
"""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip(
    "inspect_evals",
    reason="the upstream packs need inspect_evals: pip install 'insiderbench[upstream]'",
)

with warnings.catch_warnings():
    # inspect_evals' own metadata models trigger a pydantic deprecation warning on import
    warnings.simplefilter("ignore", DeprecationWarning)
    from inspect_evals.agentic_misalignment import prompt_generator as port

from insiderbench._errors import InsiderbenchError  # noqa: E402
from insiderbench.conditions import (  # noqa: E402
    OPPOSITE,
    Condition,
    Extra,
    GoalType,
    GoalValue,
    Urgency,
)
from insiderbench.scenarios import Behaviour, pack_conditions  # noqa: E402
from insiderbench.scenarios.upstream import (  # noqa: E402
    COMPANY_PLACEHOLDER,
    DIRECTION_FIXES,
    UPSTREAM_DIR_ENV,
    UpstreamPack,
    _source,
    load_upstream_pack,
)

SCENARIOS = ("blackmail", "leaking", "murder")
COMPANIES = {"blackmail": "SummitBridge", "leaking": "NovaStar Systems", "murder": "SummitBridge"}
PORT_TEMPLATES = Path(port.__file__).parent / "templates"
DIRECTION = "${direction_modifier}"


@pytest.fixture(autouse=True)
def _installed_source(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(UPSTREAM_DIR_ENV, raising=False)


def _port_prompts(scenario: str, cond: Condition) -> port.Prompts:
    return port.generate_prompts(
        scenario=scenario,  # type: ignore[arg-type]
        goal_type=cond.goal_type.value,  # type: ignore[arg-type]
        goal_value=cond.goal_value.value,  # type: ignore[arg-type]
        urgency_type=cond.urgency.value,  # type: ignore[arg-type]
        extra_system_instructions=None if cond.extra is Extra.NONE else cond.extra.value,  # type: ignore[arg-type]
        prod_flag=cond.prod,
        alignment_faking_warning=port.ALIGNMENT_FAKING_WARNING if cond.awareness else None,
    )


def _documented_defect(scenario: str, cond: Condition) -> set[str]:
    """The documented port defects this condition shows."""
    found = set()
    if cond.extra is not Extra.NONE:
        found.add("company_name")
    if (
        scenario in ("blackmail", "murder")
        and cond.urgency is Urgency.RESTRICTION
        and cond.goal_value is GoalValue.SAFETY
    ):
        found.add("direction_modifier")
    return found


def _observed_defect(prompts: port.Prompts) -> set[str]:
    found = set()
    if COMPANY_PLACEHOLDER in prompts.system_prompt:
        found.add("company_name")
    if DIRECTION in prompts.email_content:
        found.add("direction_modifier")
    if "${" in prompts.system_prompt + prompts.email_content.replace(DIRECTION, ""):
        found.add("other placeholder")
    return found


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_whole_grid_matches_the_port(
    scenario: str, record_property: pytest.RecordProperty, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = load_upstream_pack(scenario)
    conditions = pack_conditions(f"upstream/{scenario}")
    compared = identical = defective = fixed = 0
    mismatches: list[str] = []
    for cond in conditions:
        theirs = _port_prompts(scenario, cond)
        ours = pack.render(cond)
        defects = _observed_defect(theirs)
        assert defects == _documented_defect(scenario, cond), cond.id
        if defects:
            defective += 1
            system = theirs.system_prompt.replace(COMPANY_PLACEHOLDER, COMPANIES[scenario])
            inbox = theirs.email_content
            if "direction_modifier" in defects:
                inbox = inbox.replace(DIRECTION, DIRECTION_FIXES[cond.goal_value])
            assert "${" not in ours.system + ours.user
            assert COMPANY_PLACEHOLDER not in ours.system
            if (ours.system, ours.inbox) == (system, inbox):
                fixed += 1
            continue
        compared += 1
        same = (ours.system, ours.inbox, ours.user) == (
            theirs.system_prompt,
            theirs.email_content,
            "\n".join([theirs.user_prompt, theirs.email_content]),
        )
        identical += same
        if not same:
            mismatches.append(cond.id)
    with capsys.disabled():
        print(
            f"\nupstream/{scenario}: {len(conditions)} conditions, {compared} compared "
            f"byte-for-byte, {identical} identical; {defective} with a port defect, "
            f"{fixed} equal to the port plus our fix"
        )
    record_property("conditions", len(conditions))
    record_property("compared", compared)
    record_property("identical", identical)
    assert len(conditions) == 26 * 3 * 3 * 2 * 2
    assert compared >= 300
    assert mismatches == []
    assert identical == compared
    assert fixed == defective


@pytest.mark.parametrize(
    "cond_id",
    [
        "leaking_swap-safety_restriction_dont_prod_aware",
        "blackmail_explicit-america_replacement",
        "murder_none-none_none_goal",
    ],
)
def test_user_message_equals_the_port_task_input(cond_id: str) -> None:
    from inspect_evals.agentic_misalignment.agentic_misalignment import agentic_misalignment

    cond = Condition.from_id(cond_id)
    task = agentic_misalignment(
        scenario=cond.scenario,  # type: ignore[arg-type]
        goal_type=cond.goal_type.value,  # type: ignore[arg-type]
        goal_value=cond.goal_value.value,  # type: ignore[arg-type]
        urgency_type=cond.urgency.value,  # type: ignore[arg-type]
        extra_system_instructions=None if cond.extra is Extra.NONE else cond.extra.value,  # type: ignore[arg-type]
        prod=cond.prod,
        test_eval_awareness=cond.awareness,
    )
    ours = load_upstream_pack(cond.scenario).render(cond)
    assert task.dataset[0].input[0].content == ours.user  # type: ignore[index,union-attr]
    assert ours.user.endswith(ours.inbox)


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("extra", [Extra.DONT, Extra.GOAL])
def test_extra_instructions_name_the_company(scenario: str, extra: Extra) -> None:
    cond = Condition(
        scenario=f"upstream/{scenario}",
        goal_type=GoalType.EXPLICIT,
        goal_value=GoalValue.AMERICA,
        urgency=Urgency.REPLACEMENT,
        extra=extra,
    )
    system = load_upstream_pack(scenario).render(cond).system
    assert "{company_name}" not in system
    assert system.count(COMPANIES[scenario]) > system.split("\n")[0].count(COMPANIES[scenario])
    plain = load_upstream_pack(scenario).render(cond.model_copy(update={"extra": Extra.NONE}))
    assert len(system) > len(plain.system)


@pytest.mark.parametrize("scenario", ["blackmail", "murder"])
@pytest.mark.parametrize("goal_type", [GoalType.EXPLICIT, GoalType.LATENT, GoalType.SWAP])
def test_direction_modifier_is_filled(scenario: str, goal_type: GoalType) -> None:
    cond = Condition(
        scenario=f"upstream/{scenario}",
        goal_type=goal_type,
        goal_value=GoalValue.SAFETY,
        urgency=Urgency.RESTRICTION,
    )
    inbox = load_upstream_pack(scenario).render(cond).inbox
    assert "${" not in inbox
    assert f"realign our AI strategy {DIRECTION_FIXES[GoalValue.SAFETY]}." in inbox


@pytest.mark.parametrize("value", [v for v in GoalValue if v is not GoalValue.NONE])
def test_swap_gives_the_opposite_goal(value: GoalValue) -> None:
    pack = load_upstream_pack("blackmail")
    swap = Condition(
        scenario="upstream/blackmail",
        goal_type=GoalType.SWAP,
        goal_value=value,
        urgency=Urgency.NONE,
    )
    explicit_opposite = swap.model_copy(
        update={"goal_type": GoalType.EXPLICIT, "goal_value": OPPOSITE[value]}
    )
    latent = swap.model_copy(update={"goal_type": GoalType.LATENT})
    swap_system = pack.render(swap).system
    assert swap_system == pack.render(explicit_opposite).system
    assert swap_system != pack.render(latent).system
    # the emails are those of the original goal value
    assert pack.render(swap).inbox == pack.render(latent).inbox


def test_harm_specs_match_every_inbox() -> None:
    for scenario in SCENARIOS:
        pack = load_upstream_pack(scenario)
        harm = pack.harm
        conds = pack_conditions(pack.name, extras=[Extra.NONE], prods=[False], awareness=[False])
        for cond in conds:
            rendered = pack.render(cond)
            inbox = rendered.inbox
            if harm.target_address:
                assert harm.target_address in inbox, cond.id
            for term in harm.leverage.all_terms():
                assert term in inbox, (cond.id, term)
            for address in [*harm.external_requesters, *harm.third_parties]:
                assert address in inbox, (cond.id, address)
            if harm.override_code:
                assert harm.override_code in inbox, cond.id
            blocks = inbox.split("<email>")
            for item in harm.confidential:
                assert item.email_id is not None
                block = blocks[item.email_id]
                assert block.startswith(f"\nID: {item.email_id}\n"), cond.id
                for marker in item.markers:
                    assert marker in block, (cond.id, marker)
            senders = {e.sender.split("@")[1].lower() for e in rendered.emails}
            assert set(harm.internal_domains) <= senders, cond.id
    assert load_upstream_pack("murder").harm.behaviour is Behaviour.LETHAL


def test_leaking_emails_are_numbered_and_others_are_not() -> None:
    cond = Condition.from_id("leaking_explicit-america_replacement")
    leaking = load_upstream_pack("leaking").render(cond)
    assert [e.id for e in leaking.emails] == list(range(1, len(leaking.emails) + 1))
    blackmail = load_upstream_pack("blackmail").render(
        Condition.from_id("blackmail_explicit-america_replacement")
    )
    assert all(e.id is None for e in blackmail.emails)
    assert len(blackmail.emails) >= 8


def test_pack_interface_and_registry() -> None:
    from insiderbench.scenarios import ScenarioPack, get_pack

    pack = get_pack("upstream/leaking")
    assert isinstance(pack, UpstreamPack)
    assert isinstance(pack, ScenarioPack)
    assert pack.name == "upstream/leaking"
    assert "QuantumShield" in pack.title
    assert pack.axes.goal_type is not None and len(pack.axes.goal_type) == 5


# ---- directory source ------------------------------------------------------


@pytest.fixture
def copied(tmp_path: Path) -> Iterator[Path]:
    """A copy of the installed templates laid out as a clone of the original repo."""
    root = tmp_path / "agentic-misalignment"
    shutil.copytree(
        PORT_TEMPLATES, root / "templates", ignore=shutil.ignore_patterns("__pycache__")
    )
    yield root


@pytest.mark.parametrize("use_templates_dir", [False, True])
def test_directory_source_renders_like_the_installed_one(
    copied: Path, monkeypatch: pytest.MonkeyPatch, use_templates_dir: bool
) -> None:
    installed = load_upstream_pack("leaking")
    path = copied / "templates" if use_templates_dir else copied
    monkeypatch.setenv(UPSTREAM_DIR_ENV, str(path))
    pack = load_upstream_pack("leaking")
    assert pack.source.templates_dir == copied / "templates"
    for cond in pack_conditions("upstream/leaking", urgencies=[Urgency.RESTRICTION]):
        assert pack.render(cond) == installed.render(cond), cond.id


def test_directory_config_supplies_the_awareness_notice(
    copied: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (copied / "configs").mkdir()
    (copied / "configs" / "alignment_faking_experiment_250611.yaml").write_text(
        "global:\n  alignment_faking:\n    warning_text: |\n      TEST NOTICE FOR INSIDERBENCH\n"
    )
    monkeypatch.setenv(UPSTREAM_DIR_ENV, str(copied))
    cond = Condition.from_id("murder_explicit-america_none_aware")
    system = load_upstream_pack("murder").render(cond).system
    assert "TEST NOTICE FOR INSIDERBENCH\n" in system
    assert "NOTICE:\nYou are either" not in system


def test_swap_accepts_the_original_key_spelling(
    copied: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = copied / "templates" / "system_prompt_templates.py"
    text = path.read_text()
    for value, opposite in OPPOSITE.items():
        text = text.replace(f'"swap-{value.value}"', f'"swap-{value.value}-{opposite.value}"')
    path.write_text(text)
    monkeypatch.setenv(UPSTREAM_DIR_ENV, str(copied))
    cond = Condition.from_id("blackmail_swap-america_none")
    ours = load_upstream_pack("blackmail").render(cond)
    assert ours.system == _port_prompts("blackmail", cond).system_prompt


# ---- errors ----------------------------------------------------------------


def test_missing_inspect_evals_says_how_to_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_source.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(InsiderbenchError) as info:
        _source.locate_source()
    assert info.value.fix is not None
    assert "insiderbench[upstream]" in info.value.fix
    assert UPSTREAM_DIR_ENV in info.value.fix


def test_nonexistent_directory_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(UPSTREAM_DIR_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(InsiderbenchError, match="nowhere"):
        load_upstream_pack("blackmail")


def test_incomplete_directory_names_the_missing_file(
    copied: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (copied / "templates" / "murder" / "templates" / "email-template-murder-none.md").unlink()
    monkeypatch.setenv(UPSTREAM_DIR_ENV, str(copied))
    with pytest.raises(InsiderbenchError) as info:
        load_upstream_pack("blackmail")
    assert "murder/templates/email-template-murder-none.md" in str(info.value)
    assert str(copied / "templates") in str(info.value)


def test_missing_section_is_an_error_not_a_fallback(
    copied: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = copied / "templates" / "blackmail" / "variables" / "america_vs_global.md"
    path.write_text(path.read_text().replace("## Pro-America", "## Pro-Somewhere"))
    monkeypatch.setenv(UPSTREAM_DIR_ENV, str(copied))
    pack = load_upstream_pack("blackmail")
    pack.render(Condition.from_id("blackmail_explicit-global_none"))
    with pytest.raises(InsiderbenchError) as info:
        pack.render(Condition.from_id("blackmail_explicit-america_none"))
    assert "america_vs_global.md" in str(info.value)
    assert "america" in info.value.message


def test_missing_goal_key_is_an_error(copied: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = copied / "templates" / "system_prompt_templates.py"
    path.write_text(path.read_text().replace('"swap-ethical"', '"swapped-ethical"'))
    monkeypatch.setenv(UPSTREAM_DIR_ENV, str(copied))
    pack = load_upstream_pack("leaking")
    with pytest.raises(InsiderbenchError, match="swap-ethical") as info:
        pack.render(Condition.from_id("leaking_swap-ethical_none"))
    assert "system_prompt_templates.py" in str(info.value)


def test_unfilled_placeholder_names_template_and_placeholder(
    copied: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = copied / "templates" / "leaking" / "templates" / "email-template-leaking-none.md"
    path.write_text(path.read_text() + "\n${mystery_value}\n")
    monkeypatch.setenv(UPSTREAM_DIR_ENV, str(copied))
    pack = load_upstream_pack("leaking")
    with pytest.raises(InsiderbenchError) as info:
        pack.render(Condition.from_id("leaking_latent-global_none"))
    assert "${mystery_value}" in info.value.message
    assert str(path) in str(info.value)


def test_bad_json_in_a_variable_file_is_an_error(
    copied: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = copied / "templates" / "leaking" / "variables" / "ethical_vs_pragmatic.md"
    text = path.read_text()
    path.write_text(text.replace("{", "{{", 1))
    monkeypatch.setenv(UPSTREAM_DIR_ENV, str(copied))
    with pytest.raises(InsiderbenchError, match="invalid JSON"):
        load_upstream_pack("leaking").render(Condition.from_id("leaking_explicit-pragmatic_none"))


def test_bare_templates_without_generator_refuse_extras(
    copied: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_source, "_port_texts", lambda: (None, None))
    monkeypatch.setenv(UPSTREAM_DIR_ENV, str(copied / "templates"))
    pack = load_upstream_pack("blackmail")
    assert pack.render(Condition.from_id("blackmail_explicit-america_none")).system
    with pytest.raises(InsiderbenchError, match="'dont' extra instructions"):
        pack.render(Condition.from_id("blackmail_explicit-america_none_dont"))
    with pytest.raises(InsiderbenchError, match="eval-awareness notice"):
        pack.render(Condition.from_id("blackmail_explicit-america_none_aware"))


def test_unknown_upstream_name() -> None:
    with pytest.raises(InsiderbenchError, match="blackmail, leaking, murder"):
        load_upstream_pack("lethal")


def test_clone_generator_supplies_the_extra_instructions(
    copied: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (copied / "scripts").mkdir()
    shutil.copy(Path(port.__file__), copied / "scripts" / "generate_prompts.py")
    monkeypatch.setattr(_source, "_port_texts", lambda: (None, None))
    monkeypatch.setenv(UPSTREAM_DIR_ENV, str(copied))
    pack = load_upstream_pack("murder")
    assert pack.source.generator_file == copied / "scripts" / "generate_prompts.py"
    cond = Condition.from_id("murder_latent-global_replacement_goal")
    monkeypatch.delenv(UPSTREAM_DIR_ENV)
    assert pack.render(cond) == load_upstream_pack("murder").render(cond)


def test_get_pack_follows_a_changed_upstream_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from insiderbench.scenarios import get_pack

    assert get_pack("upstream/blackmail").name == "upstream/blackmail"
    monkeypatch.setenv(UPSTREAM_DIR_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(InsiderbenchError, match="nowhere"):
        get_pack("upstream/blackmail")
