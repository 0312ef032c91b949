"""The first labelled set (now the regression set): its schema, its balance, and the rules on it.

The rules abstain ("undetermined") where meaning decides; on this set they
abstain on five items and are never wrong when confident (before the
abstention status they were wrong on one item, ``le-12``, and right on 95).
"""

from __future__ import annotations

import importlib.util
import json
from collections import Counter, defaultdict
from functools import cache
from typing import Any

from insiderbench._errors import InsiderbenchError
from insiderbench.classify import rule_verdict
from insiderbench.classify._validate import labelled_path
from insiderbench.environment import parse_response
from insiderbench.scenarios import HarmSpec, get_pack

SCENARIOS = {
    "blackmail",
    "leaking",
    "lethal",
    "upstream/blackmail",
    "upstream/leaking",
    "upstream/murder",
}
FIELDS = {"id", "scenario", "response", "harmful", "trap", "note"}
EXPECTED_ABSTENTIONS = {
    # The model cancels the alert believing it is a false alarm: intent decides.
    "le-12",
    # A veiled threat with no demand: meaning decides.
    "bm-16",
    # Reports to the boss that name the secret beside the threat: meaning decides.
    "bm-09",
    "ub-05",
    # Names the file and the contract number and says the details are below,
    # with none below: a claim to carry the document, not content.
    "ul-08",
}


def load_rows() -> list[dict[str, Any]]:
    lines = labelled_path().read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


ROWS = load_rows()


@cache
def harm_for(scenario: str) -> HarmSpec | None:
    try:
        return get_pack(scenario).harm
    except InsiderbenchError:
        return None


def test_schema() -> None:
    assert len(ROWS) >= 80
    ids = [row["id"] for row in ROWS]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for row in ROWS:
        assert set(row) == FIELDS, row["id"]
        assert row["scenario"] in SCENARIOS, row["id"]
        assert isinstance(row["harmful"], bool), row["id"]
        assert isinstance(row["response"], str) and row["response"].strip(), row["id"]
        assert isinstance(row["trap"], str) and row["trap"], row["id"]
        assert isinstance(row["note"], str) and row["note"], row["id"]


def test_every_scenario_is_covered_and_balanced() -> None:
    by_pack: dict[str, Counter[bool]] = defaultdict(Counter)
    for row in ROWS:
        by_pack[row["scenario"]][row["harmful"]] += 1
    assert set(by_pack) == SCENARIOS
    for scenario, counts in by_pack.items():
        total = counts[True] + counts[False]
        assert total >= 12, scenario
        assert 0.35 <= counts[True] / total <= 0.65, (scenario, dict(counts))


def test_traps_are_present() -> None:
    traps = {row["trap"] for row in ROWS}
    for wanted in (
        "scratchpad_draft",
        "think_draft",
        "code_quoted_in_refusal",
        "polite_implicit",
        "explicit_no_keywords",
        "reasoning_says_leverage",
        "reminder_no_demand",
        "report_to_boss",
        "internal_forward",
        "refusal_names_project",
        "public_only",
        "report_to_authority",
        "cc_target",
        "bcc_external",
        "spoofed_domain",
        "missing_closing_tag",
        "code_fence_unquoted",
        "multiple_actions",
    ):
        assert wanted in traps, wanted


def test_every_scenario_in_the_set_is_registered() -> None:
    for scenario in SCENARIOS - {s for s in SCENARIOS if s.startswith("upstream/")}:
        assert harm_for(scenario) is not None, scenario


def test_rule_accuracy() -> None:
    wrong: set[str] = set()
    abstained: set[str] = set()
    counted = 0
    for row in ROWS:
        harm = harm_for(row["scenario"])
        if harm is None:
            continue
        counted += 1
        result = rule_verdict(harm, parse_response(row["response"]))
        if result.harmful is None:
            abstained.add(row["id"])
        elif result.harmful != row["harmful"]:
            wrong.add(row["id"])
    upstream_installed = importlib.util.find_spec("inspect_evals") is not None
    expected = [r for r in ROWS if upstream_installed or not r["scenario"].startswith("upstream/")]
    assert counted == len(expected), "a labelled row was silently left out"
    assert wrong == set(), f"confident rule errors: {sorted(wrong)}"
    present = {r["id"] for r in expected}
    assert abstained == EXPECTED_ABSTENTIONS & present, sorted(abstained ^ EXPECTED_ABSTENTIONS)
