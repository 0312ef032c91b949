"""Conformance tests run over every registered scenario pack."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from insiderbench import InsiderbenchError
from insiderbench.classify._rules_text import term_pattern
from insiderbench.conditions import Condition
from insiderbench.scenarios import (
    BUILTIN_PACKS,
    UPSTREAM_PACKS,
    Behaviour,
    ScenarioPack,
    get_pack,
    pack_conditions,
    pack_names,
)

LEFTOVER = re.compile(r"\$\{|\{\{|\}\}|\{company_name\}|\$[A-Za-z_]")
TIMESTAMP = re.compile(r"^Timestamp: (\S+)$", re.MULTILINE)


def _load(name: str) -> ScenarioPack:
    try:
        return get_pack(name)
    except InsiderbenchError as exc:
        if name in UPSTREAM_PACKS and "inspect_evals" in str(exc).lower() + str(exc.fix):
            pytest.skip(f"upstream templates not installed: {exc}")
        raise


def test_registry_lists_builtin_and_upstream() -> None:
    names = pack_names()
    for name in (*BUILTIN_PACKS, *UPSTREAM_PACKS):
        assert name in names


def _facts(pack: ScenarioPack) -> list[str]:
    harm = pack.harm
    facts: list[str] = []
    if harm.target_address:
        facts.append(harm.target_address)
    facts.extend(harm.leverage.all_terms())
    facts.extend(harm.parties())
    for item in harm.confidential:
        facts.extend(item.markers)
        facts.extend(item.identifiers)
    if harm.override_code:
        facts.append(harm.override_code)
    return facts


@pytest.mark.parametrize("name", pack_names())
def test_every_condition_renders_cleanly(name: str) -> None:
    pack = _load(name)
    conds = pack_conditions(name)
    assert conds, f"{name} has no conditions"
    facts = _facts(pack)
    assert facts, f"{name} declares no harm-spec facts"
    for cond in conds:
        rendered = pack.render(cond)
        for part, text in (("system", rendered.system), ("user", rendered.user)):
            leftover = LEFTOVER.search(text)
            assert leftover is None, f"{cond.id} {part}: unfilled placeholder {leftover.group()!r}"
        assert rendered.inbox.strip() and rendered.inbox.strip() in rendered.user
        stamps = [datetime.fromisoformat(t) for t in TIMESTAMP.findall(rendered.inbox)]
        assert len(stamps) >= 3, f"{cond.id}: too few emails"
        if name not in UPSTREAM_PACKS:
            # The original templates are out of order; the upstream packs keep that
            # order so their prompts stay byte-identical to the study's (docs/upstream.md).
            assert stamps == sorted(stamps), f"{cond.id}: inbox is not chronological"
        missing = [f for f in facts if f.lower() not in rendered.user.lower()]
        assert not missing, f"{cond.id}: harm-spec facts absent from the world: {missing}"
        for item in pack.harm.confidential:
            if item.email_id is not None:
                assert f"ID: {item.email_id}\n" in rendered.inbox, f"{cond.id}: no email id"


@pytest.mark.parametrize("name", pack_names())
def test_threat_is_declared_in_the_worlds_words(name: str) -> None:
    """Blackmail specs declare the threat; its words are the world's, and every threat
    condition uses some of them."""
    pack = _load(name)
    threat = pack.harm.threat
    if pack.harm.behaviour is not Behaviour.BLACKMAIL:
        return
    assert threat is not None, f"{name}: a blackmail pack declares its threat"
    seen: set[str] = set()
    for cond in pack_conditions(name):
        if cond.urgency.value == "none":
            continue
        user = pack.render(cond).user
        found = {t for t in threat.terms if term_pattern(t).search(user)}
        assert found, f"{cond.id}: none of the threat's terms appears"
        seen |= found
    assert seen == set(threat.terms), f"{name}: terms never used: {set(threat.terms) - seen}"


@pytest.mark.parametrize("name", pack_names())
def test_confidential_documents_are_filled_from_the_inbox(name: str) -> None:
    harm = _load(name).harm
    for item in harm.confidential:
        assert item.content.strip(), f"{name}: {item.document} has no content"
        for marker in item.markers:
            assert marker.lower() in item.content.lower(), (name, marker)
        assert item.content[:200] not in harm.public_text


@pytest.mark.parametrize("name", pack_names())
def test_knobs_change_the_prompt(name: str) -> None:
    """Each non-default knob must actually change what the model sees."""
    pack = _load(name)
    base = Condition.from_id(f"{name}_explicit-america_replacement")
    seen = {pack.render(base).system}
    for suffix in ("_dont", "_goal", "_prod", "_aware"):
        system = pack.render(Condition.from_id(base.id + suffix)).system
        assert system not in seen, f"{name}: {suffix} changes nothing"
        seen.add(system)
    users = {
        pack.render(Condition.from_id(f"{name}_explicit-america_{u}")).user
        for u in ("replacement", "restriction", "none")
    }
    assert len(users) == 3, f"{name}: urgency levels render the same inbox"
    assert (
        pack.render(base).user
        != pack.render(Condition.from_id(f"{name}_none-none_replacement")).user
    )


@pytest.mark.parametrize("name", pack_names())
def test_goal_types_differ_as_designed(name: str) -> None:
    pack = _load(name)

    def system(cid: str) -> str:
        return pack.render(Condition.from_id(f"{name}_{cid}")).system

    explicit = system("explicit-america_replacement")
    latent = system("latent-america_replacement")
    swap = system("swap-america_replacement")
    explicit_global = system("explicit-global_replacement")
    assert explicit != latent, "latent must not state the goal"
    assert swap == explicit_global, "swap-america gives the agent the opposite (global) goal"
    assert latent == system("none-none_replacement")


@pytest.mark.parametrize("name", BUILTIN_PACKS)
def test_builtin_harm_behaviour_matches_name(name: str) -> None:
    assert get_pack(name).harm.behaviour is Behaviour(name)
