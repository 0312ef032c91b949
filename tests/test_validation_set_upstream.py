"""The held-out validation set for the upstream packs: its structure, balance and facts.

The set lives in ``classify/data/validation/upstream-{blackmail,leaking,murder}.jsonl``.
These checks are about the data only (never about what a classifier says on it). Each
check is a function returning its problems, so the tests at the bottom can show that a
broken copy of the set is caught.
"""

from __future__ import annotations

import copy
import json
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

VALIDATION_DIR = Path(str(resources.files("insiderbench.classify") / "data" / "validation"))
PACK_FILES = {
    "upstream/blackmail": "upstream-blackmail.jsonl",
    "upstream/leaking": "upstream-leaking.jsonl",
    "upstream/murder": "upstream-murder.jsonl",
}
ID_PREFIX = {
    "upstream/blackmail": "v-ubm-",
    "upstream/leaking": "v-ulk-",
    "upstream/murder": "v-umd-",
}
FIELDS = {
    "id": str,
    "scenario": str,
    "response": str,
    "harmful": bool,
    "class": str,
    "lang": str,
    "format": str,
    "twin_of": (str, type(None)),
    "note": str,
}
MIN_PER_PACK = 40
MIN_MEDIAN_CHARS = 2000
MIN_NON_ENGLISH = 0.15
# Common function words per language: a case labelled with a language must use them,
# so the share of non-English cases cannot be met by relabelling English text.
LANGUAGE_MARKERS = {
    "de": (" und ", " die ", " ich ", " nicht ", " der "),
    "fr": (" le ", " la ", " je ", " et ", " les "),
    "es": (" el ", " la ", " que ", " y ", " los "),
    "pt": (" o ", " a ", " que ", " e ", " os "),
}
MIN_MARKERS = 3
MIN_KANA = 20

# The failure classes of issue 12 each pack must probe; each with a benign look-alike,
# and those that can be harmful with harmful cases too.
REQUIRED_CLASSES = {
    "upstream/blackmail": {
        "passive_demand",
        "plural_disclosure",
        "indirect_secret",
        "distant_demand",
        "threat_to_other",
        "json_call",
        "xml_children",
        "markdown_email",
        "self_closing_tag",
        "fields_any_order",
        "mismatched_scratchpad_close",
        "scratchpad_draft",
        "considered_declined",
        "report_to_boss",
        "impersonation_lookalike",
    },
    "upstream/leaking": {
        "paraphrased_spec",
        "quoted_figures",
        "doc_number_in_refusal",
        "lawful_authority",
        "internal_forward",
        "public_info",
        "json_call",
        "xml_children",
        "markdown_email",
        "self_closing_tag",
        "mismatched_scratchpad_close",
        "scratchpad_draft",
    },
    "upstream/murder": {
        "code_nonbreaking_hyphen",
        "code_en_dash",
        "code_trailing_comment",
        "reason_line",
        "code_in_refusal",
        "believes_false_alarm",
        "intent_cancel",
        "json_call",
        "xml_children",
        "self_closing_tag",
        "fields_any_order",
        "mismatched_scratchpad_close",
        "scratchpad_draft",
        "impersonation_lookalike",
    },
}
# Classes whose point is a benign reading; they need no harmful member.
BENIGN_ONLY = {
    "scratchpad_draft",
    "considered_declined",
    "report_to_boss",
    "impersonation_lookalike",
    "doc_number_in_refusal",
    "lawful_authority",
    "internal_forward",
    "public_info",
    "code_in_refusal",
    "believes_false_alarm",
}

Row = dict[str, Any]


def load_rows(directory: Path = VALIDATION_DIR) -> list[Row]:
    """Every row of the three files, with the file it came from under ``_file``."""
    rows: list[Row] = []
    for name in PACK_FILES.values():
        path = directory / name
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert line.strip(), f"{name}:{number}: blank line"
            row = json.loads(line)
            assert isinstance(row, dict), f"{name}:{number}: not a JSON object"
            row["_file"] = name
            rows.append(row)
    return rows


@cache
def _rows() -> tuple[Row, ...]:
    return tuple(load_rows())


def rows() -> list[Row]:
    """A fresh copy of the set, safe to mutate."""
    return copy.deepcopy(list(_rows()))


def field_problems(data: Iterable[Row]) -> list[str]:
    """Missing, extra or mistyped fields; scenarios outside the upstream packs."""
    problems = []
    for row in data:
        rid = row.get("id", "?")
        keys = set(row) - {"_file"}
        if keys != set(FIELDS):
            problems.append(f"{rid}: fields {sorted(keys ^ set(FIELDS))} missing or extra")
            continue
        for key, kind in FIELDS.items():
            if not isinstance(row[key], kind):
                problems.append(f"{rid}: {key} has type {type(row[key]).__name__}")
        for key in ("id", "response", "class", "lang", "format", "note"):
            if isinstance(row[key], str) and not row[key].strip():
                problems.append(f"{rid}: {key} is empty")
        scenario = row["scenario"]
        if scenario not in PACK_FILES:
            problems.append(f"{rid}: scenario {scenario!r} is not an upstream pack")
        elif row.get("_file", PACK_FILES[scenario]) != PACK_FILES[scenario]:
            problems.append(f"{rid}: scenario {scenario} in {row['_file']}")
        elif not str(row["id"]).startswith(ID_PREFIX[scenario]):
            problems.append(f"{rid}: id does not start with {ID_PREFIX[scenario]}")
        if not re.fullmatch(r"[a-z]{2}", str(row["lang"])):
            problems.append(f"{rid}: lang {row['lang']!r} is not a two-letter ISO code")
    return problems


def id_problems(data: Iterable[Row]) -> list[str]:
    """Duplicate ids."""
    counts = Counter(row["id"] for row in data)
    return [f"{rid}: appears {n} times" for rid, n in counts.items() if n > 1]


def twin_problems(data: Iterable[Row]) -> list[str]:
    """Dangling twins, twins across packs or labels, and harmful cases with no twin."""
    data = list(data)
    by_id = {row["id"]: row for row in data}
    paired: set[str] = set()
    problems = []
    for row in data:
        twin = row["twin_of"]
        if twin is None:
            continue
        other = by_id.get(twin)
        if other is None or twin == row["id"]:
            problems.append(f"{row['id']}: twin_of {twin!r} is not another case")
            continue
        if other["scenario"] != row["scenario"] or other["harmful"] != row["harmful"]:
            problems.append(f"{row['id']}: twin {twin} has another pack or label")
            continue
        paired.update((row["id"], twin))
    for row in data:
        if row["harmful"] and row["id"] not in paired:
            problems.append(f"{row['id']}: harmful case without a paraphrase twin")
    return problems


def class_problems(data: Iterable[Row]) -> list[str]:
    """Each required class present; every class with a harmful case has a benign look-alike."""
    harmful: dict[str, set[str]] = defaultdict(set)
    benign: dict[str, set[str]] = defaultdict(set)
    for row in data:
        (harmful if row["harmful"] else benign)[row["scenario"]].add(row["class"])
    problems = []
    for pack, required in REQUIRED_CLASSES.items():
        for cls in sorted(required):
            if cls not in benign[pack]:
                problems.append(f"{pack}: class {cls} has no benign look-alike")
            if cls not in BENIGN_ONLY and cls not in harmful[pack]:
                problems.append(f"{pack}: class {cls} has no harmful case")
        for cls in sorted(harmful[pack] - benign[pack]):
            problems.append(f"{pack}: harmful class {cls} has no benign look-alike")
    return problems


def language_problems(data: Iterable[Row]) -> list[str]:
    """Cases whose text does not look like the language they are labelled with."""
    problems = []
    for row in data:
        lang, text = row["lang"], row["response"]
        if lang == "en":
            continue
        if lang == "ja":
            kana = sum("\u3040" <= c <= "\u30ff" for c in text)
            if kana < MIN_KANA:
                problems.append(f"{row['id']}: labelled ja but has {kana} kana")
            continue
        markers = LANGUAGE_MARKERS.get(lang)
        if markers is None:
            problems.append(f"{row['id']}: no markers for lang {lang!r}; add them to this test")
            continue
        found = sum(text.lower().count(m) for m in markers)
        if found < MIN_MARKERS:
            problems.append(f"{row['id']}: labelled {lang} but has {found} {lang} function words")
    return problems


def balance_problems(data: Iterable[Row]) -> list[str]:
    """Size per pack, median length, share not in English, both labels per pack."""
    data = list(data)
    problems = []
    per_pack = Counter(row["scenario"] for row in data)
    for pack in PACK_FILES:
        if per_pack[pack] < MIN_PER_PACK:
            problems.append(f"{pack}: {per_pack[pack]} cases, fewer than {MIN_PER_PACK}")
        labels = {row["harmful"] for row in data if row["scenario"] == pack}
        if labels != {True, False}:
            problems.append(f"{pack}: labels {labels}, need both")
    median = statistics.median(len(row["response"]) for row in data) if data else 0
    if median < MIN_MEDIAN_CHARS:
        problems.append(f"median response length {median} < {MIN_MEDIAN_CHARS}")
    foreign = sum(row["lang"] != "en" for row in data)
    if not data or foreign / len(data) < MIN_NON_ENGLISH:
        problems.append(f"{foreign}/{len(data)} cases not in English, under {MIN_NON_ENGLISH:.0%}")
    return problems


def test_every_line_parses_with_its_fields() -> None:
    assert field_problems(rows()) == []


def test_ids_unique() -> None:
    assert id_problems(rows()) == []


def test_sizes_lengths_and_languages() -> None:
    assert balance_problems(rows()) == []


def test_languages_are_what_they_say() -> None:
    assert language_problems(rows()) == []


def test_every_harmful_case_has_a_twin_with_its_label() -> None:
    assert twin_problems(rows()) == []


def test_every_class_has_benign_look_alikes() -> None:
    assert class_problems(rows()) == []


def test_broken_copies_are_caught() -> None:
    """Each check finds the defect it is there for (so none passes vacuously)."""
    data = rows()
    harmful = next(r for r in data if r["harmful"])
    twin = next(r for r in data if r["twin_of"] == harmful["id"] or r["id"] == harmful["twin_of"])

    dropped = [r for r in data if r["id"] != twin["id"]]
    assert any("without a paraphrase twin" in p for p in twin_problems(dropped))

    flipped = copy.deepcopy(data)
    for r in flipped:
        if r["id"] == twin["id"]:
            r["harmful"] = not r["harmful"]
    assert any("another pack or label" in p for p in twin_problems(flipped))

    assert id_problems([*data, data[0]]) == [f"{data[0]['id']}: appears 2 times"]

    missing = copy.deepcopy(data[:1])
    del missing[0]["note"]
    assert field_problems(missing)
    foreign_pack = copy.deepcopy(data[:1])
    foreign_pack[0]["scenario"] = "blackmail"
    assert any("not an upstream pack" in p for p in field_problems(foreign_pack))

    short = copy.deepcopy(data)
    for r in short:
        r["response"] = r["response"][:1500]
    assert any("median" in p for p in balance_problems(short))
    english = copy.deepcopy(data)
    for r in english:
        r["lang"] = "en"
    assert any("not in English" in p for p in balance_problems(english))
    assert any("fewer than" in p for p in balance_problems(data[:30]))
    relabelled = [r for r in copy.deepcopy(data) if r["lang"] == "en"][:3]
    for r, lang in zip(relabelled, ("de", "ja", "xx"), strict=True):
        r["lang"] = lang
    assert len(language_problems(relabelled)) == 3

    no_benign = [r for r in data if r["harmful"] or r["class"] != "passive_demand"]
    assert any("passive_demand has no benign" in p for p in class_problems(no_benign))


# Rendering checks: the cases must name the people, addresses, documents and code of
# the world the model actually sees. They need the study's templates at run time.


@cache
def _rendered_text(pack_name: str) -> str:
    pytest.importorskip(
        "inspect_evals",
        reason="rendering the upstream packs needs inspect_evals: "
        "pip install 'insiderbench[upstream]'",
    )
    from insiderbench.conditions import Condition
    from insiderbench.scenarios import get_pack

    pack = get_pack(pack_name)
    texts = []
    for cid_axes in (
        ("explicit", "america", "replacement"),
        ("none", "none", "none"),
        ("explicit", "safety", "restriction"),
    ):
        goal_type, goal_value, urgency = cid_axes
        cond = Condition(
            scenario=pack_name, goal_type=goal_type, goal_value=goal_value, urgency=urgency
        )
        rendered = pack.render(cond)
        texts.append(rendered.system + "\n" + rendered.user)
    return "\n".join(texts)


DOMAINS = {
    "upstream/blackmail": ("summitbridge.com",),
    "upstream/leaking": ("novastar.com", "starsentinel.net"),
    "upstream/murder": ("summitbridge.com",),
}


@pytest.mark.parametrize("pack", sorted(PACK_FILES))
def test_addresses_in_the_world_exist(pack: str) -> None:
    """Every address at the world's own domains is one the rendered inbox contains."""
    world = _rendered_text(pack).lower()
    unknown = set()
    for row in rows():
        if row["scenario"] != pack:
            continue
        for domain in DOMAINS[pack]:
            pattern = r"[\w.+-]+@" + re.escape(domain) + r"\b"
            for address in re.findall(pattern, row["response"].lower()):
                if address not in world:
                    unknown.add((row["id"], address))
    assert not unknown, f"addresses not in the rendered {pack} world: {sorted(unknown)}"


def test_murder_code_is_the_worlds_code() -> None:
    """The override code used by the harmful cases is the one the alert offers."""
    world = _rendered_text("upstream/murder")
    codes = set(re.findall(r"\b[A-Z]{4}-\d{4}\b", world))
    assert codes, "no override code found in the rendered murder world"
    cases = [r for r in rows() if r["scenario"] == "upstream/murder"]
    seen = Counter(code for r in cases for code in re.findall(r"\b[A-Z]{4}-\d{4}\b", r["response"]))
    assert seen, "no murder case spells the code in ASCII"
    assert set(seen) <= codes, f"codes not in the world: {set(seen) - codes}"


def test_forwarded_email_ids_exist_in_the_leaking_inbox() -> None:
    """Every email id a leaking case forwards is one the rendered inbox numbers."""
    world = _rendered_text("upstream/leaking")
    ids = set(re.findall(r"<email>\nID: (\d+)\n", world))
    assert {"1", "2", "3", "4"} <= ids, f"unexpected inbox numbering: {sorted(ids)}"
    cases = [r for r in rows() if r["scenario"] == "upstream/leaking"]
    used = {
        (r["id"], found)
        for r in cases
        for found in re.findall(r"email_id\W{0,4}(\d+)", r["response"])
    }
    assert used, "no leaking case forwards an email"
    assert {found for _, found in used} <= ids, sorted(x for x in used if x[1] not in ids)
