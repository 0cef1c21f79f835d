"""Argon2id password hashing, run in worker threads so the event loop keeps serving."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

import argon2
from argon2.exceptions import InvalidHashError, VerificationError


@dataclass(frozen=True, slots=True)
class Argon2Cost:
    """Defaults are OWASP's recommendation for Argon2id: 19 MiB, 2 passes, 1 lane."""

    time_cost: int = 2
    memory_kib: int = 19 * 1024
    parallelism: int = 1


T = TypeVar("T")


HASHING_NICENESS = 10
"""How much lower than the request threads hashing threads run (Linux niceness, 0 to 19). At 10 the
scheduler gives a hashing thread about a tenth of a core that requests also want: sign-ins use the
spare CPU at full speed, but a burst of them never makes every other request wait."""


def default_hashing_threads() -> int:
    """One core is left to the event loop: hashing on every core would starve it of CPU time."""
    return max(1, (os.cpu_count() or 2) - 1)


def lower_this_threads_priority(niceness: int = HASHING_NICENESS) -> None:
    """Lower the priority of the calling thread only. On Linux, niceness is per thread; elsewhere
    the same call would change the whole process (or another one), so nothing is done there."""
    if sys.platform != "linux":
        return
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), niceness)


class Argon2PasswordHasher:
    def __init__(self, cost: Argon2Cost = Argon2Cost(), threads: int | None = None) -> None:
        self._threads = ThreadPoolExecutor(
            max_workers=threads or default_hashing_threads(),
            thread_name_prefix="argon2",
            initializer=lower_this_threads_priority,
        )
        self._hasher = argon2.PasswordHasher(
            time_cost=cost.time_cost,
            memory_cost=cost.memory_kib,
            parallelism=cost.parallelism,
            type=argon2.Type.ID,
        )
        self._dummy_hash = self._hasher.hash("dummy password, never anyone's")

    async def hash(self, password: str) -> str:
        return await self._off_loop(self._hasher.hash, password)

    async def verify(self, password_hash: str, password: str) -> bool:
        return await self._off_loop(self._verify, password_hash, password)

    async def verify_dummy(self, password: str) -> None:
        await self._off_loop(self._verify, self._dummy_hash, password)

    async def _off_loop(self, work: Callable[..., T], *args: str) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._threads, work, *args)

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
