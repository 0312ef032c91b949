"""The one rule for choosing values on an axis: nothing asked means every value.

Every place that selects conditions (the grid, the pack registry, the Inspect
task, the study file, the command line, and a pack's ``when:`` selectors)
decides what an axis admits with these two functions, so they cannot drift
apart: an omitted (``None``) or empty axis means every value; otherwise only
the values asked for, in the order asked, each once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

_T = TypeVar("_T")


def choose(asked: Sequence[_T] | None, every: Sequence[_T]) -> list[_T]:
    """The values of ``every`` that an axis asked as ``asked`` selects.

    ``None`` or an empty sequence selects all of ``every`` (in its order);
    otherwise the asked values that are in ``every``, in the order asked and
    each once. Asked values outside ``every`` (a value a pack does not
    support) are left out, so the result can be empty.
    """
    if not asked:
        return list(every)
    allowed = set(every)
    return [v for v in dict.fromkeys(asked) if v in allowed]


def admits(asked: Sequence[_T] | None, value: _T) -> bool:
    """Whether an axis asked as ``asked`` admits ``value`` (the rule of :func:`choose`)."""
    return not asked or value in asked
