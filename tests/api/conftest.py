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
from tradevantage.adapters.persistence.database import create_engine, create_session_factory
from tradevantage.config import Settings
from tradevantage.container import build_container
from tradevantage.entrypoints.http.app import create_app

TEST_SECRET = "test-secret-that-is-long-enough-0123456789"

Client = AsyncTestClient[Litestar]


@pytest.fixture
def settings(database_url: str) -> Settings:
    # Real Argon2id, at the lowest cost: the suite registers hundreds of accounts. The production
    # cost is checked in tests/integration/test_password_hashing.py.
    return Settings(
        database_url=database_url,
        environment="test",
        jwt_secret=TEST_SECRET,
        migrate_on_start=False,
        argon2_time_cost=1,
        argon2_memory_kib=1024,
        token_check_cache_seconds=0,
        registrations_per_client=10_000,
        failed_logins_per_client=10_000,
    )


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
    """The answer is problem details with a `detail` sentence, naming exactly `fields` (in any order) if any."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert isinstance(body["detail"], str)
    assert body["detail"]
    if fields:
        assert sorted(error["field"] for error in body["errors"]) == sorted(fields)
    return body


async def signed_in(client: Client, role: str = "user") -> tuple[dict[str, Any], dict[str, str]]:
    """A new account of `role` (admins made as the command line does) and its Authorization header."""
    if role == "admin":
        user = await make_admin(client)
    else:
        user = await register(client, role=role)
    return user, bearer(await login(client, user["email"]))


async def make_admin(client: Client) -> dict[str, Any]:
    """As `tradevantage users create --role admin` does it. The app runs its own event loop in the
    test client, so this uses an engine of the test's loop rather than the app's."""
    container = client.app.state.container
    payload = RegistrationFactory.build()
    engine = create_engine(container.settings().database_url)
    try:
        async with create_session_factory(engine)() as session:
            service = container.user_service(uow__session=session)
            user = await service.create_account(payload.email, payload.full_name, PASSWORD, "admin")
    finally:
        await engine.dispose()
    return {"id": str(user.id), "email": user.email}


async def publish(client: Client, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    fields.setdefault("magic_number", RegistrationFactory.__random__.randint(1, 2**62))
    fields.setdefault("name", f"EA {fields['magic_number']}")
    response = await client.post("/api/experts/", json=fields, headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def subscribe(client: Client, headers: dict[str, str], magic_number: int, **fields: Any) -> dict[str, Any]:
    response = await client.post("/api/subscriptions/", json={"expert": magic_number, **fields}, headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def trader_with_free_expert(
    client: Client, magic_number: int = 123, **subscription: Any
) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
    """A trader subscribed (active) to a free EA: their headers, the EA, the subscription."""
    _, author = await signed_in(client, "programmer")
    expert = await publish(client, author, magic_number=magic_number, price=0)
    _, headers = await signed_in(client)
    return headers, expert, await subscribe(client, headers, magic_number, **subscription)


async def report(client: Client, headers: dict[str, str], expected: int = 201, **fields: Any) -> dict[str, Any]:
    fields.setdefault("expert", 123)
    fields.setdefault("ticker", "EURUSD")
    fields.setdefault("direction", "BUY")
    fields.setdefault("lot_size", "0.10")
    response = await client.post("/api/trade/", json=fields, headers=headers)
    assert response.status_code == expected, response.text
    body: dict[str, Any] = response.json()
    return body
