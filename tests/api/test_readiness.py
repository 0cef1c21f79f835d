"""Readiness when the database does not answer."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from tests.api.conftest import TEST_SECRET, assert_problem
from tradevantage.config import Settings
from tradevantage.container import build_container
from tradevantage.entrypoints.http.app import create_app


async def test_ready_is_503_and_live_is_200_when_the_database_is_down() -> None:
    # Port 9 (discard) has nothing listening here: the connection is refused at once.
    settings = Settings(
        database_url="postgresql+asyncpg://nobody@127.0.0.1:9/none", environment="test", jwt_secret=TEST_SECRET
    )
    async with AsyncTestClient(app=create_app(build_container(settings))) as client:
        assert_problem(await client.get("/health/ready/"), 503)
        assert (await client.get("/health/")).status_code == 200
