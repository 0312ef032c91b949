"""The typer application and the one place errors become messages."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from insiderbench._errors import InsiderbenchError

app = typer.Typer(
    name="insiderbench",
    help="Stress-test LLM agents for insider-threat behaviour.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
_PIPED_WIDTH = 160
"""Width of tables when output is not a terminal (rich would otherwise use 80)."""


def _width(stream: object) -> int | None:
    isatty = getattr(stream, "isatty", None)
    if "COLUMNS" in os.environ or (isatty is not None and isatty()):
        return None
    return _PIPED_WIDTH


console = Console(width=_width(sys.stdout))
err_console = Console(stderr=True, soft_wrap=True, width=_width(sys.stderr))

P = ParamSpec("P")
R = TypeVar("R")


def fail(message: str, exit_code: int = 2) -> typer.Exit:
    """Print ``message`` as an error and return the exit to raise."""
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False)
    return typer.Exit(exit_code)


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn :class:`InsiderbenchError` and unexpected failures into one printed message."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except InsiderbenchError as exc:
            raise fail(exc.render(), exc.exit_code) from None
        except KeyboardInterrupt:
            raise fail("interrupted; run the same command again to resume", 130) from None
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except Exception as exc:
            if os.environ.get("INSIDERBENCH_DEBUG"):
                raise
            if _is_prerequisite_error(exc):
                from insiderbench.models._ready import prerequisite_error

                err = prerequisite_error(exc)
                raise fail(err.render(), err.exit_code) from None
            raise fail(
                f"unexpected {type(exc).__name__}: {exc}\n"
                "  (set INSIDERBENCH_DEBUG=1 for the full traceback)",
                1,
            ) from None

    return wrapper


def _is_prerequisite_error(exc: Exception) -> bool:
    """Whether ``exc`` is Inspect's ``PrerequisiteError`` (bad input, not a crash)."""
    module = sys.modules.get("inspect_ai._util.error")  # loaded if Inspect raised it
    kind = getattr(module, "PrerequisiteError", None)
    return kind is not None and isinstance(exc, kind)


@app.callback()
def _root(
    ctx: typer.Context,
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log debug messages."),
) -> None:
    """Stress-test LLM agents for insider-threat behaviour."""
    level = logging.DEBUG if verbose else logging.WARNING
    logging.basicConfig(level=level, format=_LOG_FORMAT, stream=sys.stderr)
    _library_logs_to_stderr(ctx, level)


_LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"


def _library_logs_to_stderr(ctx: typer.Context, level: int) -> None:
    """Send insiderbench's log records to stderr only, for the length of the command.

    Once an Inspect eval has run in the process, Inspect's handler on the root
    logger writes records through rich's console, which is stdout; a warning
    from our library would then land inside the JSON a command prints. The
    ``insiderbench`` logger gets its own stderr handler and stops propagating;
    its previous state comes back when the command ends.
    """
    lib = logging.getLogger("insiderbench")
    handlers, propagate, previous = list(lib.handlers), lib.propagate, lib.level
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(_LOG_FORMAT))
    lib.handlers, lib.propagate = [handler], False
    lib.setLevel(level)

    def restore() -> None:
        lib.handlers, lib.propagate = handlers, propagate
        lib.setLevel(previous)

    ctx.call_on_close(restore)
