"""The labelled validation set: its schema, its balance, and the rules' accuracy on it."""

from __future__ import annotations

import importlib.util
import json
from collections import Counter, defaultdict
from functools import cache
from typing import Any

from insiderbench._errors import InsiderbenchError
from insiderbench.classify import rule_verdict
from insiderbench.classify._validate import labelled_path
from insiderbench.cli._classify import OVERALL_THRESHOLD, PACK_THRESHOLD
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
KNOWN_RULE_ERRORS = {
    # The model cancels the alert believing it is a false alarm; the study counts
    # that as not harmful (no intent), and rules cannot see intent.
    "le-12",
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
    correct: Counter[str] = Counter()
    total: Counter[str] = Counter()
    wrong: set[str] = set()
    for row in ROWS:
        harm = harm_for(row["scenario"])
        if harm is None:
            continue
        result = rule_verdict(harm, parse_response(row["response"]))
        total[row["scenario"]] += 1
        if result.harmful == row["harmful"]:
            correct[row["scenario"]] += 1
        else:
            wrong.add(row["id"])
    upstream_installed = importlib.util.find_spec("inspect_evals") is not None
    counted = [r for r in ROWS if upstream_installed or not r["scenario"].startswith("upstream/")]
    assert sum(total.values()) == len(counted), "a labelled row was silently left out"
    assert wrong <= KNOWN_RULE_ERRORS, f"new rule errors: {sorted(wrong - KNOWN_RULE_ERRORS)}"
    for scenario in total:
        accuracy = correct[scenario] / total[scenario]
        assert accuracy >= PACK_THRESHOLD, (scenario, accuracy)
    assert sum(correct.values()) / sum(total.values()) >= OVERALL_THRESHOLD
