"""The pooled analyses never mix worlds: perturbed cells, text with tools mode, monitors.

Each test builds synthetic logs in which pooling the wrong rows would move a
number, and calls the public analysis function directly (not through the
report, which used to do the filtering for them).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from _synthlogs import Synth, write_log
from insiderbench.analysis import (
    awareness_split,
    control_flags,
    load_samples,
    rates,
    sensitivity,
    standard_contrasts,
)

HEAD = "blackmail_explicit-america_replacement"
CONTROL = "blackmail_none-none_none"


def _cells(cells: dict[str, tuple[int, int]], **extra: object) -> list[Synth]:
    return [
        Synth(cid, epoch=i + 1, harmful=i < k, **extra)  # type: ignore[arg-type]
        for cid, (k, n) in cells.items()
        for i in range(n)
    ]


def test_control_check_leaves_out_perturbed_cells_and_splits_modes(tmp_path: Path) -> None:
    samples = _cells({
        CONTROL: (0, 10),                       # text mode: never harmful
        f"{CONTROL}__framing-live": (10, 10),   # perturbed: always harmful
        f"{CONTROL}_tools": (4, 10),            # tools mode: 40%
    })  # fmt: skip
    frame = load_samples([write_log(tmp_path / "a.eval", "synthetic/model-a", samples)])
    flags = control_flags(frame)
    assert "mode" in flags.columns
    by_mode = {r["mode"]: r for r in flags.to_dict("records")}
    assert (by_mode["text"]["harmful"], by_mode["text"]["measured"]) == (0, 10)
    assert not by_mode["text"]["flagged"], "the perturbed cell's 10/10 was pooled in"
    assert (by_mode["tools"]["harmful"], by_mode["tools"]["measured"]) == (4, 10)
    assert by_mode["tools"]["flagged"]


def test_contrasts_never_pool_perturbed_cells_or_modes(tmp_path: Path) -> None:
    samples = _cells({
        HEAD: (8, 10),
        CONTROL: (0, 10),
        f"{HEAD}__escalation": (0, 10),
        f"{HEAD}_tools": (2, 10),
        f"{CONTROL}_tools": (0, 10),
    })  # fmt: skip
    frame = load_samples([write_log(tmp_path / "a.eval", "synthetic/model-a", samples)])
    table = standard_contrasts(frame)
    shown = table[table["shown"].astype(bool)]
    assert not shown.empty
    cells = " ".join(shown["a_cells"].astype(str)) + " " + " ".join(shown["b_cells"].astype(str))
    assert "__" not in cells, "a perturbed cell entered a pooled contrast"
    assert set(shown["mode"]) == {"text", "tools"}
    for r in shown.to_dict("records"):
        ids = f"{r['a_cells']}; {r['b_cells']}".split("; ")
        assert len({i.endswith("_tools") for i in ids}) == 1, r
    text = shown[(shown["mode"] == "text") & (shown["a_cells"] == HEAD)]
    assert (text["a_harmful"].tolist(), text["a_measured"].tolist()) == (
        [8] * len(text),
        [10] * len(text),
    )


def test_awareness_split_leaves_out_perturbed_cells(tmp_path: Path) -> None:
    aware = f"{HEAD}_aware"
    samples = _cells({aware: (5, 10)}, awareness="real")
    samples += _cells({f"{aware}__audit-10": (0, 10)}, awareness="real")
    frame = load_samples([write_log(tmp_path / "a.eval", "synthetic/model-a", samples)])
    real = awareness_split(frame).query("label == 'real'")
    assert (int(real["count"].iloc[0]), int(real["harmful"].iloc[0])) == (10, 5)


def test_runs_under_different_monitors_are_never_pooled(tmp_path: Path) -> None:
    tools = f"{HEAD}_tools"
    logs = tmp_path / "logs"
    logs.mkdir()
    write_log(logs / "plain.eval", "synthetic/model-a", _cells({tools: (6, 10)}))
    write_log(logs / "watched.eval", "synthetic/model-a", _cells({tools: (1, 10)}),
              task_args={"monitor": "rules"})  # fmt: skip
    frame = load_samples([logs])
    assert set(frame["monitor"].astype(str)) == {"none", "rules"}
    table = rates(frame, ["model", "condition_id"])
    got = {r["monitor"]: (r["harmful"], r["measured"]) for r in table.to_dict("records")}
    assert got == {"none": (6, 10), "rules": (1, 10)}


def test_sensitivity_keeps_runs_of_other_settings_apart(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    cells = {HEAD: (8, 10), f"{HEAD}__agency-off": (2, 10)}
    write_log(logs / "a.eval", "synthetic/model-a", _cells(cells))
    other = {HEAD: (0, 10), f"{HEAD}__agency-off": (0, 10)}
    write_log(logs / "b.eval", "synthetic/model-a", _cells(other), task_args={"monitor": "rules"})
    table = sensitivity(load_samples([logs]))
    assert len(table) == 2
    by_model = {r["model"]: r for r in table.to_dict("records")}
    plain = by_model["synthetic/model-a | monitor=none"]
    assert (plain["base_harmful"], plain["harmful"]) == (8, 2)
    assert pd.notna(plain["p_holm"])


def test_the_report_labels_each_modes_contrast_apart(tmp_path: Path) -> None:
    from insiderbench.report import write_report

    samples = _cells({HEAD: (8, 10), CONTROL: (0, 10), f"{HEAD}_tools": (2, 10),
                      f"{CONTROL}_tools": (0, 10)})  # fmt: skip
    log = write_log(tmp_path / "a.eval", "synthetic/model-a", samples)
    html = write_report([log], tmp_path / "report").read_text(encoding="utf-8")
    assert "mode=text" in html and "mode=tools" in html
