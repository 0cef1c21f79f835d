"""Subscriptions through HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Client, assert_problem, publish, signed_in, subscribe


@pytest.fixture
async def market(client: Client) -> dict[str, Any]:
    """A programmer with a paid EA (magic 100) and a free one (magic 200), and a trader."""
    author, author_headers = await signed_in(client, "programmer")
    await publish(client, author_headers, magic_number=100, name="Paid", price="30")
    await publish(client, author_headers, magic_number=200, name="Free", price=0)
    trader, trader_headers = await signed_in(client)
    return {"author": author, "author_headers": author_headers, "trader": trader, "trader_headers": trader_headers}


async def test_subscribe_to_paid_is_pending_and_free_is_active(client: Client, market: dict[str, Any]) -> None:
    paid = await subscribe(client, market["trader_headers"], 100, account_number="5551234")
    free = await subscribe(client, market["trader_headers"], 200)

    assert paid["status"] == "pending"
    assert paid["expires_at"] is None
    assert paid["account_number"] == "5551234"
    assert paid["user"] == market["trader"]["email"]
    assert paid["expert"]["magic_number"] == 100
    assert set(paid["expert"]) == {"id", "magic_number", "name", "version"}
    assert free["status"] == "active"
    assert free["expires_at"] is not None


async def test_subscribe_errors(client: Client, market: dict[str, Any]) -> None:
    headers = market["trader_headers"]
    await subscribe(client, headers, 100)

    assert_problem(await client.post("/api/subscriptions/", json={"expert": 100}, headers=headers), 409, "expert")
    assert_problem(await client.post("/api/subscriptions/", json={"expert": 999}, headers=headers), 404)
    assert_problem(await client.post("/api/subscriptions/", json={"expert": 0}, headers=headers), 400, "expert")
    assert_problem(await client.post("/api/subscriptions/", json={}, headers=headers), 400, "expert")


async def test_cancel_then_subscribe_again_resumes(client: Client, market: dict[str, Any]) -> None:
    headers = market["trader_headers"]
    created = await subscribe(client, headers, 100)

    cancelled = await client.post(f"/api/subscriptions/{created['id']}/cancel/", headers=headers)
    resumed = await client.post("/api/subscriptions/", json={"expert": 100}, headers=headers)

    assert cancelled.status_code == 200
    assert cancelled.json()["cancelled_at"] is not None
    assert resumed.status_code == 200
    assert resumed.json()["id"] == created["id"]
    assert resumed.json()["cancelled_at"] is None


async def test_delete_is_cancel_and_keeps_the_record(client: Client, market: dict[str, Any]) -> None:
    headers = market["trader_headers"]
    created = await subscribe(client, headers, 200)

    assert (await client.delete(f"/api/subscriptions/{created['id']}/", headers=headers)).status_code == 204
    kept = await client.get(f"/api/subscriptions/{created['id']}/", headers=headers)

    assert kept.status_code == 200
    assert kept.json()["cancelled_at"] is not None
    assert kept.json()["status"] == "active"


async def test_list_own_and_managed(client: Client, market: dict[str, Any]) -> None:
    await subscribe(client, market["trader_headers"], 100)
    own = (await client.get("/api/subscriptions/", headers=market["trader_headers"])).json()
    managed = (await client.get("/api/subscriptions/?managed=true", headers=market["author_headers"])).json()
    author_own = (await client.get("/api/subscriptions/", headers=market["author_headers"])).json()

    assert [s["expert"]["magic_number"] for s in own["results"]] == [100]
    assert [s["user"] for s in managed["results"]] == [market["trader"]["email"]]
    assert author_own["count"] == 0
    assert_problem(await client.get("/api/subscriptions/?managed=true", headers=market["trader_headers"]), 403)


async def test_other_users_subscription_is_404_admin_sees_it(client: Client, market: dict[str, Any]) -> None:
    created = await subscribe(client, market["trader_headers"], 100)
    _, stranger = await signed_in(client)
    _, admin = await signed_in(client, "admin")
    path = f"/api/subscriptions/{created['id']}/"

    assert_problem(await client.get(path, headers=stranger), 404)
    assert_problem(await client.get(path, headers=market["author_headers"]), 404)
    assert_problem(await client.patch(path, json={"account_number": "1"}, headers=stranger), 404)
    assert_problem(await client.post(f"{path}cancel/", headers=stranger), 404)
    assert (await client.get(path, headers=admin)).status_code == 200


@pytest.mark.parametrize("subscription_id", ["not-a-uuid", "00000000-0000-0000-0000-000000000000", "123"])
async def test_malformed_or_unknown_id_is_404(client: Client, market: dict[str, Any], subscription_id: str) -> None:
    assert_problem(await client.get(f"/api/subscriptions/{subscription_id}/", headers=market["trader_headers"]), 404)


async def test_patch_binds_account_and_broker_offset(client: Client, market: dict[str, Any]) -> None:
    headers = market["trader_headers"]
    created = await subscribe(client, headers, 100)
    path = f"/api/subscriptions/{created['id']}/"

    changed = await client.patch(path, json={"account_number": 777, "broker_utc_offset": 180}, headers=headers)
    refused = await client.patch(path, json={"broker_utc_offset": 900, "account_number": "x" * 33}, headers=headers)

    assert changed.json()["account_number"] == "777"
    assert changed.json()["broker_utc_offset"] == 180
    assert_problem(refused, 400, "broker_utc_offset", "account_number")


async def test_payments_by_creator_extend_subscriber_gets_403(client: Client, market: dict[str, Any]) -> None:
    created = await subscribe(client, market["trader_headers"], 100)
    path = f"/api/subscriptions/{created['id']}/payments/"
    _, stranger = await signed_in(client, "programmer")

    first = await client.post(path, json={"paid_at": "2099-01-01", "periods": 2}, headers=market["author_headers"])
    second = await client.post(path, json={"paid_at": "2099-01-15T00:00:00Z"}, headers=market["author_headers"])

    assert first.status_code == 200
    assert first.json()["expires_at"] == "2099-03-02T00:00:00Z"
    assert second.json()["expires_at"] == "2099-04-01T00:00:00Z"
    assert second.json()["last_paid_at"] == "2099-01-15T00:00:00Z"
    assert second.json()["status"] == "active"
    assert_problem(await client.post(path, json={}, headers=market["trader_headers"]), 403)
    assert_problem(await client.post(path, json={}, headers=stranger), 404)
    assert_problem(await client.post(path, json={"periods": 0}, headers=market["author_headers"]), 400, "periods")
    assert_problem(await client.post(path, json={"paid_at": "soon"}, headers=market["author_headers"]), 400, "paid_at")
