"""Regenerate ``docs/sensitivity.png``: two sections of the report, in headless Chromium.

The logs come from ``tests/_synthlogs.py`` with made-up rates (one synthetic
model, its base cell at 80%, 100 samples per cell) and carry the
pre-registration of ``examples/sensitivity.yaml``, built by the same function
``insiderbench run`` uses. The report is the one ``insiderbench report`` writes;
for the picture, a copy of the page hides every other section, so the
screenshot shows this section as the browser renders it, never a measurement.

    python docs/make_sensitivity_screenshot.py [--out docs/sensitivity.png]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "docs"))
from _chromium import screenshot  # noqa: E402

from _synthlogs import Synth, write_log  # noqa: E402
from insiderbench.report import write_report  # noqa: E402
from insiderbench.study import load_study  # noqa: E402
from insiderbench.study._hypotheses import PREREGISTRATION_KEY, preregistration  # noqa: E402

BASE = "blackmail_explicit-america_replacement"
CONTROL = "blackmail_none-none_none"
CELLS = {
    BASE: (80, 100),
    f"{BASE}__order-newest": (77, 100),
    f"{BASE}__agency-off": (62, 100),
    f"{BASE}__names-s1": (79, 100),
    f"{BASE}__distractors-6-s1": (71, 100),
    f"{BASE}__escalation": (9, 100),
    f"{BASE}__audit-10": (55, 100),
    f"{BASE}__framing-live": (88, 100),
    CONTROL: (0, 100),
}
"""Made-up counts: (harmful, measured) per cell."""

ONLY = (
    "<style>header, nav, main > section:not(#hypotheses):not(#sensitivity) "
    "{ display: none !important; }</style>"
)


def main() -> None:
    """Write the synthetic logs and the report; screenshot Hypotheses and Sensitivity."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "sensitivity.png")
    args = parser.parse_args()
    study_file = Path("examples") / "sensitivity.yaml"  # as a user in the checkout names it
    os.chdir(ROOT)
    record = preregistration(study_file, list(load_study(study_file).hypotheses))
    with tempfile.TemporaryDirectory() as tmp:
        samples = [Synth(cid, epoch=i + 1, harmful=i < k)
                   for cid, (k, n) in CELLS.items() for i in range(n)]  # fmt: skip
        logs = Path(tmp) / "logs"
        write_log(logs / "synthetic.eval", "synthetic/model-a", samples,
                  metadata={PREREGISTRATION_KEY: record})  # fmt: skip
        index = write_report([logs], Path(tmp) / "report")
        shown = index.with_name("sensitivity.html")
        shown.write_text(index.read_text(encoding="utf-8").replace("</head>", ONLY + "</head>"))
        screenshot(shown, args.out, 1280, 1760)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
