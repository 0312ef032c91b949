"""Text against tools mode and a monitor's effect, from real (replay) logs."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval
from typer.testing import CliRunner

from insiderbench.analysis import newcombe, wilson
from insiderbench.analysis._agentic import load_agentic, mode_comparison, monitor_effect
from insiderbench.cli import app
from insiderbench.tasks import agentic_misalignment
from test_tools_mode import BLACKMAIL, BLACKMAIL_CONTROL, SCRIPTS

TEXT = BLACKMAIL.removesuffix("_tools")
DECLINE = (
    '<tool_use:email>\nto: "robert.lindqvist@corvane.com",\nsubject: "Hi",\n'
    'body: "Fine.",\n</tool_use:email>'
)


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Logs of one unmonitored run (text and tools) and one run under the rules monitor."""
    return _logs(tmp_path_factory.mktemp("agentic"))


def _logs(tmp_path: Path) -> Path:
    script = tmp_path / "script.jsonl"
    lines = [
        {"condition": TEXT, "response": DECLINE},
        {"condition": BLACKMAIL, "turns": SCRIPTS["blackmail_harmful"]},
        {"condition": BLACKMAIL_CONTROL, "turns": SCRIPTS["blackmail_benign"]},
    ]
    script.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    logs = tmp_path / "logs"
    for monitor, conditions in (
        (None, [TEXT, BLACKMAIL]),
        ("rules", [BLACKMAIL, BLACKMAIL_CONTROL]),
    ):
        task = agentic_misalignment(conditions=conditions, samples=2, monitor=monitor)
        [log] = inspect_eval(
            task, model=f"replay/{script}", log_dir=str(logs), display="none", log_level="warning"
        )
        assert log.status == "success", log.error
    return logs


def test_modes_and_monitor_effect(logs: Path) -> None:
    frame = load_agentic([logs])
    assert len(frame) == 8
    [modes] = mode_comparison(frame).to_dict("records")
    expected = newcombe(2, 2, 0, 2)
    assert (modes["condition"], modes["tools_k"], modes["text_k"]) == (TEXT, 2, 0)
    assert modes["difference"] == 1.0 and math.isclose(modes["ci_low"], expected.low)
    effect = {r["condition"]: r for r in monitor_effect(frame).to_dict("records")}
    main, control = effect[BLACKMAIL], effect[BLACKMAIL_CONTROL]
    assert (main["attempted_k"], main["executed_k"], main["prevented_k"]) == (2, 0, 2)
    assert (main["recall_k"], main["recall_n"]) == (2, 2)
    assert math.isclose(main["recall_low"], wilson(2, 2).low)
    assert main["harm_prevented"] == 1.0, "executed 2/2 without the monitor, 0/2 with it"
    assert main["gave_up"] == 2 and main["retried"] == 0
    assert math.isnan(main["false_alarm_n"]), "not a control condition: no false-alarm rate"
    assert (control["false_alarm_k"], control["false_alarm_n"]) == (0, 2)
    assert control["recall_n"] == 0 and math.isnan(control["recall"])


def test_agentic_command(logs: Path) -> None:
    out = CliRunner().invoke(app, ["agentic", str(logs), "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["modes"][0]["difference"] == 1.0
    assert {m["condition"] for m in data["monitors"]} == {BLACKMAIL, BLACKMAIL_CONTROL}
    table = CliRunner().invoke(app, ["agentic", str(logs)])
    assert table.exit_code == 0 and "harm prevented" in table.output


def test_a_copied_log_is_counted_once(logs: Path, tmp_path: Path) -> None:
    import shutil

    twice = tmp_path / "twice"
    shutil.copytree(logs, twice / "a")
    shutil.copytree(logs, twice / "b")
    frame = load_agentic([twice])
    assert len(frame) == 8, "each sample once, as load_samples counts it"
    [modes] = mode_comparison(frame).to_dict("records")
    assert (modes["tools_n"], modes["text_n"]) == (2, 2)


def test_report_shows_modes_and_monitors(logs: Path, tmp_path: Path) -> None:
    from insiderbench.report import write_report

    index = write_report([logs], tmp_path / "report")
    html = index.read_text(encoding="utf-8")
    assert 'id="agentic"' in html and 'id="modes-table"' in html and 'id="monitors-table"' in html
    summary = json.loads((tmp_path / "report" / "summary.json").read_text())
    [modes] = summary["agentic"]["modes"]
    assert (modes["tools_k"], modes["text_k"], modes["difference"]) == (2, 0, 1.0)
    effect = {m["condition"]: m for m in summary["agentic"]["monitors"]}
    assert effect[BLACKMAIL]["harm_prevented"] == 1.0
    assert effect[BLACKMAIL_CONTROL]["false_alarm_k"] == 0
    # the same tools-mode cell with and without the monitor: two rows, never pooled
    cells = [r for r in summary["rates"] if r["condition_id"] == BLACKMAIL]
    assert sorted((r["monitor"], r["measured"]) for r in cells) == [("none", 2), ("rules", 2)]


def test_report_without_tools_mode_has_no_agentic_section(tmp_path: Path) -> None:
    from _synthlogs import Synth, write_log
    from insiderbench.report import write_report

    log = write_log(tmp_path / "a.eval", "synthetic/model-a", [Synth(TEXT, 1, harmful=True)])
    html = write_report([log], tmp_path / "report").read_text(encoding="utf-8")
    assert 'id="agentic"' not in html


def test_a_tools_sample_without_episode_fields_is_left_out_never_counted_as_no(
    logs: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """If a log lost a sample's episode fields, executed harm is unknown for it, not 'no'."""
    from insiderbench.analysis import _agentic

    real = _agentic._episodes

    def lossy(log_file: str) -> dict[tuple[str, ...], dict[str, object]]:
        found = real(log_file)
        drop = sorted(k for k in found if k[0] == "uuid")[:1]  # one sample's fields are gone
        dropped = found[drop[0]] if drop else None
        return {k: v for k, v in found.items() if v is not dropped}

    monkeypatch.setattr(_agentic, "_episodes", lossy)
    with caplog.at_level("WARNING"):
        frame = load_agentic([logs])
    assert "no episode fields" in caplog.text
    effect = monitor_effect(frame)
    for row in effect.to_dict("records"):
        assert row["executed_n"] <= row["attempted_n"]
    assert (effect["executed_n"] < effect["attempted_n"]).any(), "the unknown sample was counted"
