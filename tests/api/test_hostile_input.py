"""Input found to break the service once; each must now be a clean 4xx (SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.api.conftest import Client, assert_problem, bearer, login, register
from tests.factories import PASSWORD
from tradevantage.adapters.persistence.database import create_session_factory
from tradevantage.adapters.persistence.unit_of_work import SqlUnitOfWork


@pytest.mark.parametrize("body", [b"[" * 5000, b'{"a":' * 5000, b'{"email": ' + b"[" * 3000])
async def test_deeply_nested_json_is_400(client: Client, body: bytes) -> None:
    assert_problem(await client.post("/api/login/", content=body), 400)


async def test_truncated_json_says_where_it_ends(client: Client) -> None:
    body = assert_problem(await client.post("/api/login/", content=b'{"email": "a@ex'), 400)
    assert "15 bytes" in body["detail"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"email": "nul@example.com", "full_name": "A\u0000B", "password": PASSWORD}, "full_name"),
        ({"email": "a\u0000@example.com", "full_name": "A", "password": PASSWORD}, "email"),
        ({"email": "İ" * 130 + "@example.com", "full_name": "A", "password": PASSWORD}, "email"),
        ({"email": "ctl\u0001@example.com", "full_name": "A", "password": PASSWORD}, "email"),
        ({"email": "zw@example.com", "full_name": "\u200b\u200b", "password": PASSWORD}, "full_name"),
    ],
)
async def test_register_with_unstorable_characters_names_the_field(
    client: Client, payload: dict[str, str], field: str
) -> None:
    assert_problem(await client.post("/api/register/", json=payload), 400, field)


async def test_login_and_profile_with_nul_characters_are_400(client: Client) -> None:
    user = await register(client)
    tokens = await login(client, user["email"])
    login_nul = await client.post("/api/login/", json={"email": "a\u0000@b.co", "password": PASSWORD})
    patch_nul = await client.patch("/api/user/", json={"full_name": "x\u0000y"}, headers=bearer(tokens))
    assert_problem(login_nul, 400, "email")
    assert_problem(patch_nul, 400, "full_name")


async def test_token_of_a_deactivated_account_is_401(client: Client, engine: AsyncEngine) -> None:
    user = await register(client)
    tokens = await login(client, user["email"])
    async with create_session_factory(engine)() as session:
        uow = SqlUnitOfWork(session)
        stored = await uow.users.get(UUID(user["id"]))
        assert stored is not None
        await uow.users.update(replace(stored, is_active=False))
        await uow.commit()

    response = await client.get("/api/user/", headers=bearer(tokens))

    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("scheme", ["Basic", "Token", "JWT"])
async def test_only_the_bearer_scheme_carries_a_token(client: Client, scheme: str) -> None:
    tokens = await login(client, (await register(client))["email"])
    response = await client.get("/api/user/", headers={"Authorization": f"{scheme} {tokens['access']}"})
    assert_problem(response, 401)
    lower_case = await client.get("/api/user/", headers={"Authorization": f"bearer {tokens['access']}"})
    assert lower_case.status_code == 200


async def test_head_on_health(client: Client) -> None:
    assert (await client.head("/health/")).status_code == 200


async def test_openapi_marks_only_protected_routes_as_needing_a_token(client: Client) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    assert "security" not in schema
    assert "security" not in schema["paths"]["/api/login"]["post"]
    assert "security" not in schema["paths"]["/health"]["get"]
    assert schema["paths"]["/api/user"]["get"]["security"] == [{"BearerToken": []}]
    assert "413" in schema["paths"]["/api/login"]["post"]["responses"]


async def test_access_tokens_of_a_revoked_sign_in_are_refused(client: Client) -> None:
    user = await register(client)
    kept = await login(client, user["email"])
    logged_out = await login(client, user["email"])

    await client.post("/api/logout/", json={"refresh": logged_out["refresh"]})

    assert_problem(await client.get("/api/user/", headers=bearer(logged_out)), 401)
    assert (await client.get("/api/user/", headers=bearer(kept))).status_code == 200


async def test_reusing_a_rotated_refresh_token_also_kills_the_access_tokens_of_that_sign_in(client: Client) -> None:
    user = await register(client)
    first = await login(client, user["email"])
    rotated = (await client.post("/api/login/refresh/", json={"refresh": first["refresh"]})).json()
    await client.post("/api/login/refresh/", json={"refresh": first["refresh"]})

    assert_problem(await client.get("/api/user/", headers=bearer(rotated)), 401)


async def test_a_password_change_refuses_every_older_access_token(client: Client) -> None:
    user = await register(client)
    phone, terminal = await login(client, user["email"]), await login(client, user["email"])
    changed = await client.post(
        "/api/user/password/",
        json={"current_password": PASSWORD, "new_password": "brand-new-secret-9"},
        headers=bearer(phone),
    )
    assert changed.status_code == 204
    for old in (phone, terminal):
        assert_problem(await client.get("/api/trade/", headers=bearer(old)), 401)


async def test_a_deactivated_accounts_token_is_refused_on_every_route(client: Client, engine: AsyncEngine) -> None:
    user = await register(client)
    tokens = await login(client, user["email"])
    async with create_session_factory(engine)() as session:
        uow = SqlUnitOfWork(session)
        stored = await uow.users.get(UUID(user["id"]))
        assert stored is not None
        await uow.users.update(replace(stored, is_active=False))
        await uow.commit()

    for path in ("/api/trade/", "/api/experts/", "/api/subscriptions/", "/api/trade-auth/123/"):
        assert_problem(await client.get(path, headers=bearer(tokens)), 401)
