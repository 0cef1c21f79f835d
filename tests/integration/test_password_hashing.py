"""Real Argon2id hashing, off the event loop."""

from __future__ import annotations

import asyncio
import sys
import threading
from pathlib import Path

import pytest

from tradevantage.adapters.hashing import HASHING_NICENESS, Argon2Cost, Argon2PasswordHasher


async def test_hash_is_argon2id_at_owasp_cost_and_verifies() -> None:
    hasher = Argon2PasswordHasher()

    password_hash = await hasher.hash("correct-horse-42")

    assert password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert await hasher.verify(password_hash, "correct-horse-42") is True
    assert await hasher.verify(password_hash, "wrong-horse-42") is False


async def test_a_malformed_hash_does_not_verify() -> None:
    assert await Argon2PasswordHasher().verify("not a hash", "anything") is False


async def test_hashing_leaves_the_event_loop_free() -> None:
    hasher = Argon2PasswordHasher()
    ticks = 0
    done = asyncio.Event()

    async def ticker() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            await asyncio.sleep(0.001)

    ticking = asyncio.create_task(ticker())
    await asyncio.gather(*(hasher.hash(f"password-{n}") for n in range(8)))
    done.set()
    await ticking

    # Eight hashes take well over 50 ms; a loop blocked by them could tick at most once per hash.
    assert ticks > 20


def _niceness_of_threads() -> dict[int, int]:
    """Niceness of each thread of this process, by thread id (field 19 of /proc's stat)."""
    niceness = {}
    for task in Path("/proc/self/task").iterdir():
        fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        niceness[int(task.name)] = int(fields[16])
    return niceness


@pytest.mark.skipif(sys.platform != "linux", reason="per-thread niceness is a Linux feature")
async def test_hashing_threads_run_at_a_lower_priority_than_the_event_loop() -> None:
    loop_thread = threading.get_native_id()
    before = _niceness_of_threads()
    hasher = Argon2PasswordHasher(Argon2Cost(time_cost=1, memory_kib=1024), threads=1)

    await hasher.hash("starts the hashing thread")

    new_threads = {tid: nice for tid, nice in _niceness_of_threads().items() if tid not in before}
    assert list(new_threads.values()) == [min(19, before[loop_thread] + HASHING_NICENESS)]
    assert _niceness_of_threads()[loop_thread] == before[loop_thread]  # the event loop is left alone
