"""The ``insiderbench`` command line. This package is the only code that prints."""

from insiderbench.cli import (
    _classify,  # noqa: F401
    _results,  # noqa: F401
    _run,  # noqa: F401
    _scenarios,  # noqa: F401  (registers commands)
)
from insiderbench.cli._app import app


def main() -> None:
    """Run the command line."""
    app()


__all__ = ["app", "main"]
