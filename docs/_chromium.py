"""Screenshots of report pages in Debian's headless Chromium, for the docs' pictures."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path


def screenshot(page: Path, out: Path, width: int, height: int) -> None:
    """Render ``page`` (an HTML file) at ``width`` x ``height`` and write the PNG to ``out``.

    Raises:
        SystemExit: naming the package to install when Chromium is missing.
    """
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("needs Debian's chromium: apt-get install chromium")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             f"--user-data-dir={profile}", f"--screenshot={out.resolve()}",
             f"--window-size={width},{height}", page.resolve().as_uri()],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
