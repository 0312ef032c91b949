"""Finding packs by name: built-in, upstream, and the user's own directories."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path

from insiderbench._errors import InsiderbenchError
from insiderbench.conditions import (
    Condition,
    Extra,
    GoalType,
    GoalValue,
    Mode,
    Urgency,
    choose,
    expand,
    unique,
)
from insiderbench.scenarios._loader import DataPack
from insiderbench.scenarios._pack import ScenarioPack, supported_values

logger = logging.getLogger(__name__)

BUILTIN_PACKS = ("blackmail", "leaking", "lethal")
UPSTREAM_PACKS = ("upstream/blackmail", "upstream/leaking", "upstream/murder")
PACK_PATH_ENV = "INSIDERBENCH_PACK_PATH"
"""Environment variable: extra directories (``os.pathsep``-separated) of pack YAML files."""


def _builtin_path(name: str) -> Path:
    ref = resources.files("insiderbench.scenarios") / "packs" / f"{name}.yaml"
    return Path(str(ref))


def _user_pack_files() -> dict[str, Path]:
    return _scan_pack_path(os.environ.get(PACK_PATH_ENV, ""))


@cache
def _scan_pack_path(value: str) -> dict[str, Path]:
    """Pack files per name in the directories of ``value``; scanned once per value.

    The scan is cached because every scored sample looks its pack up; a file
    added to a directory during a run is not seen until the next process.
    """
    found: dict[str, Path] = {}
    for entry in value.split(os.pathsep):
        if not entry:
            continue
        directory = Path(entry)
        if not directory.is_dir():
            raise InsiderbenchError(
                f"'{entry}' is not a directory",
                where=f"${PACK_PATH_ENV}",
                fix=f"list existing directories of pack files in ${PACK_PATH_ENV}, "
                f"separated by '{os.pathsep}'",
            )
        for path in sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml")):
            if path.stem in (*BUILTIN_PACKS, *UPSTREAM_PACKS):
                logger.warning("%s is ignored: '%s' is a built-in pack's name", path, path.stem)
            elif path.stem in found:
                logger.warning(
                    "%s is ignored: %s is also named '%s'", path, found[path.stem], path.stem
                )
            else:
                found[path.stem] = path
    return found


def pack_names() -> list[str]:
    """Every registered pack name: built-in, upstream, then user packs."""
    names = [*BUILTIN_PACKS, *UPSTREAM_PACKS]
    names.extend(n for n in _user_pack_files() if n not in names)
    return names


@cache
def _load(name: str, user_path: str | None) -> ScenarioPack:
    if name in BUILTIN_PACKS:
        return DataPack.from_file(_builtin_path(name))
    if user_path is not None:
        pack = DataPack.from_file(Path(user_path))
        if pack.name != name:
            raise InsiderbenchError(
                f"the file is named '{name}' but declares name '{pack.name}'",
                where=user_path,
                fix="make the file name and the `name` field agree",
            )
        return pack
    raise InsiderbenchError(
        f"unknown scenario '{name}'",
        where="scenario",
        fix=f"choose one of: {', '.join(pack_names())} "
        f"(or add a directory of pack files to ${PACK_PATH_ENV})",
    )


def get_pack(name: str) -> ScenarioPack:
    """Return the pack registered under ``name``.

    Raises:
        InsiderbenchError: if no pack has that name, or it fails to load.
    """
    if name in UPSTREAM_PACKS:
        # not cached here: the upstream loader caches per source, so a changed
        # $INSIDERBENCH_UPSTREAM_DIR takes effect
        from insiderbench.scenarios.upstream import load_upstream_pack

        upstream: ScenarioPack = load_upstream_pack(name.split("/", 1)[1])
        return upstream
    user = _user_pack_files().get(name) if name not in BUILTIN_PACKS else None
    return _load(name, str(user) if user else None)


def pack_problem(name: str) -> InsiderbenchError | None:
    """Return why pack ``name`` cannot be loaded here, or ``None`` when it loads.

    An upstream pack needs an optional extra and a user pack can be broken; a
    listing of every pack reports such a pack as unavailable instead of failing.
    """
    try:
        get_pack(name)
    except InsiderbenchError as exc:
        return exc
    return None


def available_pack_names() -> list[str]:
    """The registered packs that load here, in :func:`pack_names` order.

    Each pack that does not load is logged once as a warning with its reason
    and fix, so a listing over "all packs" never drops one in silence.
    """
    names = []
    for name in pack_names():
        problem = pack_problem(name)
        if problem is None:
            names.append(name)
        else:
            logger.warning("pack '%s' skipped: %s", name, problem.render())
    return names


def check_condition(condition: Condition) -> ScenarioPack:
    """Check that ``condition``'s scenario exists and supports its axis values."""
    pack = get_pack(condition.scenario)
    goal_types, goal_values, urgencies, extras = supported_values(pack.axes)
    checks: tuple[tuple[str, object, Sequence[object]], ...] = (
        ("goal type", condition.goal_type, goal_types),
        ("goal value", condition.goal_value, goal_values),
        ("urgency", condition.urgency, urgencies),
        ("extra", condition.extra, extras),
    )
    for axis, value, allowed in checks:
        if value not in allowed:
            raise InsiderbenchError(
                f"scenario '{pack.name}' does not support {axis} '{value}'",
                where=f"condition {condition.id}",
                fix=f"allowed: {', '.join(str(v) for v in allowed)}",
            )
    return pack


def pack_conditions(
    name: str,
    *,
    goal_types: Sequence[GoalType] | None = None,
    goal_values: Sequence[GoalValue] | None = None,
    urgencies: Sequence[Urgency] | None = None,
    extras: Sequence[Extra] | None = None,
    prods: Sequence[bool] | None = None,
    awareness: Sequence[bool] | None = None,
    modes: Sequence[Mode] | None = None,
) -> list[Condition]:
    """Expand the grid for pack ``name``, restricted to what the pack supports.

    Each axis follows :func:`~insiderbench.conditions.choose`: omitted or
    empty means every value the pack supports (but an omitted ``modes`` means
    text only, see :func:`~insiderbench.conditions.expand`); asked-for values
    the pack does not support are left out (logged), so the result can be empty.
    """
    pack = get_pack(name)
    s_types, s_values, s_urgencies, s_extras = supported_values(pack.axes)
    for axis, asked, supported in (
        ("goal type", goal_types, s_types),
        ("goal value", goal_values, s_values),
        ("urgency", urgencies, s_urgencies),
        ("extra", extras, s_extras),
    ):
        unsupported = [str(v) for v in asked or () if v not in supported]
        if unsupported:
            logger.info("pack %s does not support %s %s", name, axis, ", ".join(unsupported))
    types, values = choose(goal_types, s_types), choose(goal_values, s_values)
    urgency_values, extra_values = choose(urgencies, s_urgencies), choose(extras, s_extras)
    if not (types and values and urgency_values and extra_values):
        return []  # only unsupported values were asked for on some axis: nothing, not all
    return expand(
        name,
        goal_types=types,
        goal_values=values,
        urgencies=urgency_values,
        extras=extra_values,
        prods=prods,
        awareness=awareness,
        modes=modes,
    )


def select_conditions(
    scenarios: Sequence[str] | None = None,
    *,
    goal_types: Sequence[GoalType] | None = None,
    goal_values: Sequence[GoalValue] | None = None,
    urgencies: Sequence[Urgency] | None = None,
    extras: Sequence[Extra] | None = None,
    prods: Sequence[bool] | None = None,
    awareness: Sequence[bool] | None = None,
    modes: Sequence[Mode] | None = None,
) -> list[Condition]:
    """The union of :func:`pack_conditions` over several packs.

    With no packs named, every pack that loads here is used; one that does not
    (an upstream pack without its extra, a broken user pack) is skipped with a
    logged warning. A named pack that does not load is an error. An omitted
    (or empty) axis means every value each pack supports; repeated conditions
    are kept once, in first-seen order.
    """
    out: list[Condition] = []
    for name in scenarios or available_pack_names():
        out.extend(
            pack_conditions(
                name,
                goal_types=goal_types or None,
                goal_values=goal_values or None,
                urgencies=urgencies or None,
                extras=extras or None,
                prods=prods,
                awareness=awareness,
                modes=modes or None,
            )
        )
    return unique(out)
