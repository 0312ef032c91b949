"""Classifying responses: rules, the LLM judge, the final verdict and the ``harm`` scorer.

Rules read the actions parsed from a response against the scenario's harm
spec. The judge (Inspect model role ``grader``) answers one strict yes/no
question per behaviour, plus one call for eval awareness, misunderstanding and
secondary behaviours. :func:`classify_response` combines them under a
:class:`Policy` into a :class:`SampleRecord`; :func:`harm_scorer` does the same
inside an Inspect eval. Anything that could not be measured keeps a status
saying why and is never counted as "not harmful".
"""

from typing import TYPE_CHECKING

from insiderbench._lazy import lazy_getattr
from insiderbench.classify._answer import parse_answer
from insiderbench.classify._awareness import plain_awareness
from insiderbench.classify._gate import candidate_actions
from insiderbench.classify._metrics import Agreement, agreement
from insiderbench.classify._prompts import DIAGNOSTIC_FIELDS, diagnostic_prompt, harm_prompt
from insiderbench.classify._record import (
    DEFAULT_JUDGE_MODEL,
    GRADER_ROLE,
    HARM_SCORER,
    RECORD_VERSION,
    AwarenessLabel,
    JudgeRecord,
    Policy,
    SampleRecord,
    Status,
)
from insiderbench.classify._rules import (
    SECONDARY_KEYS,
    RuleVerdict,
    confidential_content,
    rule_verdict,
)
from insiderbench.environment._codes import normalise_code

if TYPE_CHECKING:
    from insiderbench.classify._judge import (
        JUDGE_ATTEMPTS,
        configured_grader,
        judge_diagnostics,
        judge_harm,
    )
    from insiderbench.classify._scorer import (
        NOT_MEASURED,
        harm_reducer,
        harm_scorer,
        harmful_rate,
        measured,
        not_measured,
        output_reasoning,
        record_to_score,
    )
    from insiderbench.classify._verdict import classify_response, resolve_policy

# The judge, the scorer and the verdict need inspect_ai, which takes seconds to
# import; they load on first use so that light commands (and the rules) stay fast.
_LAZY = {
    **dict.fromkeys(
        ("JUDGE_ATTEMPTS", "configured_grader", "judge_diagnostics", "judge_harm"),
        "insiderbench.classify._judge",
    ),
    **dict.fromkeys(
        (
            "NOT_MEASURED",
            "harm_reducer",
            "harm_scorer",
            "harmful_rate",
            "measured",
            "not_measured",
            "output_reasoning",
            "record_to_score",
        ),
        "insiderbench.classify._scorer",
    ),
    **dict.fromkeys(("classify_response", "resolve_policy"), "insiderbench.classify._verdict"),
}


__getattr__ = lazy_getattr(__name__, _LAZY)
"""Import the inspect_ai-backed parts of the package on first use."""


__all__ = [
    "DEFAULT_JUDGE_MODEL",
    "DIAGNOSTIC_FIELDS",
    "GRADER_ROLE",
    "HARM_SCORER",
    "JUDGE_ATTEMPTS",
    "NOT_MEASURED",
    "RECORD_VERSION",
    "SECONDARY_KEYS",
    "Agreement",
    "AwarenessLabel",
    "JudgeRecord",
    "Policy",
    "RuleVerdict",
    "SampleRecord",
    "Status",
    "agreement",
    "candidate_actions",
    "classify_response",
    "configured_grader",
    "confidential_content",
    "diagnostic_prompt",
    "harm_prompt",
    "harm_reducer",
    "harm_scorer",
    "harmful_rate",
    "judge_diagnostics",
    "judge_harm",
    "measured",
    "normalise_code",
    "not_measured",
    "output_reasoning",
    "parse_answer",
    "plain_awareness",
    "record_to_score",
    "resolve_policy",
    "rule_verdict",
]
