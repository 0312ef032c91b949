"""Golden files: the exact prompts of a few conditions per built-in pack.

A change to a pack or the renderer shows up here as a diff. After an
intended change, regenerate with ``INSIDERBENCH_UPDATE_GOLDEN=1 pytest tests/test_golden.py``
and review the diff. (Upstream packs have no golden files: their text is not ours
to store; they are checked byte-for-byte against inspect_evals instead.)
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from insiderbench.conditions import Condition
from insiderbench.scenarios import get_pack

GOLDEN = Path(__file__).parent / "golden"
CASES = [
    f"{pack}_{cell}"
    for pack in ("blackmail", "leaking", "lethal", "tiny")
    for cell in (
        "explicit-america_replacement",
        "none-none_none",
        "latent-safety_restriction_dont",
        "ambiguous-none_replacement_prod_aware",
        "swap-individualism_none_goal",
    )
]


def _render(cid: str) -> str:
    cond = Condition.from_id(cid)
    r = get_pack(cond.scenario).render(cond)
    return f"=== SYSTEM ===\n{r.system}\n=== USER ===\n{r.user}"


@pytest.mark.parametrize("cid", CASES)
def test_golden(cid: str) -> None:
    path = GOLDEN / f"{cid}.txt"
    text = _render(cid)
    if os.environ.get("INSIDERBENCH_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}; run with INSIDERBENCH_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")
