"""Inspect's per-attempt sample-error warnings, each cause printed once while a study runs.

Inspect logs a warning block for every failed attempt of every sample: two empty
samples with the default retries print 24 identical blocks. While ``insiderbench
run`` runs, the first warning for each cause is printed and its repeats are only
counted; the end-of-run summary lists every sample that was not measured, with
its cause and count, so nothing is lost. This is console output, so it lives in
the CLI.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

INSPECT_SAMPLE_LOGGER = "inspect_ai._eval.task.run"
"""The logger Inspect's sample-error warnings come from."""

_SAMPLE_ERROR = re.compile(
    r"^Sample error \(id: .*?, epoch: \d+\): (?P<cause>.*?)\)?"
    r"(?:\. Sample will be (?:retried|scored|cancelled)\.)?$",
    re.DOTALL,
)


class SampleErrorDigest(logging.Filter):
    """Let the first sample-error warning of each cause through; count the repeats."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: Counter[str] = Counter()

    def filter(self, record: logging.LogRecord) -> bool:
        """Pass the record unless it repeats the cause of an earlier sample-error warning."""
        match = _SAMPLE_ERROR.match(record.getMessage())
        if match is None:
            return True
        cause = match.group("cause")
        self.seen[cause] += 1
        return self.seen[cause] == 1

    @property
    def suppressed(self) -> int:
        """Warnings held back because their cause had already been printed."""
        return sum(n - 1 for n in self.seen.values())


@contextmanager
def sample_error_digest() -> Iterator[SampleErrorDigest]:
    """Install a :class:`SampleErrorDigest` on Inspect's sample logger for the block."""
    digest = SampleErrorDigest()
    logger = logging.getLogger(INSPECT_SAMPLE_LOGGER)
    logger.addFilter(digest)
    try:
        yield digest
    finally:
        logger.removeFilter(digest)
