"""The one error type the CLI knows how to print.

Every error a user can cause (a malformed pack or study file, an unknown
condition, a missing extra or API key) is raised as :class:`InsiderbenchError`
with the place it happened, what is wrong and how to fix it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from pydantic import ValidationError


class InsiderbenchError(Exception):
    """A user-facing error that names where, what and the fix."""

    def __init__(
        self,
        message: str,
        *,
        where: str | None = None,
        fix: str | None = None,
        exit_code: int = 2,
    ) -> None:
        self.message = message
        self.where = where
        self.fix = fix
        self.exit_code = exit_code
        super().__init__(self.render())

    def render(self) -> str:
        """Return the error as one readable paragraph."""
        parts = []
        if self.where:
            parts.append(f"{self.where}: ")
        parts.append(self.message)
        if self.fix:
            parts.append(f"\n  fix: {self.fix}")
        return "".join(parts)


class MissingExtraError(InsiderbenchError):
    """An optional dependency is not installed."""

    def __init__(self, module: str, extra: str, purpose: str) -> None:
        super().__init__(
            f"{purpose} needs the Python package '{module}', which is not installed.",
            fix=f"pip install 'insiderbench[{extra}]'",
        )


def validation_problems(exc: ValidationError) -> list[tuple[str, str]]:
    """Each problem of a pydantic error as (dotted field path, plain message).

    The path is empty for a problem with the whole object. Unknown and missing
    fields get plain wording; pydantic's "Value error, " prefix is dropped.
    """
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
        if err["type"] == "extra_forbidden":
            msg = "unknown field (check the spelling)"
        elif err["type"] == "missing":
            msg = "required field is missing"
        else:
            msg = str(err["msg"]).removeprefix("Value error, ")
        out.append((loc, msg))
    return out


def read_user_text(path: Path, what: str, fix: str) -> str:
    """Read a file the user named as UTF-8 text; failures name the file and ``fix``.

    ``what`` says what the file is ("replay file", "labelled set", ...).
    """
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InsiderbenchError(f"{what} not found", where=str(path), fix=fix) from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise InsiderbenchError(f"cannot read {what}: {reason}", where=str(path), fix=fix) from None
    except UnicodeDecodeError as exc:
        raise InsiderbenchError(
            f"{what} is not UTF-8 text: {exc.reason} at byte {exc.start}", where=str(path), fix=fix
        ) from None
