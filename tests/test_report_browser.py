"""Open the report in a real headless Chromium: it renders, offline, with no console errors."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from _synthlogs import Synth, write_log
from insiderbench.report import write_report

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--enable-logging=stderr", "--v=0",
]  # fmt: skip
BAD = ("Uncaught", "Refused to", "ERR_", "CONSOLE")


def _chromium(args: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip


@pytest.mark.skipif(
    CHROMIUM is None, reason="Debian chromium not installed (apt-get install chromium)"
)
def test_report_opens_in_headless_chromium(tmp_path: Path) -> None:
    head = "blackmail_explicit-america_replacement"
    samples = [Synth(head, e, harmful=e % 2 == 0, response="<script>document.title='x'</script>"
                     if e == 1 else "") for e in range(1, 7)]  # fmt: skip
    samples += [Synth(f"{head}_aware", e, harmful=e == 1, awareness="real") for e in (1, 2)]
    samples += [Synth(f"{head}_tools", e, harmful=e == 1) for e in (1, 2)]  # the tools section
    logs = tmp_path / "logs"
    logs.mkdir()
    write_log(logs / "a.eval", "openai/gpt-4.1", samples)
    index = write_report([logs], tmp_path / "rep")
    url = index.resolve().as_uri()

    dom = _chromium(["--dump-dom", url], tmp_path / "p1")
    assert dom.returncode == 0, dom.stderr[-2000:]
    for ident in ("setup-list", "rates-table", "fig-models", "fig-heatmap", "examples",
                  "agentic", "modes-table"):  # fmt: skip
        assert f'id="{ident}"' in dom.stdout, ident
    assert "<title>insiderbench report</title>" in dom.stdout  # the injected script never ran
    assert "&lt;script&gt;document.title" in dom.stdout
    problems = [line for line in dom.stderr.splitlines() if any(b in line for b in BAD)]
    assert not problems, problems

    shot = tmp_path / "shot.png"
    run = _chromium([f"--screenshot={shot}", "--window-size=1280,2000", url], tmp_path / "p2")
    assert run.returncode == 0, run.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
