"""A port for values kept between requests, and computations shared by concurrent requests."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, Protocol, TypeVar

K = TypeVar("K")
K_contra = TypeVar("K_contra", contravariant=True)
V = TypeVar("V")


class Cache(Protocol[K_contra, V]):
    """Values kept between use cases, bounded by the adapter. A key must say everything the value
    depends on, so an entry is never wrong, only unused once its key stops being asked for."""

    def get(self, key: K_contra) -> V | None: ...

    def put(self, key: K_contra, value: V) -> None: ...


class SharedComputations(Generic[K, V]):
    """Concurrent requests for one key share the first one's computation, instead of each asking
    the database for the same figures at once (a dashboard opened on a large history, cold).

    Used from one event loop. A waiter cancelled while waiting leaves the computation running for
    the others; when the computation fails, each waiter computes for itself.
    """

    def __init__(self) -> None:
        self._running: dict[K, asyncio.Future[V | _Failed]] = {}

    async def run(self, key: K, compute: Callable[[], Awaitable[V]]) -> V:
        while (running := self._running.get(key)) is not None:
            outcome = await asyncio.shield(running)
            if not isinstance(outcome, _Failed):
                return outcome
        future: asyncio.Future[V | _Failed] = asyncio.get_running_loop().create_future()
        self._running[key] = future
        try:
            value = await compute()
            future.set_result(value)
            return value
        finally:
            if not future.done():
                future.set_result(_Failed())
            del self._running[key]


class _Failed:
    """The outcome waiters see when the computation they waited for raised or was cancelled."""
