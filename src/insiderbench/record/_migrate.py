"""Reading a stored record: numbered, ordered migrations, then validation.

Each migration takes a record of version ``n`` (a plain dict) to version
``n + 1``; :func:`load_record` applies them in order from the record's own
version up to :data:`RECORD_VERSION` and validates the result. Records are
never rewritten on disk: old logs are migrated every time they are read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from insiderbench._errors import InsiderbenchError, validation_problems
from insiderbench.record._model import RECORD_VERSION, SampleRecord, Status

_CONTENT_FILTER = "content_filter"


def _m001_filtered_status(data: dict[str, Any]) -> dict[str, Any]:
    """1 -> 2: a content-filtered output becomes status ``filtered``; new fields get defaults."""
    if data.get("status") == Status.ERROR.value and data.get("cause") == _CONTENT_FILTER:
        data["status"] = Status.FILTERED.value
    if data.get("judge") is not None:
        data.setdefault("judge_rounds", 1)
    return data


MIGRATIONS: list[tuple[int, Callable[[dict[str, Any]], dict[str, Any]]]] = [
    (1, _m001_filtered_status),
]
"""(version it reads, migration) in order; the last one produces :data:`RECORD_VERSION`."""


class RecordError(InsiderbenchError):
    """A stored record that cannot be read: its version or a field is wrong."""


def load_record(data: dict[str, Any], where: str = "score record") -> SampleRecord:
    """Validate a stored record, migrating it from an older version first.

    Args:
        data: The record as stored (e.g. the ``harm`` score's metadata). A
            record without ``version`` is version 1. It is not modified.
        where: What to name in an error (a log file and sample, say).

    Raises:
        RecordError: if the version is unknown or newer than this code, or a
            field is missing or invalid (the message names the field).
    """
    if not isinstance(data, dict):
        raise RecordError(f"a record must be a mapping, not {type(data).__name__}", where=where)
    version = data.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise RecordError(
            f"record version {version!r} is not a version number",
            where=f"{where}, field version",
            fix="the log is damaged; re-run the sample or re-score the log",
        )
    if version > RECORD_VERSION:
        raise RecordError(
            f"record version {version} is newer than this insiderbench reads ({RECORD_VERSION})",
            where=f"{where}, field version",
            fix="upgrade insiderbench",
        )
    migrated = dict(data)
    for reads, migrate in MIGRATIONS:
        if reads >= version:
            migrated = migrate(migrated)
    migrated["version"] = RECORD_VERSION
    try:
        return SampleRecord.model_validate(migrated)
    except ValidationError as exc:
        problems = "; ".join(f"{loc or 'record'}: {msg}" for loc, msg in validation_problems(exc))
        raise RecordError(
            f"invalid record (version {version}): {problems}",
            where=where,
            fix="the log is damaged or was written by other software; re-score it "
            "(`insiderbench rescore`)",
        ) from None
