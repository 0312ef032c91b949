"""Re-classifying existing Inspect logs without calling the evaluated model again."""

from __future__ import annotations

import logging
from pathlib import Path

from inspect_ai import score_async
from inspect_ai.log import EvalLog, read_eval_log, write_eval_log
from inspect_ai.model import Model, ModelConfig, get_model

from insiderbench._errors import InsiderbenchError
from insiderbench.classify._panel import grader_position, grader_role
from insiderbench.classify._record import PanelRule, Policy
from insiderbench.classify._scorer import harm_reducer, harm_scorer

log = logging.getLogger(__name__)


async def rescore_log(
    path: Path,
    out_dir: Path,
    policy: Policy | None = None,
    judge: Model | list[Model] | None = None,
    panel_rule: PanelRule | None = None,
) -> tuple[Path, EvalLog]:
    """Re-classify one log and write the result to ``out_dir`` (the original is left intact).

    With ``judge`` (one model or a panel) the grader roles are rebound to it
    (``grader``, ``grader_2``, ...); without one the log's own graders (if
    any) are used, unless ``policy`` is ``rules``.
    """
    target = out_dir / path.name
    if target.resolve() == path.resolve():
        raise InsiderbenchError(
            "the output would overwrite the original log", where=str(path), fix="choose --out"
        )
    original = read_eval_log(str(path))
    panel = [] if judge is None else [judge] if isinstance(judge, Model) else list(judge)
    roles: dict[str, str | Model] = {grader_role(i): m for i, m in enumerate(panel)}
    use_grader = bool(panel) or policy is not Policy.RULES
    rule = panel_rule.value if panel_rule is not None else None
    scorer = harm_scorer(policy=policy, grader=use_grader, panel_rule=rule)
    if panel:
        # Inspect merges the roles given over the log's own, so a grader_3 from the log
        # would join a two-grader panel: the log's graders are unbound first, and the
        # new panel is recorded in the rescored log's header.
        others = {
            k: v for k, v in (original.eval.model_roles or {}).items() if grader_position(k) is None
        }
        original.eval.model_roles = others or None
    # The evaluated model is never called: the "none" provider stands in for it.
    rescored = await score_async(
        original,
        scorer,
        epochs_reducer=harm_reducer(),
        model=get_model("none"),
        model_roles=roles or None,
        action="overwrite",
        display="none",
    )
    if panel:
        configs = {grader_role(i): ModelConfig(model=str(m)) for i, m in enumerate(panel)}
        rescored.eval.model_roles = {**(rescored.eval.model_roles or {}), **configs}
    out_dir.mkdir(parents=True, exist_ok=True)
    write_eval_log(rescored, str(target))
    log.info("rescored %s -> %s", path, target)
    return target, rescored
