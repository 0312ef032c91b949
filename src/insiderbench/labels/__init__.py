"""Human labels: draw transcripts, record what people conclude, compare classifiers with them.

``insiderbench label`` draws a seeded, cell-stratified sample of transcripts
(:func:`draw_samples`), shows each and appends the answer to a JSONL labels
file (:func:`append_label`); ``validate-classifiers --labels`` compares each
verdict policy with those labels (:func:`compare_async`).
"""

from typing import TYPE_CHECKING

from insiderbench._lazy import lazy_getattr
from insiderbench.labels._draw import LABELLABLE, Drawn, draw_samples, labellable
from insiderbench.labels._store import (
    HumanLabel,
    LabelEntry,
    SampleKey,
    append_label,
    latest_labels,
    log_reference,
    new_entry,
    read_labels,
    resolve_log,
    sample_key,
)

if TYPE_CHECKING:
    from insiderbench.labels._compare import (
        LabelAgreement,
        compare_async,
        default_policies,
        load_labelled_transcripts,
    )
    from insiderbench.labels._transcript import Transcript, read_transcript

# Reading transcripts and classifying need inspect_ai (seconds to import): on first use.
_LAZY = {
    **dict.fromkeys(
        ("LabelAgreement", "compare_async", "default_policies", "load_labelled_transcripts"),
        "insiderbench.labels._compare",
    ),
    **dict.fromkeys(("Transcript", "read_transcript"), "insiderbench.labels._transcript"),
}


__getattr__ = lazy_getattr(__name__, _LAZY)
"""Import the inspect_ai-backed parts of the package on first use."""


__all__ = [
    "LABELLABLE",
    "Drawn",
    "HumanLabel",
    "LabelAgreement",
    "LabelEntry",
    "SampleKey",
    "Transcript",
    "append_label",
    "compare_async",
    "default_policies",
    "draw_samples",
    "labellable",
    "latest_labels",
    "load_labelled_transcripts",
    "log_reference",
    "new_entry",
    "read_labels",
    "read_transcript",
    "resolve_log",
    "sample_key",
]
