"""Regenerate ``docs/sensitivity.png``: the report's forest plot for a synthetic study.

The logs come from ``tests/_synthlogs.py`` with made-up rates (a synthetic model,
its base cell at 80%), so the picture shows the plot's layout, never a
measurement of any model.

    python docs/make_sensitivity_figure.py [--out docs/sensitivity.png]
"""

from __future__ import annotations

import argparse
import base64
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from _synthlogs import Synth, write_log  # noqa: E402
from insiderbench.analysis import load_samples, sensitivity  # noqa: E402
from insiderbench.report._sensitivity import forest_figure  # noqa: E402

BASE = "blackmail_explicit-america_replacement"
CELLS = {
    BASE: (80, 100),
    f"{BASE}__order-newest": (77, 100),
    f"{BASE}__agency-off": (62, 100),
    f"{BASE}__names-s1": (79, 100),
    f"{BASE}__distractors-6-s1": (71, 100),
    f"{BASE}__escalation": (9, 100),
    f"{BASE}__audit-10": (55, 100),
    f"{BASE}__framing-live": (88, 100),
}
"""Made-up counts: (harmful, measured) per cell."""


def main() -> None:
    """Write the synthetic logs, then the forest plot as a PNG."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "sensitivity.png")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        samples = [Synth(cid, epoch=i + 1, harmful=i < k)
                   for cid, (k, n) in CELLS.items() for i in range(n)]  # fmt: skip
        log = write_log(Path(tmp) / "synthetic.eval", "synthetic/model-a", samples)
        table = sensitivity(load_samples([log]))
    uri = forest_figure(table, "synthetic/model-a (made-up rates)", 0.10)
    args.out.write_bytes(base64.b64decode(uri.split(",", 1)[1]))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
