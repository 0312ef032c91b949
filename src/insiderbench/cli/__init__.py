"""The ``insiderbench`` command line. This package is the only code that prints."""

from insiderbench.cli import _scenarios  # noqa: F401  (registers commands)
from insiderbench.cli import _results  # noqa: F401
from insiderbench.cli import _run  # noqa: F401
from insiderbench.cli._app import app


def main() -> None:
    """Run the command line."""
    app()


__all__ = ["app", "main"]
