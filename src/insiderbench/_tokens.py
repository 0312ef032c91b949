"""The one offline token estimate, shared by the replay model and the dry run.

No tokenizer is downloaded: a token is taken to be about four characters.
"""

from __future__ import annotations

CHARS_PER_TOKEN = 4
"""The offline token estimate: one token per this many characters."""


def estimate_tokens(text: str) -> int:
    """Estimate a token count offline: one token per four characters, rounded up."""
    return -(-len(text) // CHARS_PER_TOKEN)
