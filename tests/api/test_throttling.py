"""Sign-in and registration limits: 429 with Retry-After, revealing nothing (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import socket
from collections.abc import AsyncIterator
from dataclasses import replace
from uuid import uuid4

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.api.conftest import Client, assert_problem, register
from tests.factories import PASSWORD
from tradevantage.config import Settings
from tradevantage.container import build_container
from tradevantage.entrypoints.http.app import create_app


def redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
async def limited(settings: Settings, engine: AsyncEngine) -> AsyncIterator[Client]:
    """The production limits: 5 failures per email, 20 per client, 10 registrations per client."""
    limits = replace(settings, failed_logins_per_email=5, failed_logins_per_client=20, registrations_per_client=10)
    async with AsyncTestClient(app=create_app(build_container(limits))) as client:
        yield client


async def test_five_failures_lock_an_email_known_or_not_alike(limited: Client) -> None:
    user = await register(limited)
    for email in (user["email"], "nobody@example.com"):
        for _ in range(5):
            assert_problem(await limited.post("/api/login/", json={"email": email, "password": "wrong-one-1"}), 401)

    known = await limited.post("/api/login/", json={"email": user["email"], "password": PASSWORD})
    unknown = await limited.post("/api/login/", json={"email": "nobody@example.com", "password": PASSWORD})

    assert assert_problem(known, 429) == assert_problem(unknown, 429)
    assert 1 <= int(known.headers["retry-after"]) <= 15 * 60


async def test_a_success_before_the_limit_clears_the_email_count(limited: Client) -> None:
    user = await register(limited)
    for _ in range(4):
        await limited.post("/api/login/", json={"email": user["email"], "password": "wrong-one-1"})
    assert (await limited.post("/api/login/", json={"email": user["email"], "password": PASSWORD})).status_code == 200
    for _ in range(4):
        await limited.post("/api/login/", json={"email": user["email"], "password": "wrong-one-1"})
    assert (await limited.post("/api/login/", json={"email": user["email"], "password": PASSWORD})).status_code == 200


async def test_twenty_failures_from_one_client_lock_that_client(limited: Client) -> None:
    for number in range(20):
        await limited.post("/api/login/", json={"email": f"guess{number}@example.com", "password": "wrong-one-1"})
    assert_problem(await limited.post("/api/login/", json={"email": "fresh@example.com", "password": "x-123456"}), 429)


async def test_registrations_per_client_are_limited(limited: Client) -> None:
    for _ in range(10):
        await register(limited)
    response = await limited.post(
        "/api/register/", json={"email": "one-more@example.com", "full_name": "X", "password": PASSWORD}
    )
    assert_problem(response, 429)
    assert "retry-after" in response.headers


async def test_replicas_sharing_redis_share_the_counts(settings: Settings, engine: AsyncEngine) -> None:
    if not redis_reachable():
        reason = "Redis is not reachable at 127.0.0.1:6379"
        if os.environ.get("TRADEVANTAGE_TEST_REQUIRE_REDIS") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    shared = replace(settings, redis_url="redis://127.0.0.1:6379/0", failed_logins_per_email=3)
    email = f"shared-{uuid4().hex}@example.com"
    first, second = create_app(build_container(shared)), create_app(build_container(shared))
    async with AsyncTestClient(app=first) as one, AsyncTestClient(app=second) as other:
        for client in (one, other, one):
            await client.post("/api/login/", json={"email": email, "password": "wrong-one-1"})
        assert_problem(await other.post("/api/login/", json={"email": email, "password": "wrong-one-1"}), 429)


@pytest.mark.parametrize(("trusted", "separate_buckets"), [("*", True), ("127.0.0.1", False)])
async def test_a_trusted_proxy_gives_the_client_address_the_limits_count(
    settings: Settings, engine: AsyncEngine, trusted: str, separate_buckets: bool
) -> None:
    """Behind a trusted proxy each caller has its own count; an untrusted sender's
    X-Forwarded-For is ignored, so it cannot escape its limit by making addresses up."""
    limits = replace(settings, failed_logins_per_client=3, forwarded_allow_ips=trusted)
    async with AsyncTestClient(app=create_app(build_container(limits))) as client:
        for number in range(3):
            await client.post(
                "/api/login/",
                json={"email": f"guess{number}@example.com", "password": "wrong-one-1"},
                headers={"X-Forwarded-For": "203.0.113.7"},
            )
        other_caller = await client.post(
            "/api/login/",
            json={"email": "fresh@example.com", "password": "wrong-one-1"},
            headers={"X-Forwarded-For": "198.51.100.9"},
        )
    assert other_caller.status_code == (401 if separate_buckets else 429)
