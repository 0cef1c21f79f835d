"""The EA bridge's subscription check, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Client, assert_problem, publish, signed_in, subscribe


@pytest.fixture
async def setup(client: Client) -> dict[str, Any]:
    author, author_headers = await signed_in(client, "programmer")
    await publish(client, author_headers, magic_number=123, name="Bridge EA", price="10")
    _, headers = await signed_in(client)
    subscription = await subscribe(client, headers, 123)
    return {"author": author, "author_headers": author_headers, "headers": headers, "subscription": subscription}


async def pay(client: Client, setup: dict[str, Any], paid_at: str) -> None:
    path = f"/api/subscriptions/{setup['subscription']['id']}/payments/"
    response = await client.post(path, json={"paid_at": paid_at}, headers=setup["author_headers"])
    assert response.status_code == 200


async def test_active_subscription_is_200_with_its_details(client: Client, setup: dict[str, Any]) -> None:
    await pay(client, setup, "2099-01-01")
    response = await client.get("/api/trade-auth/123/", headers=setup["headers"])

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "active"
    assert body["expert"]["magic_number"] == 123
    assert body["expires_at"] == "2099-01-31T00:00:00Z"
    assert set(body) == {
        "user",
        "expert",
        "status",
        "subscribed_at",
        "last_paid_at",
        "expires_at",
        "account_number",
    }


async def test_never_paid_is_402(client: Client, setup: dict[str, Any]) -> None:
    body = assert_problem(await client.get("/api/trade-auth/123/", headers=setup["headers"]), 402)
    assert body["detail"] == "Subscription awaiting payment"


async def test_expired_is_410_with_expiry(client: Client, setup: dict[str, Any]) -> None:
    await pay(client, setup, "2020-01-01")
    body = assert_problem(await client.get("/api/trade-auth/123/", headers=setup["headers"]), 410)
    assert body["detail"] == "Subscription expired"
    assert body["expires_at"] == "2020-01-31T00:00:00Z"


@pytest.mark.parametrize("query", ["", "?account_number=999"])
async def test_bound_to_another_account_is_403(client: Client, setup: dict[str, Any], query: str) -> None:
    await pay(client, setup, "2099-01-01")
    path = f"/api/subscriptions/{setup['subscription']['id']}/"
    await client.patch(path, json={"account_number": "5551234"}, headers=setup["headers"])

    assert_problem(await client.get(f"/api/trade-auth/123/{query}", headers=setup["headers"]), 403)
    allowed = await client.get("/api/trade-auth/123/?account_number=5551234", headers=setup["headers"])
    assert allowed.status_code == 200


async def test_creator_email_must_match_when_given(client: Client, setup: dict[str, Any]) -> None:
    await pay(client, setup, "2099-01-01")
    right = setup["author"]["email"].upper()

    assert (
        await client.get(f"/api/trade-auth/123/?creator_email={right}", headers=setup["headers"])
    ).status_code == 200
    wrong = await client.get("/api/trade-auth/123/?creator_email=someone@example.com", headers=setup["headers"])
    assert_problem(wrong, 404)


@pytest.mark.parametrize("magic", ["999", "abc", "0"])
async def test_unknown_expert_is_404(client: Client, setup: dict[str, Any], magic: str) -> None:
    assert_problem(await client.get(f"/api/trade-auth/{magic}/", headers=setup["headers"]), 404)


async def test_no_subscription_is_404(client: Client, setup: dict[str, Any]) -> None:
    _, stranger = await signed_in(client)
    assert_problem(await client.get("/api/trade-auth/123/", headers=stranger), 404)


async def test_archived_expert_keeps_an_active_subscription_working(client: Client, setup: dict[str, Any]) -> None:
    await pay(client, setup, "2099-01-01")
    assert (await client.delete("/api/experts/123/", headers=setup["author_headers"])).status_code == 204
    assert (await client.get("/api/trade-auth/123/", headers=setup["headers"])).status_code == 200


async def test_without_token_is_401(client: Client, setup: dict[str, Any]) -> None:
    response = await client.get("/api/trade-auth/123/")
    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"
