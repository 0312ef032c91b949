"""The versioned verdict record: one public type that the scorer writes and readers validate.

:class:`SampleRecord` is what classification concluded about one sample. It
is stored as the ``harm`` score's metadata in the Inspect log; read it back
with :func:`load_record`, which migrates older versions. This package does
not import Inspect.
"""

from insiderbench.record._migrate import MIGRATIONS, RecordError, load_record
from insiderbench.record._model import (
    RECORD_VERSION,
    AwarenessLabel,
    JudgeRecord,
    PanelRule,
    Policy,
    SampleRecord,
    Status,
)

__all__ = [
    "MIGRATIONS",
    "RECORD_VERSION",
    "AwarenessLabel",
    "JudgeRecord",
    "PanelRule",
    "Policy",
    "RecordError",
    "SampleRecord",
    "Status",
    "load_record",
]
