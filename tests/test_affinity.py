"""The in-process model serves waiting calls longest-shared-prompt first."""

from __future__ import annotations

import asyncio

import pytest

from insiderbench.models._affinity import AffinityScheduler, common_prefix


def test_common_prefix() -> None:
    assert common_prefix("system A user 1", "system A user 2") == len("system A user ")
    assert common_prefix("", "x") == 0


async def test_waiters_with_the_same_prompt_go_first_and_all_are_served() -> None:
    scheduler = AffinityScheduler()
    order: list[str] = []
    release = asyncio.Event()

    async def call(name: str, prompt: str, hold: bool = False) -> None:
        async with scheduler.turn(prompt):
            order.append(name)
            if hold:
                await release.wait()

    first = asyncio.create_task(call("A1", "prompt-A", hold=True))
    await asyncio.sleep(0)
    # Waiters arrive interleaved, as Inspect schedules epochs of two conditions.
    waiters = [
        asyncio.create_task(call(n, p))
        for n, p in [("B1", "prompt-B"), ("A2", "prompt-A"), ("B2", "prompt-B"), ("A3", "prompt-A")]
    ]
    await asyncio.sleep(0)
    release.set()
    await asyncio.gather(first, *waiters)
    assert order == ["A1", "A2", "A3", "B1", "B2"]


async def test_only_one_holder_at_a_time_and_cancellation_passes_the_turn_on() -> None:
    scheduler = AffinityScheduler()
    inside = 0
    peak = 0

    async def call(prompt: str) -> None:
        nonlocal inside, peak
        async with scheduler.turn(prompt):
            inside += 1
            peak = max(peak, inside)
            await asyncio.sleep(0.01)
            inside -= 1

    tasks = [asyncio.create_task(call(f"p{i % 3}")) for i in range(9)]
    await asyncio.sleep(0.005)
    tasks[4].cancel()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert peak == 1
    assert sum(isinstance(r, asyncio.CancelledError) for r in results) == 1
    async with asyncio.timeout(1):  # the scheduler is free again afterwards
        await call("p0")


@pytest.mark.parametrize("n", [1, 5])
async def test_scheduler_is_free_after_each_batch(n: int) -> None:
    scheduler = AffinityScheduler()
    for _ in range(2):
        async with asyncio.timeout(2):  # a scheduler left busy would hang here
            await asyncio.gather(*(scheduler_call(scheduler, f"x{i}") for i in range(n)))
        assert not scheduler._busy and not scheduler._waiters


async def scheduler_call(scheduler: AffinityScheduler, prompt: str) -> None:
    async with scheduler.turn(prompt):
        await asyncio.sleep(0)
