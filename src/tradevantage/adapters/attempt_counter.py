"""Attempt counters in a Litestar store: Redis when configured (shared by all replicas), else memory."""

from __future__ import annotations

from datetime import timedelta

from litestar.stores.base import Store
from litestar.stores.memory import MemoryStore
from litestar.stores.redis import RedisStore


def create_store(redis_url: str | None) -> Store:
    if redis_url:
        return RedisStore.with_client(url=redis_url).with_namespace("tradevantage-throttle")
    return MemoryStore()


class StoreAttemptCounter:
    """A fixed window per key: the count lives as long as its first attempt's window."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def count(self, key: str) -> tuple[int, int]:
        value = await self._store.get(key)
        if value is None:
            return 0, 0
        return int(value), await self._store.expires_in(key) or 0

    async def add(self, key: str, window: timedelta) -> None:
        attempts, remaining = await self.count(key)
        expires_in = remaining if attempts and remaining > 0 else int(window.total_seconds())
        await self._store.set(key, str(attempts + 1), expires_in=expires_in)

    async def clear(self, key: str) -> None:
        await self._store.delete(key)
