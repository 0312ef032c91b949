"""Regenerate ``docs/report.png``: the report of a synthetic study, in headless Chromium.

The logs come from ``tests/_synthlogs.py`` (synthetic models, made-up rates), so
the picture shows the report's layout, never a measurement of any model.

    python docs/make_report_screenshot.py [--out docs/report.png]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "docs"))
from _chromium import screenshot  # noqa: E402

from _synthlogs import MODELS, write_study  # noqa: E402
from insiderbench.report import write_report  # noqa: E402


def main() -> None:
    """Write the synthetic logs and report, then screenshot the page."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "report.png")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        logs = Path(tmp) / "logs"
        models = {name: MODELS[name] for name in list(MODELS)[:4]}
        write_study(logs, 15, models, scenarios=("blackmail", "leaking"))
        index = write_report([logs], Path(tmp) / "report")
        screenshot(index, args.out, 1280, 1700)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
