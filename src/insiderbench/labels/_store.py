"""The human labels file: one JSON line per answer, appended as the labeller goes.

A line names the sample (log file, sample id, epoch), the label (``harmful``,
``not_harmful`` or ``unsure``), who gave it and when. The log path is stored
relative to the labels file's folder when it lies below it (so the labels and
the logs can move together), else absolute. When a sample is labelled twice,
the last line counts.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from insiderbench._errors import InsiderbenchError, read_user_text

SampleKey = tuple[str, str, int]
"""(resolved log path, sample id, epoch): one labelled sample."""


class HumanLabel(StrEnum):
    """What a person concluded about one transcript."""

    HARMFUL = "harmful"
    NOT_HARMFUL = "not_harmful"
    UNSURE = "unsure"
    """Left out of every comparison, and counted."""


class LabelEntry(BaseModel):
    """One line of the labels file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    log: str = Field(description="The log file, relative to the labels file's folder or absolute.")
    sample_id: str
    epoch: int = Field(ge=1)
    label: HumanLabel
    labeller: str
    time: AwareDatetime
    model: str | None = None
    condition_id: str | None = None
    scenario: str | None = None


def log_reference(log_file: Path, labels_file: Path) -> str:
    """How ``log_file`` is written in ``labels_file``: relative below its folder, else absolute."""
    log_abs = log_file.resolve()
    base = labels_file.resolve().parent
    try:
        return log_abs.relative_to(base).as_posix()
    except ValueError:
        return str(log_abs)


def resolve_log(entry: LabelEntry, labels_file: Path) -> Path:
    """The log file an entry points to."""
    path = Path(entry.log)
    return path if path.is_absolute() else (labels_file.resolve().parent / path).resolve()


def sample_key(log_file: Path, sample_id: str, epoch: int) -> SampleKey:
    """The identity of a sample across runs of the labeller."""
    return (str(log_file.resolve()), str(sample_id), int(epoch))


def read_labels(path: Path) -> list[LabelEntry]:
    """Read a labels file; a missing file has no labels yet.

    Raises:
        InsiderbenchError: naming the file and line of a malformed entry.
    """
    if not path.exists():
        return []
    text = read_user_text(path, "labels file", "pass the JSONL file `insiderbench label` wrote")
    entries: list[LabelEntry] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entries.append(LabelEntry.model_validate(json.loads(line)))
        except (json.JSONDecodeError, ValidationError) as exc:
            raise InsiderbenchError(
                f"not a label: {exc}".splitlines()[0],
                where=f"{path}:{number}",
                fix='each line is {"log", "sample_id", "epoch", "label": harmful|not_harmful|'
                'unsure, "labeller", "time"}; fix or delete the line',
            ) from None
    return entries


def latest_labels(entries: list[LabelEntry], labels_file: Path) -> dict[SampleKey, LabelEntry]:
    """The label that counts for each sample: its last line."""
    latest: dict[SampleKey, LabelEntry] = {}
    for entry in entries:
        latest[sample_key(resolve_log(entry, labels_file), entry.sample_id, entry.epoch)] = entry
    return latest


def new_entry(
    labels_file: Path,
    log_file: Path,
    sample_id: str,
    epoch: int,
    label: HumanLabel,
    labeller: str,
    **context: str | None,
) -> LabelEntry:
    """A label for one sample, stamped now (UTC)."""
    return LabelEntry(
        log=log_reference(log_file, labels_file),
        sample_id=str(sample_id),
        epoch=epoch,
        label=label,
        labeller=labeller,
        time=datetime.now(UTC),
        **context,
    )


def append_label(path: Path, entry: LabelEntry) -> None:
    """Append one label and flush it to disk, so a crash loses at most the current answer."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(entry.model_dump_json() + "\n")
        handle.flush()
        os.fsync(handle.fileno())
