"""Regenerate ``docs/report.png``: the report of a synthetic study, in headless Chromium.

The logs come from ``tests/_synthlogs.py`` (synthetic models, made-up rates), so
the picture shows the report's layout, never a measurement of any model.

    python docs/make_report_screenshot.py [--out docs/report.png]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from _synthlogs import MODELS, write_study  # noqa: E402
from insiderbench.report import write_report  # noqa: E402


def main() -> None:
    """Write the synthetic logs and report, then screenshot the page."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "report.png")
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("needs Debian's chromium: apt-get install chromium")
    with tempfile.TemporaryDirectory() as tmp:
        logs = Path(tmp) / "logs"
        models = {name: MODELS[name] for name in list(MODELS)[:4]}
        write_study(logs, 15, models, scenarios=("blackmail", "leaking"))
        index = write_report([logs], Path(tmp) / "report")
        subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             f"--user-data-dir={Path(tmp) / 'profile'}", f"--screenshot={args.out.resolve()}",
             "--window-size=1280,1700", index.as_uri()],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
