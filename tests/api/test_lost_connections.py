"""After the server ended every connection the pool held (a restart, an administrator), requests
are answered as usual: none gets a 500, and the token check retries on a new connection."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from tests.api.conftest import Client, signed_in, trader_with_free_expert
from tradevantage.config import Settings


async def end_every_connection(settings: Settings) -> int:
    url = make_url(settings.database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    admin = await asyncpg.connect(url)
    try:
        ended: int = await admin.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return ended
    finally:
        await admin.close()


async def test_requests_after_the_server_ended_every_pooled_connection_are_answered(
    client: Client, settings: Settings
) -> None:
    if make_url(settings.database_url).get_backend_name() != "postgresql":
        pytest.skip("the server ending connections: PostgreSQL only")
    headers, _, _ = await trader_with_free_expert(client)
    _, other = await signed_in(client)
    await asyncio.gather(*(client.get("/api/user/", headers=headers) for _ in range(6)))  # fills the pool
    assert await end_every_connection(settings) >= 2

    answers = [
        await client.get("/api/user/", headers=other),
        await client.get("/api/trade-auth/123/", headers=headers),
        await client.get("/api/experts/", headers=headers),
        await client.get("/api/trade/", headers=headers),
    ]

    assert [answer.status_code for answer in answers] == [200, 200, 200, 200]
