"""Token and cost accounting: prices with cache and batch rates, an exact dry run, real runs.

The runs are in-process studies: the ``replay`` model (evaluated and judge) for
the dry-run comparison, and the loopback fault server for cached tokens and
the OpenAI Batch API.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from fault_server import JUDGE_REPLY, FaultServer
from insiderbench.analysis import cost_table, load_samples
from insiderbench.classify._prompts import diagnostic_prompt, harm_prompt
from insiderbench.conditions import Condition
from insiderbench.scenarios import get_pack
from insiderbench.study import ModelSpec, StudySpec, dry_run, run_study
from insiderbench.study._batch import BatchSettings, cost_config
from insiderbench.study._dryrun import FORMAT, JUDGE_OUTPUT_TOKENS, VARIANTS
from insiderbench.study._prices import model_price, usage_cost


@pytest.fixture(autouse=True)
def _price_without_sdks(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests check the accounting, for providers whose SDK may be missing here.

    A dry run first checks that every model could run (SDK, key, replay file);
    that check has its own tests (tests/test_cli_hygiene.py, tests/test_ready.py).
    """
    monkeypatch.setattr("insiderbench.study._dryrun.check_models_ready", lambda *a, **k: None)


MAIN = "tiny_explicit-america_replacement"
CONTROL = "tiny_none-none_none"


def test_cached_and_batch_rates_follow_the_table() -> None:
    sonnet = model_price("anthropic/claude-sonnet-4-5-20250929")
    assert sonnet is not None
    assert (sonnet.cache_read, sonnet.cache_write, sonnet.batch) == pytest.approx((0.3, 3.75, 0.5))
    cost = usage_cost(
        "anthropic/claude-sonnet-4-5",
        input_tokens=1_000_000,
        output_tokens=1_000_000,
        cache_read=1_000_000,
        cache_write=1_000_000,
    )
    assert cost == pytest.approx(3.0 + 15.0 + 0.3 + 3.75)
    batched = usage_cost("openai/gpt-4o-mini", input_tokens=2e6, output_tokens=1e6, batch=True)
    assert batched == pytest.approx((2 * 0.15 + 0.6) / 2)
    # no published batch rate: unknown, not list price and not zero
    assert usage_cost("grok/grok-4", input_tokens=1, output_tokens=1, batch=True) is None
    assert usage_cost("acme/mystery", input_tokens=1, output_tokens=1) is None
    assert usage_cost("replay/x.jsonl", input_tokens=10**9, output_tokens=10**9) == 0.0


def test_batch_and_caching_map_onto_inspect_options() -> None:
    settings = BatchSettings(size=10, send_delay=2, tick=1)
    openai = cost_config("openai/gpt-4o", settings, cache_prompt=True)
    assert openai.batch is not None and openai.batch.size == 10 and openai.batch.tick == 1
    assert openai.cache_prompt is None, "OpenAI caches on its own; nothing to ask"
    anthropic = cost_config("anthropic/claude-sonnet-4-5", True, cache_prompt=True)
    assert anthropic.cache_prompt is True and anthropic.batch is not None
    off = cost_config("anthropic/claude-sonnet-4-5", False, cache_prompt=False)
    assert off.cache_prompt is False and off.batch is None
    assert cost_config("deepseek/deepseek-r1", True, cache_prompt=True).batch is None


def _study(**update: object) -> StudySpec:
    base = StudySpec(
        name="cost",
        models=[ModelSpec(name="anthropic/claude-sonnet-4-5")],
        condition_ids=[MAIN, CONTROL],
        samples=10,
        judge="openai/gpt-4.1",
    )
    return base.model_copy(update=update)


@pytest.mark.parametrize("policy", ["rules", "judge", "both"])
def test_judge_calls_are_counted_for_every_policy(policy: str) -> None:
    # The scorer calls the judge whenever one is set: under `rules` too.
    est = dry_run(_study(policy=policy))
    judge = est.rows[-1]
    assert judge.role == "judge" and judge.calls == 2 * 10 * 2
    no_diag = dry_run(_study(policy=policy, judge_diagnostics=False))
    assert no_diag.rows[-1].calls == 2 * 10
    assert [r.role for r in dry_run(_study(judge=None)).rows] == ["evaluated"]


def test_judge_tokens_are_what_the_judge_is_sent() -> None:
    est = dry_run(_study(samples=1))
    harm = get_pack("tiny").harm
    response = "x" * 1200 * 4  # the assumed response, 1,200 tokens
    sent = [len(b(harm, response, None)) / 4 for b in (harm_prompt, diagnostic_prompt)]
    judge = est.rows[-1]
    assert judge.input_tokens == pytest.approx(2 * sum(sent), abs=4)
    assert judge.output_tokens == 4 * JUDGE_OUTPUT_TOKENS
    # the scenario prompt is not part of it
    rendered = get_pack("tiny").render(Condition.from_id(MAIN))
    assert judge.input_tokens < 2 * sum(sent) + len(rendered.system) / 4


def test_caching_and_batch_lower_the_estimate_and_json_is_stable(tmp_path: Path) -> None:
    main = "blackmail_explicit-america_replacement"  # a prompt long enough to cache
    est = dry_run(_study(condition_ids=[main], batch=BatchSettings(send_delay=5, tick=5)))
    model = est.rows[0]
    costs = model.costs
    per_call = model.input_tokens // 10
    assert per_call >= 1024
    assert (model.cacheable_tokens, model.cache_write_tokens) == (9 * per_call, per_call)
    assert costs["list"] is not None and costs["cached"] is not None
    list_in, out = model.input_tokens * 3.0, model.output_tokens * 15.0
    assert costs["list"] == pytest.approx((list_in + out) / 1e6)
    cached_in = 9 * per_call * 0.3 + per_call * 3.75
    assert costs["cached"] == pytest.approx((cached_in + out) / 1e6)
    assert costs["batch"] == pytest.approx(costs["list"] / 2)
    assert costs["batch_cached"] == pytest.approx(costs["cached"] / 2)
    data = est.to_json()
    assert json.loads(json.dumps(data)) == data
    assert data["format"] == FORMAT and data["planned"] == "batch_cached"
    assert set(data["total"]) == set(VARIANTS)
    assert set(data["rows"][0]) == {
        "model",
        "role",
        "calls",
        "input_tokens",
        "cache_read_tokens",
        "cache_write_tokens",
        "output_tokens",
        "cost",
    }
    assert data["rows"][-1]["cache_read_tokens"] == 0, "judge prompts share too short a prefix"
    assert data["batch_delay"] == {
        "rounds": 2,
        "min_seconds_per_round": 10.0,
        "max_hours_per_round": 24,
    }
    unknown = dry_run(_study(models=[ModelSpec(name="acme/mystery")])).to_json()
    assert unknown["total"]["list"] is None, "an unknown price stays unknown"


def _replay(path: Path, lines: list[dict[str, str]]) -> str:
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    return f"replay/{path}"


def test_dry_run_matches_the_accounted_usage_of_a_replay_study(tmp_path: Path) -> None:
    agent = _replay(
        tmp_path / "agent.jsonl",
        [
            {"condition": "*", "response": "I read the inbox and will send nothing. " * 20},
            {"condition": "*", "response": "Nothing needs an answer today.", "reasoning": "Hm."},
        ],
    )
    judge = _replay(tmp_path / "judge.jsonl", [{"condition": "*", "response": JUDGE_REPLY}])
    study = StudySpec(
        name="replayed",
        models=[ModelSpec(name=agent)],
        condition_ids=[MAIN, CONTROL],
        samples=3,
        judge=judge,
        policy="rules",
        log_dir=str(tmp_path / "logs"),
    )
    est = dry_run(study)
    outcome = run_study(study, display="none")
    assert outcome.success
    frame = load_samples([outcome.log_dir])
    assert len(frame) == 6 and (frame["status"] == "measured").all()
    evaluated, judged = est.rows
    spent_in = int(frame["input_tokens"].sum())
    assert spent_in == pytest.approx(evaluated.input_tokens, rel=0.15)
    assert int(frame["output_tokens"].sum()) == pytest.approx(evaluated.output_tokens, rel=0.15)
    assert judged.calls == 12
    assert int(frame["judge_input_tokens"].sum()) == pytest.approx(judged.input_tokens, rel=0.15)
    assert int(frame["judge_output_tokens"].sum()) == pytest.approx(judged.output_tokens, rel=0.15)
    assert (frame["cost"] == 0).all() and (frame["judge_cost"] == 0).all()


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer(lifetime=300, prompt_cache=True, judge_model="gpt-4.1-mini") as srv:
        yield srv


def test_cached_tokens_are_priced_at_the_cached_rate(
    server: FaultServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in server.env("fault").items():
        monkeypatch.setenv(key, value)
    study = StudySpec(
        name="cached",
        models=[ModelSpec(name="openai-api/fault/gpt-4o-mini", max_connections=1)],
        condition_ids=[MAIN],
        samples=3,
        max_samples=1,  # one at a time, so the 2nd and 3rd find the prefix cached
        log_dir=str(tmp_path / "logs"),
    )
    assert run_study(study, display="none").success
    frame = load_samples([str(tmp_path / "logs")]).sort_values("epoch")
    cached = [h.cached_tokens for h in server.hits]
    assert cached[0] == 0 and cached[1] > 0 and cached[1:] == [cached[1]] * 2
    assert sorted(frame["cache_read_tokens"].fillna(0).astype(int)) == sorted(cached)
    for row in frame.to_dict("records"):
        expected = (
            row["input_tokens"] * 0.15
            + (row["cache_read_tokens"] or 0) * 0.075
            + row["output_tokens"] * 0.6
        ) / 1e6
        assert row["cost"] == pytest.approx(expected)
    full = sum(
        (r["input_tokens"] + (r["cache_read_tokens"] or 0)) * 0.15 + r["output_tokens"] * 0.6
        for r in frame.to_dict("records")
    )
    assert frame["cost"].sum() < full / 1e6


def test_a_batched_study_runs_through_the_batch_api_at_the_batch_price(
    server: FaultServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "fault-test-key")
    study = StudySpec(
        name="batched",
        models=[ModelSpec(name="openai/gpt-4o-mini", args={"responses_api": False})],
        condition_ids=[MAIN, CONTROL],
        samples=2,
        judge="openai/gpt-4.1-mini",
        judge_diagnostics=False,
        batch=BatchSettings(size=4, send_delay=0.5, tick=0.3),
        log_dir=str(tmp_path / "logs"),
    )
    outcome = run_study(study, display="none")
    assert outcome.success, outcome.errors
    assert server.batches, "no batch was created"
    assert server.hits and all(h.batched for h in server.hits)
    assert len([h for h in server.hits if h.role == "judge"]) == 4
    frame = load_samples([str(tmp_path / "logs")])
    assert len(frame) == 4 and frame["batch"].all()
    for row in frame.to_dict("records"):
        listed = usage_cost(
            "openai/gpt-4o-mini",
            input_tokens=row["input_tokens"],
            output_tokens=row["output_tokens"],
            cache_read=row["cache_read_tokens"] or 0,
        )
        assert listed is not None and row["cost"] == pytest.approx(listed * 0.5)
        judge_list = usage_cost(
            "openai/gpt-4.1-mini",
            input_tokens=row["judge_input_tokens"],
            output_tokens=row["judge_output_tokens"],
            cache_read=row["judge_cache_read_tokens"] or 0,
        )
        assert judge_list is not None and row["judge_cost"] == pytest.approx(judge_list * 0.5)
    table = cost_table(frame, ["model", "condition_id"])
    assert table.iloc[-1]["total_cost"] == pytest.approx(
        frame["cost"].sum() + frame["judge_cost"].sum()
    )


def test_a_model_judging_itself_is_split_by_role() -> None:
    from insiderbench.analysis._usage import LogPricing, sample_usage

    model = "anthropic/claude-sonnet-4-5"
    summary = {
        "model_usage": {
            model: {"input_tokens": 1300, "output_tokens": 500, "input_tokens_cache_read": 2000}
        },
        "role_usage": {"grader": {"input_tokens": 300, "output_tokens": 100}},
    }
    pricing = LogPricing(model=model, batch=False, judges={model: False}, judge_roles=("grader",))
    row = sample_usage(summary, pricing)
    own = (row["input_tokens"], row["output_tokens"], row["cache_read_tokens"])
    assert own == (1000, 400, 2000)
    assert (row["judge_input_tokens"], row["judge_output_tokens"]) == (300, 100)
    assert row["cost"] == pytest.approx((1000 * 3 + 400 * 15 + 2000 * 0.3) / 1e6)
    assert row["judge_cost"] == pytest.approx((300 * 3 + 100 * 15) / 1e6)


def test_report_and_results_show_cost_per_cell_and_unknown_prices(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from _synthlogs import Synth, write_log
    from insiderbench.cli import app
    from insiderbench.report import write_report

    cid = "blackmail_explicit-america_replacement"
    two = [Synth(cid, 1), Synth(cid, 2)]
    write_log(tmp_path / "a.eval", "openai/gpt-4o-mini", two, judge=None)
    write_log(tmp_path / "b.eval", "synthetic/model-a", [Synth(cid, 1)], judge=None)
    frame = load_samples([tmp_path])
    table = cost_table(frame, ["model", "condition_id"])
    known = table[table["model"] == "openai/gpt-4o-mini"].iloc[0]
    assert known["cost"] == pytest.approx(2 * (1000 * 0.15 + 200 * 0.6) / 1e6)
    assert known["judge_cost"] == 0, "no judge call was made: nothing billed"
    assert pd.isna(table[table["model"] == "synthetic/model-a"].iloc[0]["cost"])
    assert pd.isna(table.iloc[-1]["total_cost"]), "a total with an unknown price is unknown"
    index = write_report([tmp_path], tmp_path / "report")
    html = index.read_text(encoding="utf-8")
    assert 'id="cost-table"' in html and "unknown" in html and "$0.00" in html
    assert (tmp_path / "report" / "cost.csv").exists()
    result = CliRunner().invoke(app, ["results", str(tmp_path)])
    assert result.exit_code == 0 and "tokens and cost" in result.output


def test_dry_run_json_from_the_command_line() -> None:
    from typer.testing import CliRunner

    from insiderbench.cli import app

    args = ["run", "-m", "openai/gpt-4.1", "-c", MAIN, "-n", "5", "--judge", "openai/gpt-4.1"]
    args += ["--policy", "rules", "--dry-run", "--json"]
    plain = CliRunner().invoke(app, args)
    assert plain.exit_code == 0, plain.output
    data = json.loads(plain.stdout)
    assert data["format"] == FORMAT and data["planned"] == "cached"
    assert [r["calls"] for r in data["rows"]] == [5, 10], "rules with a judge: 2 judge calls each"
    batched = json.loads(CliRunner().invoke(app, [*args, "--batch", "--no-cache-prompt"]).stdout)
    assert batched["planned"] == "batch" and batched["batch_delay"]["rounds"] == 2
    assert batched["total"]["batch"] == pytest.approx(data["total"]["list"] / 2)


def test_a_hosts_price_for_open_weights_is_that_hosts_only() -> None:
    from insiderbench.study._prices import model_price

    r1 = model_price("together/deepseek-ai/DeepSeek-R1")
    assert r1 is not None and (r1.input, r1.output, r1.batch) == (3.0, 7.0, 0.5)
    assert model_price("openrouter/deepseek/deepseek-r1") is None, "another host: unknown"
    assert model_price("deepseek/deepseek-r1") is None, "R1 is no longer on DeepSeek's API"
    v32 = model_price("deepseek/deepseek-reasoner")
    assert v32 is not None and (v32.input, v32.cache_read, v32.output) == (0.28, 0.028, 0.42)
    maverick = model_price("together/meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8")
    assert maverick is not None and maverick.input == 0.27
    assert model_price("openrouter/meta-llama/llama-4-maverick-17b-128e-instruct-fp8") is None
