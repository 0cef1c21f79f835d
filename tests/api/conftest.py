"""The real application over a real database, called through HTTP in process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories import PASSWORD, RegistrationFactory
from tradevantage.config import Settings
from tradevantage.container import build_container
from tradevantage.entrypoints.http.app import create_app

TEST_SECRET = "test-secret-that-is-long-enough-0123456789"

Client = AsyncTestClient[Litestar]


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, environment="test", jwt_secret=TEST_SECRET, migrate_on_start=False)


@pytest.fixture
async def client(settings: Settings, engine: AsyncEngine) -> AsyncIterator[Client]:
    """`engine` empties the tables first."""
    app = create_app(build_container(settings))
    async with AsyncTestClient(app=app) as client:
        yield client


async def register(client: Client, **fields: Any) -> dict[str, Any]:
    payload = msgspec.to_builtins(RegistrationFactory.build(**fields))
    response = await client.post("/api/register/", json=payload)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def login(client: Client, email: str, password: str = PASSWORD) -> dict[str, Any]:
    response = await client.post("/api/login/", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def bearer(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access']}"}


def assert_problem(response: Any, status: int, *fields: str) -> dict[str, Any]:
    """The answer is problem details with a `detail` sentence, naming exactly `fields` if any."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert isinstance(body["detail"], str)
    assert body["detail"]
    if fields:
        assert [error["field"] for error in body["errors"]] == list(fields)
    return body
