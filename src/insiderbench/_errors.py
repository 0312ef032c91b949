"""The one error type the CLI knows how to print.

Every error a user can cause (a malformed pack or study file, an unknown
condition, a missing extra or API key) is raised as :class:`InsiderbenchError`
with the place it happened, what is wrong and how to fix it.
"""

from __future__ import annotations


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
