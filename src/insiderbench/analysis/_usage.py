"""Token usage and cost per sample, for the evaluated model and for its judges.

Inspect records each sample's usage twice: by model name (``model_usage``) and
by model role (``role_usage``; the judge runs under the role ``grader``). The
evaluated model's usage is its own entry, less any judge role bound to the
same model (a model judging itself); each judge's usage is its model's entry,
or its role's entry when it is the evaluated model too.

Usage follows Inspect's :class:`~inspect_ai.model.ModelUsage`: ``input`` is
billed at the full rate and excludes cache reads and writes; ``output``
includes ``reasoning``. Cost is priced from :mod:`insiderbench.study._prices`
with the cache rates, and the batch rate when the log's generate config had
``batch`` on for a provider that batches. A price the table does not know
falls back to the cost Inspect computed, if any, and otherwise stays unknown
(``NA``), never zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from inspect_ai.log import EvalLog
from inspect_ai.model import GenerateConfig, ModelUsage

from insiderbench.classify._record import GRADER_ROLE
from insiderbench.study._prices import batch_supported, usage_cost

TOKEN_FIELDS = ("input", "cache_write", "cache_read", "output", "reasoning")
"""The token counts kept per party, each as a ``<field>_tokens`` column."""

MODEL_COLUMNS = [f"{f}_tokens" for f in TOKEN_FIELDS] + ["cost"]
"""The evaluated model's usage columns."""

JUDGE_COLUMNS = [f"judge_{c}" for c in MODEL_COLUMNS]
"""The judges' usage columns: every judge of the sample, summed (each priced at its rate)."""

USAGE_COLUMNS = [*MODEL_COLUMNS, *JUDGE_COLUMNS, "batch"]
"""Every column :func:`sample_usage` fills."""

INT_COLUMNS = [c for c in USAGE_COLUMNS if c.endswith("_tokens")]
FLOAT_COLUMNS = ["cost", "judge_cost"]


def _batched(config: GenerateConfig | None, model: str) -> bool:
    batch = config.batch if config is not None else None
    return batch not in (None, False, 0) and batch_supported(model)


@dataclass(frozen=True)
class LogPricing:
    """What pricing a log's samples needs from its header."""

    model: str
    batch: bool
    judges: dict[str, bool] = field(default_factory=dict)
    """Judge model name -> whether its calls went through the batch API."""
    judge_roles: tuple[str, ...] = ()


def log_pricing(header: EvalLog) -> LogPricing:
    """Read the evaluated model, the judges and their batch settings from a log header."""
    model = header.eval.model
    judges: dict[str, bool] = {}
    roles: list[str] = []
    for role, bound in (header.eval.model_roles or {}).items():
        if not role.startswith(GRADER_ROLE):
            continue
        roles.append(role)
        for config in bound if isinstance(bound, list) else [bound]:
            judges[config.model] = _batched(config.config, config.model)
    batch = _batched(header.eval.model_generate_config, model)
    return LogPricing(model=model, batch=batch, judges=judges, judge_roles=tuple(roles))


def _usage(value: Any) -> ModelUsage | None:
    if isinstance(value, ModelUsage):
        return value
    if isinstance(value, dict):
        return ModelUsage.model_validate(value)
    return None


def _minus(a: ModelUsage, b: ModelUsage) -> ModelUsage:
    def sub(x: int | None, y: int | None) -> int | None:
        return None if x is None else max(0, x - (y or 0))

    return ModelUsage(
        input_tokens=max(0, a.input_tokens - b.input_tokens),
        output_tokens=max(0, a.output_tokens - b.output_tokens),
        total_tokens=max(0, a.total_tokens - b.total_tokens),
        input_tokens_cache_write=sub(a.input_tokens_cache_write, b.input_tokens_cache_write),
        input_tokens_cache_read=sub(a.input_tokens_cache_read, b.input_tokens_cache_read),
        reasoning_tokens=sub(a.reasoning_tokens, b.reasoning_tokens),
        total_cost=None,
    )


def price_usage(model: str, usage: ModelUsage, batch: bool) -> float | None:
    """Dollar cost of ``usage`` by ``model`` (see the module docstring), or None."""
    cost = usage_cost(
        model,
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        cache_read=usage.input_tokens_cache_read or 0,
        cache_write=usage.input_tokens_cache_write or 0,
        batch=batch,
    )
    return cost if cost is not None else usage.total_cost


def _columns(prefix: str, parts: list[tuple[str, ModelUsage, bool]]) -> dict[str, Any]:
    if not parts:  # no call recorded: no tokens, and nothing billed
        return {**{f"{prefix}{c}": None for c in MODEL_COLUMNS}, f"{prefix}cost": 0.0}
    out: dict[str, Any] = {
        f"{prefix}input_tokens": sum(u.input_tokens for _, u, _ in parts),
        f"{prefix}output_tokens": sum(u.output_tokens for _, u, _ in parts),
    }
    for name, attr in (
        ("cache_write", "input_tokens_cache_write"),
        ("cache_read", "input_tokens_cache_read"),
        ("reasoning", "reasoning_tokens"),
    ):
        values = [getattr(u, attr) for _, u, _ in parts]
        known = [v for v in values if v is not None]
        out[f"{prefix}{name}_tokens"] = sum(known) if known else None
    costs = [price_usage(m, u, b) for m, u, b in parts]
    out[f"{prefix}cost"] = None if any(c is None for c in costs) else sum(costs)
    return out


def sample_usage(summary: dict[str, Any], pricing: LogPricing) -> dict[str, Any]:
    """The usage columns (:data:`USAGE_COLUMNS`) of one sample summary."""
    by_model = summary.get("model_usage") or {}
    by_role = summary.get("role_usage") or {}
    own = _usage(by_model.get(pricing.model))
    judges: list[tuple[str, ModelUsage, bool]] = []
    for judge, batched in pricing.judges.items():
        if judge != pricing.model:
            used = _usage(by_model.get(judge))
        else:  # a model judging itself: its judge calls are the grader role's
            role_parts = [_usage(by_role.get(r)) for r in pricing.judge_roles]
            known = [u for u in role_parts if u is not None]
            used = sum(known[1:], known[0]) if known else None
            if own is not None and used is not None:
                own = _minus(own, used)
        if used is not None:
            judges.append((judge, used, batched))
    parts = [(pricing.model, own, pricing.batch)] if own is not None else []
    row = _columns("", parts)
    row.update(_columns("judge_", judges))
    row["batch"] = pricing.batch
    return row


def _sum_known(values: pd.Series) -> Any:
    """The sum, or NA when any value is missing (an unknown price is never a zero)."""
    return pd.NA if values.isna().any() else values.sum()


def cost_table(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Tokens and dollars per group of ``keys``, plus a final ``total`` row.

    Token columns sum what was reported (a missing count adds nothing); the
    cost columns are NA for a group where any sample's cost is unknown.
    ``total_cost`` is the model's and the judges' together.
    """
    tokens = [c for c in INT_COLUMNS if c in frame.columns]
    costs = ["cost", "judge_cost"]
    if frame.empty:
        return pd.DataFrame(columns=[*keys, "samples", *tokens, *costs, "total_cost"])
    grouped = frame.groupby(keys, observed=True, sort=True)
    table = grouped[tokens].sum(min_count=0).astype("Int64")
    table.insert(0, "samples", grouped.size())
    for col in costs:
        table[col] = grouped[col].agg(_sum_known).astype("Float64")
    table["total_cost"] = table["cost"] + table["judge_cost"]
    table = table.reset_index()
    for key in keys:
        table[key] = table[key].astype(str)
    total: dict[str, Any] = {k: "total" if i == 0 else "" for i, k in enumerate(keys)}
    total["samples"] = int(table["samples"].sum())
    for col in [*tokens, *costs, "total_cost"]:
        total[col] = table[col].sum() if col in tokens else _sum_known(table[col])
    last = pd.DataFrame([total]).astype(table.dtypes.to_dict())
    return pd.concat([table, last], ignore_index=True)
