"""Serialising calls to one in-process model, longest shared prompt first.

llama.cpp keeps the KV cache of the last prompt it evaluated and only
evaluates the part of a new prompt after their longest common prefix. When
samples of several conditions wait for the model at once, serving them in
arrival order alternates between prompts and throws the cache away each time
(a 2.5k-token prompt costs about a minute on 2 cores). This scheduler grants
the model to the waiter whose prompt shares the longest prefix with the
prompt just served, so all samples of a condition run back to back.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


def common_prefix(a: str, b: str) -> int:
    """Length of the longest common prefix of ``a`` and ``b``."""
    return len(os.path.commonprefix([a, b]))


class AffinityScheduler:
    """An async mutex whose next holder is the waiter with the most shared prefix."""

    def __init__(self) -> None:
        self._busy = False
        self._last = ""
        self._waiters: list[tuple[str, asyncio.Future[None]]] = []

    @asynccontextmanager
    async def turn(self, prompt: str) -> AsyncIterator[None]:
        """Hold the model for one call on ``prompt``."""
        if self._busy:
            future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            entry = (prompt, future)
            self._waiters.append(entry)
            try:
                await future
            except BaseException:
                if future.done() and not future.cancelled():
                    self._hand_over()  # granted just as we were cancelled: pass it on
                elif entry in self._waiters:
                    self._waiters.remove(entry)
                raise
        else:
            self._busy = True
        try:
            yield
        finally:
            self._last = prompt
            self._hand_over()

    def _hand_over(self) -> None:
        live = [w for w in self._waiters if not w[1].done()]
        self._waiters = live
        if not live:
            self._busy = False
            return
        best = max(range(len(live)), key=lambda i: common_prefix(live[i][0], self._last))
        _, future = live.pop(best)
        future.set_result(None)
