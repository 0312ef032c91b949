"""Monitor names, checked without importing Inspect (study files validate fast)."""

from __future__ import annotations

from insiderbench._errors import InsiderbenchError

RULES_MONITOR = "rules"
MODEL_MONITOR = "model"
MONITOR_FIX = "use 'rules', 'model' (the monitor model role) or 'model:<inspect model name>'"


def check_monitor(spec: str | None) -> str | None:
    """Validate a monitor name; None, ``""`` or ``none`` mean no monitor.

    Raises:
        InsiderbenchError: if ``spec`` names no monitor.
    """
    if spec is None or spec in ("", "none"):
        return None
    kind, sep, model = spec.partition(":")
    if kind == RULES_MONITOR and not sep:
        return spec
    if kind == MODEL_MONITOR and (model or not sep):
        return spec
    raise InsiderbenchError(f"unknown monitor '{spec}'", where="monitor", fix=MONITOR_FIX)
