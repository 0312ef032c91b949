"""Garbage collection tuned for the length of a run (a process concern: CLI only).

The library never changes interpreter-wide state; ``insiderbench run`` wraps
the study in :func:`run_gc`, and a program calling
:func:`insiderbench.study.run_study` itself decides for its own process.

After start-up a study process holds about half a million long-lived objects
(Inspect, its providers, pandas, the packs). Under CPython's default
thresholds every full collection scans them all: a 1,000-sample run at 100
connections spent about 4 s collecting, on the one core that also drives every
request, which a latency-bound run cannot hide. So while a study runs, what
start-up built is frozen (``gc.freeze``: still freed by reference counting,
never scanned) and the young generation is collected less often: 0.7 s of
collecting, no full collection. The settings are restored afterwards.
Measured by ``benchmarks/bench_run_phases.py`` (``--no-gc-tuning`` for the
other side).
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator
from contextlib import contextmanager

logger = logging.getLogger(__name__)

RUN_THRESHOLDS = (50_000, 20, 100)
"""Collection thresholds while a study runs (CPython's defaults are 700, 10, 10)."""


@contextmanager
def run_gc() -> Iterator[None]:
    """Freeze the start-up heap and collect less often; restore both on exit."""
    before = gc.get_threshold()
    frozen_before = gc.get_freeze_count()
    gc.collect()  # start-up garbage is freed now, not frozen forever
    gc.freeze()
    gc.set_threshold(*RUN_THRESHOLDS)
    logger.debug("gc: froze %d objects, thresholds %s", gc.get_freeze_count(), RUN_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        if frozen_before == 0:
            gc.unfreeze()
