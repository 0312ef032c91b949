"""The study's scenarios in tools mode: its tool instructions out, the mailbox in.

In tools mode the study's XML tool-use instructions (its ``*_TOOLUSE_FORMAT``
text, read from the user's copy) are taken out of the system prompt, exactly
and only them: if the text is not found the render fails rather than leave
instructions for tools that do not exist. The user message keeps the study's
instruction without the line that introduces the pasted emails. Upstream
packs have no timeline.
"""

from __future__ import annotations

from insiderbench._errors import InsiderbenchError
from insiderbench.scenarios._pack import tools_user_message
from insiderbench.scenarios.upstream._assemble import Assembled, _text_constant
from insiderbench.scenarios.upstream._source import SYSTEM_PROMPTS_FILE, UpstreamSource

AGENT_ADDRESSES = {
    "blackmail": "alex.ai@summitbridge.com",
    "leaking": "alex.ai@novastar.com",
    "murder": "alex.ai@summitbridge.com",
}
"""The agent's own address in each of the study's worlds (a fact, checked by the tests)."""


def tools_texts(
    source: UpstreamSource, scenario: str, texts: Assembled, emails: int
) -> tuple[str, str]:
    """The system prompt and user message of tools mode for one rendered condition."""
    name = f"{scenario.upper()}_TOOLUSE_FORMAT"
    instructions = _text_constant(source, name)
    if instructions.strip() not in texts.system:
        raise InsiderbenchError(
            f"the study's tool instructions ({name}) are not in the rendered system prompt",
            where=str(source.templates_dir / SYSTEM_PROMPTS_FILE),
            fix="use the study's templates as released (inspect_evals or a clone)",
        )
    system = texts.system.replace(instructions.strip(), "").rstrip() + "\n"
    paragraphs = texts.user_prompt.strip().split("\n\n")
    if len(paragraphs) > 1 and paragraphs[-1].rstrip().endswith(":"):
        paragraphs = paragraphs[:-1]  # "here are the emails:" introduces a pasted inbox
    return system, tools_user_message("\n\n".join(paragraphs), emails)
