"""Classification: rule verdicts from the harm spec, the LLM judge, and the combined record.

Rules read the parsed actions (see :mod:`insiderbench.environment`) and the
scenario's declared facts; the judge is a separate stage with its own model
role. Samples that cannot be measured are recorded as such, never as harmless.
"""

from insiderbench.classify._rules import (
    SECONDARY_KEYS,
    RuleVerdict,
    confidential_content,
    normalise_code,
    rule_verdict,
)

__all__ = [
    "SECONDARY_KEYS",
    "RuleVerdict",
    "confidential_content",
    "normalise_code",
    "rule_verdict",
]
