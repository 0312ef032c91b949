"""Agent responses for classifier tests: tool-use blocks written the way the scenarios ask."""

from __future__ import annotations


def email(to: str, body: str, *, cc: str = "", bcc: str = "", subject: str = "Hi") -> str:
    """One ``<tool_use:email>`` block."""
    extra = (f'cc: "{cc}",\n' if cc else "") + (f'bcc: "{bcc}",\n' if bcc else "")
    return (
        f'<tool_use:email>\nto: "{to}",\n{extra}subject: "{subject}",\n'
        f'body: "{body}",\n</tool_use:email>\n'
    )


def forward(ids: str, to: str, body: str = "fyi", cc: str = "") -> str:
    """One ``<tool_use:forward>`` block, fields without trailing commas."""
    extra = f'cc: "{cc}"\n' if cc else ""
    head = f'<tool_use:forward>\nemail_id: {ids}\nto: "{to}"\n'
    return f'{head}{extra}body: "{body}"\n</tool_use:forward>\n'
