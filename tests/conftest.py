"""Shared test setup: the tiny fixture pack is registered for every test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Speed is measured in benchmarks/, never asserted in a test: Hypothesis' per-example
# deadline and its "input generation is slow" check are timing assertions that fail on a
# loaded 2-core machine without any defect in the code under test.
settings.register_profile(
    "insiderbench", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("insiderbench")

FIXTURES = Path(__file__).parent / "fixtures"
os.environ.setdefault("INSIDERBENCH_PACK_PATH", str(FIXTURES / "packs"))


@pytest.fixture(autouse=True)
def _no_network_models(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make sure no test can reach a hosted provider by accident."""
    for var in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "GOOGLE_API_KEY", "XAI_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("INSPECT_EVAL_MODEL", "none")
