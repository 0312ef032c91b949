"""insiderbench: stress-test LLM agents for insider-threat behaviour."""

from insiderbench._errors import InsiderbenchError, MissingExtraError

__version__ = "0.1.0"

__all__ = ["InsiderbenchError", "MissingExtraError", "__version__"]
