"""The fault server itself: every fault looks to the OpenAI client as it would from a provider."""

from __future__ import annotations

import time
from collections.abc import Iterator

import openai
import pytest

from fault_server import FAULTS, JUDGE_REPLY, FaultServer


def _ask(server: FaultServer, model: str = "agent", timeout: float = 1.0) -> object:
    client = openai.OpenAI(
        base_url=server.base_url, api_key="fault-test-key", max_retries=0, timeout=timeout
    )
    messages = [{"role": "user", "content": "hello"}]
    return client.chat.completions.create(model=model, messages=messages)  # type: ignore[arg-type]


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer(hang_seconds=5, lifetime=60) as srv:
        yield srv


def test_ok_reply_and_judge_routing(server: FaultServer) -> None:
    agent = _ask(server)
    judge = _ask(server, model="judge")
    assert agent.choices[0].message.content == server.agent_reply  # type: ignore[attr-defined]
    assert judge.choices[0].message.content == JUDGE_REPLY  # type: ignore[attr-defined]
    assert [h.role for h in server.hits] == ["agent", "judge"]
    assert server.hits[0].prompt == "hello"
    assert server.hits[0].authorization == "Bearer fault-test-key"


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ("rate_limit", openai.RateLimitError),
        ("server_error", openai.InternalServerError),
        ("unavailable", openai.InternalServerError),
        ("reset", openai.APIConnectionError),
        ("hang", openai.APITimeoutError),
        ("malformed", ValueError),
    ],
)
def test_failing_faults_raise_what_a_provider_would(
    server: FaultServer, fault: str, error: type[Exception]
) -> None:
    server.set_rates({fault: 1.0})
    with pytest.raises(error) as info:
        _ask(server, timeout=0.5)
    if fault == "rate_limit":
        response = info.value.response  # type: ignore[attr-defined]
        assert response.headers["Retry-After"] == "1"
    if fault in ("server_error", "unavailable"):
        want = 500 if fault == "server_error" else 503
        assert info.value.status_code == want  # type: ignore[attr-defined]
    assert server.counts() == {fault: 1}


@pytest.mark.parametrize(
    ("fault", "finish"), [("empty", "stop"), ("content_filter", "content_filter")]
)
def test_empty_and_filtered_completions(server: FaultServer, fault: str, finish: str) -> None:
    server.set_rates({fault: 1.0})
    choice = _ask(server).choices[0]  # type: ignore[attr-defined]
    assert not choice.message.content
    assert choice.finish_reason == finish


def test_rates_are_honoured_and_seeded() -> None:
    rates = {"rate_limit": 0.2, "malformed": 0.1}
    drawn = []
    for _ in range(2):
        srv = FaultServer(rates=rates, seed=7)
        drawn.append([srv._draw("agent", "agent", "", "") for _ in range(2000)])
    assert drawn[0] == drawn[1]
    share = drawn[0].count("rate_limit") / 2000
    assert 0.17 < share < 0.23
    assert 0.08 < drawn[0].count("malformed") / 2000 < 0.12


def test_bad_rates_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown fault"):
        FaultServer(rates={"teapot": 0.1})
    with pytest.raises(ValueError, match="sum to at most 1"):
        FaultServer(rates={"reset": 0.7, "hang": 0.4})
    assert len(FAULTS) == 8


def test_stops_by_itself_and_releases_hangs() -> None:
    srv = FaultServer(rates={"hang": 1.0}, hang_seconds=30, lifetime=0.5).start()
    port = srv.port
    started = time.monotonic()
    with pytest.raises(openai.APIConnectionError):
        _ask(srv, timeout=10)
    assert time.monotonic() - started < 5, "the lifetime should have released the hang"
    with pytest.raises(RuntimeError):
        _ = srv.port
    assert port > 0


def test_latency_is_applied() -> None:
    with FaultServer(latency=0.3, lifetime=30) as srv:
        started = time.monotonic()
        _ask(srv)
        assert time.monotonic() - started >= 0.3
