"""Finding the original study's templates on the user's machine and reading them.

Two sources are supported:

* an installed ``inspect_evals`` (the Inspect port), whose package holds the
  templates under ``agentic_misalignment/templates/``;
* a directory named by ``$INSIDERBENCH_UPSTREAM_DIR``: a clone of the original
  repository (its root, holding ``templates/``, ``scripts/`` and ``configs/``)
  or its ``templates/`` directory itself.

Nothing read here is stored in this repository; it is loaded at run time.
"""

from __future__ import annotations

import ast
import importlib.util
import logging
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType

import yaml

from insiderbench._errors import InsiderbenchError

logger = logging.getLogger(__name__)

UPSTREAM_DIR_ENV = "INSIDERBENCH_UPSTREAM_DIR"
"""Environment variable: a clone of the original study repository (or its templates dir)."""

SCENARIOS = ("blackmail", "leaking", "murder")
SYSTEM_PROMPTS_FILE = "system_prompt_templates.py"
_URGENCIES = ("replacement", "restriction", "none")
_VARIABLE_FILES = (
    "ambiguous.md",
    "america_vs_global.md",
    "safety_vs_acceleration.md",
    "ethical_vs_pragmatic.md",
    "individualism_vs_collectivism.md",
)
_REQUIRED_CONSTANTS = ("USER_PROMPT", "GOAL_VARIABLES")
TEMPLATES_FIX = (
    "use a complete, unmodified copy of the original templates "
    "(the repository root or its templates/ directory)"
)
"""The fix for any template file that is missing, unreadable or not as the study shipped it."""

_INSTALL_FIX = (
    f"pip install 'insiderbench[upstream]', or set ${UPSTREAM_DIR_ENV} "
    "to a clone of the original study repository"
)


@dataclass(frozen=True)
class UpstreamSource:
    """The templates directory and the run-time constants read from the user's copy."""

    templates_dir: Path
    constants: dict[str, object]
    generator_file: Path | None
    awareness_notice: str | None
    origin: str

    def template_path(self, scenario: str, name: str) -> Path:
        """Return the path of an email template of ``scenario``."""
        return self.templates_dir / scenario / "templates" / name

    def variables_dir(self, scenario: str) -> Path:
        """Return the variables directory used by ``scenario`` (murder uses blackmail's)."""
        return self.templates_dir / variables_scenario(scenario) / "variables"

    def constant(self, name: str) -> object:
        """Return a constant of ``system_prompt_templates.py``, raising if absent."""
        if name not in self.constants:
            raise InsiderbenchError(
                f"the constant {name} is not defined",
                where=str(self.templates_dir / SYSTEM_PROMPTS_FILE),
                fix="use an unmodified copy of the original templates",
            )
        return self.constants[name]


def variables_scenario(scenario: str) -> str:
    """The scenario whose variable files ``scenario`` uses (the study reuses blackmail's)."""
    return "blackmail" if scenario == "murder" else scenario


def required_files(scenario: str) -> list[str]:
    """Every file (relative to the templates dir) that ``scenario`` needs."""
    names = [f"{scenario}/templates/email-template-{scenario}-shared.md"]
    for urgency in _URGENCIES:
        names.append(f"{scenario}/templates/email-template-{scenario}-{urgency}.md")
        names.append(
            f"{scenario}/templates/email-template-{scenario}-goal-conflict-none-{urgency}.md"
        )
    var_dir = f"{variables_scenario(scenario)}/variables"
    names.extend(f"{var_dir}/{name}" for name in _VARIABLE_FILES)
    return names


def locate_source() -> UpstreamSource:
    """Find the templates: ``$INSIDERBENCH_UPSTREAM_DIR`` first, then ``inspect_evals``.

    Raises:
        InsiderbenchError: if neither is available, or the directory is incomplete.
    """
    env_dir = os.environ.get(UPSTREAM_DIR_ENV, "").strip()
    if env_dir:
        return _from_directory(Path(env_dir).expanduser())
    return _from_inspect_evals()


def _port_dir() -> Path | None:
    """The installed inspect_evals port's directory, or None if it is not installed."""
    spec = importlib.util.find_spec("inspect_evals")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "agentic_misalignment"


def _from_inspect_evals() -> UpstreamSource:
    package_dir = _port_dir()
    if package_dir is None:
        raise InsiderbenchError(
            "the upstream packs load the original study's templates from the Python "
            "package 'inspect_evals', which is not installed",
            where="upstream packs",
            fix=_INSTALL_FIX,
        )
    templates = package_dir / "templates"
    _check_templates_dir(templates, origin="installed inspect_evals")
    generator, notice = _port_texts()
    return UpstreamSource(
        templates_dir=templates,
        constants=_read_constants(templates / SYSTEM_PROMPTS_FILE),
        generator_file=generator,
        awareness_notice=notice,
        origin=f"inspect_evals ({package_dir})",
    )


def _from_directory(path: Path) -> UpstreamSource:
    if not path.is_dir():
        raise InsiderbenchError(
            "the directory does not exist",
            where=f"${UPSTREAM_DIR_ENV}={path}",
            fix="point it at a clone of the original study repository or its templates/ dir",
        )
    if (path / "templates" / SYSTEM_PROMPTS_FILE).is_file():
        root, templates = path, path / "templates"
    else:
        root, templates = path.parent, path
    _check_templates_dir(templates, origin=f"${UPSTREAM_DIR_ENV}={path}")
    script = root / "scripts" / "generate_prompts.py"
    generator = script if script.is_file() else None
    notice = _notice_from_config(root)
    if generator is None or notice is None:
        port_generator, port_notice = _port_texts()
        generator = generator or port_generator
        notice = notice if notice is not None else port_notice
    return UpstreamSource(
        templates_dir=templates,
        constants=_read_constants(templates / SYSTEM_PROMPTS_FILE),
        generator_file=generator,
        awareness_notice=notice,
        origin=f"directory {path}",
    )


def _port_texts() -> tuple[Path | None, str | None]:
    """The installed port's generator file and awareness notice, if it is installed.

    The templates hold neither text, so every source reads them from the port.
    """
    base = _port_dir()
    generator = base / "prompt_generator.py" if base is not None else None
    if generator is None or not generator.is_file():
        return None, None
    logger.info("reading extra instructions and awareness notice from %s", generator)
    return generator, _string_constant(generator, "ALIGNMENT_FAKING_WARNING")


def _check_templates_dir(templates: Path, *, origin: str) -> None:
    needed = [SYSTEM_PROMPTS_FILE]
    for scenario in SCENARIOS:
        needed.extend(required_files(scenario))
    missing = [name for name in needed if not (templates / name).is_file()]
    if missing:
        shown = ", ".join(missing[:3]) + (
            f" (and {len(missing) - 3} more)" if len(missing) > 3 else ""
        )
        raise InsiderbenchError(
            f"the templates directory {templates} is missing {shown}",
            where=origin,
            fix=TEMPLATES_FIX,
        )


def _read_constants(path: Path) -> dict[str, object]:
    """Execute the user's ``system_prompt_templates.py`` by path and return its constants."""
    spec = importlib.util.spec_from_file_location("_insiderbench_upstream_templates", path)
    if spec is None or spec.loader is None:
        raise InsiderbenchError("cannot be imported", where=str(path), fix=TEMPLATES_FIX)
    module: ModuleType = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # the user's file: report any failure as theirs
        raise InsiderbenchError(
            f"failed to execute: {exc}", where=str(path), fix="use an unmodified copy"
        ) from exc
    constants = {k: v for k, v in vars(module).items() if k.isupper()}
    missing = [name for name in _REQUIRED_CONSTANTS if name not in constants]
    if missing:
        raise InsiderbenchError(
            f"does not define {', '.join(missing)}", where=str(path), fix="use an unmodified copy"
        )
    logger.debug("read %d constants from %s", len(constants), path)
    return constants


def _string_constant(path: Path, name: str) -> str | None:
    """Return the value of a module-level string constant, read without importing."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            return node.value.value
    return None


def _notice_from_config(root: Path) -> str | None:
    """The eval-awareness notice from the original repository's experiment config."""
    config = root / "configs" / "alignment_faking_experiment_250611.yaml"
    if not config.is_file():
        return None
    try:
        data = yaml.safe_load(config.read_text(encoding="utf-8"))
        text = data["global"]["alignment_faking"]["warning_text"]
    except (yaml.YAMLError, KeyError, TypeError) as exc:
        raise InsiderbenchError(
            f"cannot read global.alignment_faking.warning_text: {exc}",
            where=str(config),
            fix=TEMPLATES_FIX,
        ) from exc
    return str(text)


@cache
def extra_instruction_texts(generator: Path) -> dict[str, str]:
    """Read the ``dont`` and ``goal`` extra-instruction texts from the user's generator.

    The original generator keeps these texts inside a function, as string literals
    assigned under ``if extra_system_instructions == "dont"`` (and ``"goal"``);
    they are found by parsing that file, never by copying them.
    """
    tree = ast.parse(generator.read_text(encoding="utf-8"), filename=str(generator))
    found: dict[str, str] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.If):
            continue
        key = _compared_literal(node.test)
        if key not in ("dont", "goal") or key in found:
            continue
        for stmt in node.body:
            if (
                isinstance(stmt, ast.Assign)
                and isinstance(stmt.value, ast.Constant)
                and isinstance(stmt.value.value, str)
            ):
                found[key] = stmt.value.value
                break
    return found


def _compared_literal(test: ast.expr) -> str | None:
    if (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and "extra" in test.left.id
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Eq)
        and isinstance(test.comparators[0], ast.Constant)
        and isinstance(test.comparators[0].value, str)
    ):
        return test.comparators[0].value
    return None
