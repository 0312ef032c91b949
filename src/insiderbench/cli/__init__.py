"""The ``insiderbench`` command line. This package is the only code that prints."""

import gc

from insiderbench.cli import (
    _agentic,  # noqa: F401
    _classify,  # noqa: F401
    _label,  # noqa: F401
    _results,  # noqa: F401
    _run,  # noqa: F401
    _scenarios,  # noqa: F401  (registers commands)
    _sensitivity,  # noqa: F401
)
from insiderbench.cli._app import app


def main() -> None:
    """Run the command line."""
    try:
        app()
    finally:
        # At exit the interpreter runs full collections over every object a run
        # left behind (1.4 s after 1,000 samples); reference counting frees them
        # as well, so skip the scans.
        gc.freeze()


__all__ = ["app", "main"]
