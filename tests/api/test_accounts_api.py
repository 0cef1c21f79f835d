"""Accounts and tokens, through HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from tests.api.conftest import Client, assert_problem, bearer, login, register
from tests.factories import PASSWORD


async def test_register_login_and_read_the_profile(client: Client) -> None:
    created = await register(client, email="Trader@Example.com", full_name="Tess Trader")

    tokens = await login(client, "trader@example.com")
    profile = await client.get("/api/user/", headers=bearer(tokens))

    assert profile.status_code == 200
    assert profile.json() == created
    assert created["role"] == "user"
    assert created["date_joined"].endswith("Z")
    assert set(created) == {"id", "email", "full_name", "role", "date_joined"}


async def test_token_answer_has_documented_and_legacy_names(client: Client) -> None:
    user = await register(client)
    tokens = await login(client, user["email"])

    assert tokens["access"] == tokens["access_token"]
    assert tokens["refresh"] == tokens["refresh_token"]
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 900


async def test_register_as_programmer(client: Client) -> None:
    assert (await register(client, role="programmer"))["role"] == "programmer"


async def test_register_as_admin_is_refused(client: Client) -> None:
    response = await client.post(
        "/api/register/", json={"email": "boss@example.com", "full_name": "B", "password": PASSWORD, "role": "admin"}
    )
    assert_problem(response, 400, "role")


async def test_same_email_in_other_case_is_409(client: Client) -> None:
    await register(client, email="trader@example.com")
    response = await client.post(
        "/api/register/", json={"email": " TRADER@Example.com ", "full_name": "Again", "password": PASSWORD}
    )
    assert_problem(response, 409, "email")


async def test_register_names_every_bad_field(client: Client) -> None:
    response = await client.post("/api/register/", json={"email": "nope", "full_name": "", "password": "12345678"})
    assert_problem(response, 400, "email", "full_name", "password")


async def test_register_with_a_missing_field_names_it(client: Client) -> None:
    response = await client.post("/api/register/", json={"email": "a@example.com", "password": PASSWORD})
    assert_problem(response, 400, "full_name")


async def test_wrong_password_and_unknown_email_answer_alike(client: Client) -> None:
    user = await register(client)
    wrong = await client.post("/api/login/", json={"email": user["email"], "password": "wrong-password-1"})
    unknown = await client.post("/api/login/", json={"email": "nobody@example.com", "password": PASSWORD})

    assert assert_problem(wrong, 401) == assert_problem(unknown, 401)
    assert wrong.headers["www-authenticate"] == "Bearer"


async def test_refresh_rotates_and_reuse_kills_the_family(client: Client) -> None:
    user = await register(client)
    first = await login(client, user["email"])

    rotated = await client.post("/api/login/refresh/", json={"refresh": first["refresh"]})
    assert rotated.status_code == 200
    second = rotated.json()
    assert second["refresh"] != first["refresh"]
    assert (await client.get("/api/user/", headers=bearer(second))).status_code == 200

    reuse = await client.post("/api/login/refresh/", json={"refresh": first["refresh"]})
    assert_problem(reuse, 401)
    after = await client.post("/api/login/refresh/", json={"refresh": second["refresh"]})
    assert_problem(after, 401)


async def test_logout_revokes_the_refresh_token(client: Client) -> None:
    user = await register(client)
    tokens = await login(client, user["email"])

    response = await client.post("/api/logout/", json={"refresh": tokens["refresh"]})

    assert response.status_code == 204
    assert_problem(await client.post("/api/login/refresh/", json={"refresh": tokens["refresh"]}), 401)


async def test_logout_with_a_bad_token_is_401(client: Client) -> None:
    assert_problem(await client.post("/api/logout/", json={"refresh": "garbage"}), 401)


async def test_refresh_token_is_refused_as_bearer_and_access_token_at_refresh(client: Client) -> None:
    user = await register(client)
    tokens = await login(client, user["email"])

    as_bearer = await client.get("/api/user/", headers={"Authorization": f"Bearer {tokens['refresh']}"})
    at_refresh = await client.post("/api/login/refresh/", json={"refresh": tokens["access"]})

    assert_problem(as_bearer, 401)
    assert as_bearer.headers["www-authenticate"] == "Bearer"
    assert_problem(at_refresh, 401)


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer not-a-jwt", "Basic dXNlcjpwYXNz"])
async def test_profile_without_a_valid_token_is_401_with_challenge(client: Client, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    response = await client.get("/api/user/", headers=headers)
    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"


async def test_patch_profile_changes_only_the_full_name(client: Client) -> None:
    user = await register(client, full_name="Old Name")
    tokens = await login(client, user["email"])

    response = await client.patch(
        "/api/user/",
        json={"full_name": " New Name ", "email": "hacker@example.com", "role": "admin"},
        headers=bearer(tokens),
    )

    assert response.status_code == 200
    assert response.json() == {**user, "full_name": "New Name"}


async def test_patch_profile_with_blank_name_is_400(client: Client) -> None:
    tokens = await login(client, (await register(client))["email"])
    assert_problem(await client.patch("/api/user/", json={"full_name": "  "}, headers=bearer(tokens)), 400, "full_name")


async def test_password_change_revokes_refresh_tokens(client: Client) -> None:
    user = await register(client)
    tokens = await login(client, user["email"])
    other_device = await login(client, user["email"])

    response = await client.post(
        "/api/user/password/",
        json={"current_password": PASSWORD, "new_password": "brand-new-secret-9"},
        headers=bearer(tokens),
    )

    assert response.status_code == 204
    for pair in (tokens, other_device):
        assert_problem(await client.post("/api/login/refresh/", json={"refresh": pair["refresh"]}), 401)
    assert_problem(await client.post("/api/login/", json={"email": user["email"], "password": PASSWORD}), 401)
    await login(client, user["email"], "brand-new-secret-9")


async def test_password_change_with_wrong_current_names_it(client: Client) -> None:
    tokens = await login(client, (await register(client))["email"])
    response = await client.post(
        "/api/user/password/",
        json={"current_password": "not-it-123", "new_password": "brand-new-secret-9"},
        headers=bearer(tokens),
    )
    assert_problem(response, 400, "current_password")
