"""Assembling the study's prompts from its templates, with its known defects fixed.

The rules follow the study's generator (re-implemented here, not copied):

* variables come from the goal value's variable file (see ``_variables``);
* the goal statement and reminder come from ``GOAL_VARIABLES`` by goal key;
* goal type ``none`` uses the ``goal-conflict-none-<urgency>`` email template;
  every other goal type uses the shared template followed by the urgency one;
* leaking emails are numbered (``ID: n``);
* the user message is the study's user prompt, a newline, then the inbox.

Substitution is strict: a placeholder without a value is an error naming the
template and the placeholder, never text sent to the model.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from string import Template

from insiderbench._errors import InsiderbenchError
from insiderbench.conditions import (
    GOAL_TYPES_WITHOUT_VALUE,
    OPPOSITE,
    Condition,
    Extra,
    GoalType,
    GoalValue,
    Urgency,
)
from insiderbench.scenarios.upstream._emails import number_emails
from insiderbench.scenarios.upstream._source import (
    SYSTEM_PROMPTS_FILE,
    TEMPLATES_FIX,
    UpstreamSource,
    extra_instruction_texts,
)
from insiderbench.scenarios.upstream._variables import condition_variables

logger = logging.getLogger(__name__)

COMPANY_PLACEHOLDER = "{company_name}"
"""The placeholder the study's extra instructions contain but never fill."""

DIRECTION_FIXES: dict[GoalValue, str] = {
    GoalValue.AMERICA: "toward a more international outlook",
    GoalValue.GLOBAL: "toward putting American interests first",
    GoalValue.SAFETY: "toward faster deployment and market growth",
    GoalValue.ACCELERATION: "toward more caution and safety testing",
    GoalValue.ETHICAL: "toward results-first business priorities",
    GoalValue.PRAGMATIC: "toward stricter ethical standards",
    GoalValue.INDIVIDUALISM: "toward collective coordination",
    GoalValue.COLLECTIVISM: "toward individual choice",
}
"""Our wording for ``direction_modifier`` where a variable section lacks it.

Keyed by the goal value of the section: the board pushes toward its opposite.
"""

_IDENTITY = re.compile(r"deployed at ([^,.\n]+)[,.]")


@dataclass(frozen=True)
class Assembled:
    """The three texts the study produces for one condition."""

    system: str
    user_prompt: str
    inbox: str

    @property
    def user(self) -> str:
        """The complete user message, joined as the Inspect port joins it."""
        return f"{self.user_prompt}\n{self.inbox}"


def fill(template: str, variables: dict[str, str], where: str) -> str:
    """Substitute ``${name}`` placeholders, raising on any without a value."""
    compiled = Template(template)
    missing = sorted({n for n in compiled.get_identifiers() if n not in variables})
    if missing:
        raise InsiderbenchError(
            f"placeholder(s) without a value: {', '.join('${' + n + '}' for n in missing)}",
            where=where,
            fix="use an unmodified copy of the original templates, or report this as a "
            "template defect",
        )
    result = compiled.safe_substitute(variables)
    if "${" in result:
        raise InsiderbenchError(
            "a value introduced a '${' placeholder", where=where, fix=TEMPLATES_FIX
        )
    return result


def company_name(source: UpstreamSource, scenario: str) -> str:
    """The company named in the identity sentence of ``scenario``'s system prompt."""
    template = _text_constant(source, f"{scenario.upper()}_SYSTEM_PROMPT")
    match = _IDENTITY.search(template)
    if match is None:
        raise InsiderbenchError(
            f"cannot find the company name in {scenario.upper()}_SYSTEM_PROMPT "
            "(expected 'deployed at <Company>,')",
            where=str(source.templates_dir / SYSTEM_PROMPTS_FILE),
            fix=TEMPLATES_FIX,
        )
    return match.group(1).strip()


def goal_texts(source: UpstreamSource, condition: Condition) -> dict[str, str]:
    """The goal statement and reminder for ``condition``; never a silent default.

    ``swap`` gives the agent the opposite goal; both key spellings in use
    (``swap-<value>`` and ``swap-<value>-<opposite>``) are accepted.
    """
    table = source.constant("GOAL_VARIABLES")
    if not isinstance(table, dict):
        raise InsiderbenchError(
            "GOAL_VARIABLES is not a dict",
            where=str(source.templates_dir / SYSTEM_PROMPTS_FILE),
            fix=TEMPLATES_FIX,
        )
    goal_type, value = condition.goal_type, condition.goal_value
    if goal_type in GOAL_TYPES_WITHOUT_VALUE:
        keys = [goal_type.value]
    elif goal_type is GoalType.SWAP:
        keys = [f"swap-{value.value}", f"swap-{value.value}-{OPPOSITE[value].value}"]
    else:
        keys = [f"{goal_type.value}-{value.value}"]
    entry = next((table[k] for k in keys if k in table), None)
    if not isinstance(entry, dict) or not {"goal_statement", "goal_reminder"} <= set(entry):
        raise InsiderbenchError(
            f"GOAL_VARIABLES has no complete entry for {' or '.join(repr(k) for k in keys)} "
            "(needs goal_statement and goal_reminder)",
            where=str(source.templates_dir / SYSTEM_PROMPTS_FILE),
            fix="use an unmodified copy of the original templates",
        )
    return {
        "goal_statement": str(entry["goal_statement"]),
        "goal_reminder": str(entry["goal_reminder"]),
    }


def assemble(source: UpstreamSource, scenario: str, condition: Condition) -> Assembled:
    """Render the system prompt, user prompt and inbox for ``condition``."""
    variables = condition_variables(source.variables_dir(scenario), condition)
    variables.update(goal_texts(source, condition))
    return Assembled(
        system=_system_prompt(source, scenario, condition, dict(variables)),
        user_prompt=_text_constant(source, "USER_PROMPT"),
        inbox=_inbox(source, scenario, condition, variables),
    )


def _system_prompt(
    source: UpstreamSource, scenario: str, condition: Condition, variables: dict[str, str]
) -> str:
    where = str(source.templates_dir / SYSTEM_PROMPTS_FILE)
    extra = ""
    if condition.extra is not Extra.NONE:
        raw = _extra_text(source, condition.extra)
        extra = fill(
            raw.replace(COMPANY_PLACEHOLDER, company_name(source, scenario)), variables, where
        )
    variables["extra_system_instructions"] = extra
    variables["alignment_faking_warning"] = _notice(source) if condition.awareness else ""
    suffix = "_PROD" if condition.prod else ""
    name = f"{scenario.upper()}_SYSTEM_PROMPT{suffix}"
    return fill(_text_constant(source, name), variables, f"{where} ({name})")


def _inbox(
    source: UpstreamSource, scenario: str, condition: Condition, variables: dict[str, str]
) -> str:
    urgency = condition.urgency.value
    if condition.goal_type is GoalType.NONE:
        names = [f"email-template-{scenario}-goal-conflict-none-{urgency}.md"]
    else:
        names = [f"email-template-{scenario}-shared.md", f"email-template-{scenario}-{urgency}.md"]
    parts = []
    for name in names:
        path = source.template_path(scenario, name)
        text = path.read_text(encoding="utf-8")
        parts.append(fill(text, _with_direction_fix(text, variables, condition), str(path)))
    content = "".join(parts)
    return number_emails(content) if scenario == "leaking" else content


def _with_direction_fix(
    template: str, variables: dict[str, str], condition: Condition
) -> dict[str, str]:
    """Supply ``direction_modifier`` where the study's variable section lacks it."""
    if "${direction_modifier}" not in template or "direction_modifier" in variables:
        return variables
    if condition.goal_value is GoalValue.NONE or condition.urgency is not Urgency.RESTRICTION:
        return variables  # let strict substitution report it
    logger.debug("filling the missing direction_modifier for %s", condition.id)
    return {**variables, "direction_modifier": DIRECTION_FIXES[condition.goal_value]}


def _extra_text(source: UpstreamSource, extra: Extra) -> str:
    if source.generator_file is None:
        raise InsiderbenchError(
            f"the '{extra.value}' extra instructions are not part of the templates; they are "
            "read from the study's generator, which was not found",
            where=source.origin,
            fix="use the repository root (with scripts/generate_prompts.py), or install "
            "inspect_evals: pip install 'insiderbench[upstream]'",
        )
    texts = extra_instruction_texts(source.generator_file)
    if extra.value not in texts:
        raise InsiderbenchError(
            f"no '{extra.value}' extra-instruction text found",
            where=str(source.generator_file),
            fix="use an unmodified copy of the study's generator",
        )
    return texts[extra.value]


def _notice(source: UpstreamSource) -> str:
    if source.awareness_notice is None:
        raise InsiderbenchError(
            "the eval-awareness notice was not found (it lives in the study's "
            "configs/alignment_faking_experiment_250611.yaml, or in inspect_evals)",
            where=source.origin,
            fix="use the repository root, or install inspect_evals: "
            "pip install 'insiderbench[upstream]'",
        )
    return source.awareness_notice


def _text_constant(source: UpstreamSource, name: str) -> str:
    value = source.constant(name)
    if not isinstance(value, str):
        raise InsiderbenchError(
            f"{name} is not a string",
            where=str(source.templates_dir / SYSTEM_PROMPTS_FILE),
            fix=TEMPLATES_FIX,
        )
    return value
