"""Concurrent requests for one key share one computation."""

from __future__ import annotations

import asyncio

import pytest

from tradevantage.domain.caching import SharedComputations


class Counted:
    """A computation that waits until released, counting how often it started."""

    def __init__(self, value: str = "figures", fail: bool = False) -> None:
        self.started = 0
        self.release = asyncio.Event()
        self._value, self._fail = value, fail

    async def __call__(self) -> str:
        self.started += 1
        await self.release.wait()
        if self._fail:
            raise RuntimeError("database gone")
        return self._value


async def test_waiters_get_the_first_computation_s_value() -> None:
    shared: SharedComputations[str, str] = SharedComputations()
    compute = Counted()
    tasks = [asyncio.create_task(shared.run("k", compute)) for _ in range(5)]
    await asyncio.sleep(0)
    compute.release.set()

    assert await asyncio.gather(*tasks) == ["figures"] * 5
    assert compute.started == 1


async def test_other_keys_compute_on_their_own() -> None:
    shared: SharedComputations[str, str] = SharedComputations()
    first, second = Counted("a"), Counted("b")
    first.release.set()
    second.release.set()

    assert await asyncio.gather(shared.run("a", first), shared.run("b", second)) == ["a", "b"]


async def test_when_the_computation_fails_each_waiter_computes_for_itself() -> None:
    shared: SharedComputations[str, str] = SharedComputations()
    failing, working = Counted(fail=True), Counted("retried")
    leader = asyncio.create_task(shared.run("k", failing))
    await asyncio.sleep(0)
    waiter = asyncio.create_task(shared.run("k", working))
    await asyncio.sleep(0)
    working.release.set()
    failing.release.set()

    with pytest.raises(RuntimeError):
        await leader
    assert await waiter == "retried"
    assert working.started == 1


async def test_a_cancelled_waiter_leaves_the_computation_to_the_others() -> None:
    shared: SharedComputations[str, str] = SharedComputations()
    compute = Counted()
    leader = asyncio.create_task(shared.run("k", compute))
    await asyncio.sleep(0)
    impatient = asyncio.create_task(shared.run("k", compute))
    await asyncio.sleep(0)
    impatient.cancel()
    compute.release.set()

    assert await leader == "figures"
    assert impatient.cancelled()
    assert await shared.run("k", compute) == "figures"  # nothing left running: computed anew
    assert compute.started == 2
