"""Real Argon2id hashing, off the event loop."""

from __future__ import annotations

import asyncio

from tradevantage.adapters.hashing import Argon2PasswordHasher


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
