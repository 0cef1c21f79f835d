"""Trade reporting, correction and history through HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.api.conftest import (
    Client,
    assert_problem,
    publish,
    report,
    signed_in,
    subscribe,
    trader_with_free_expert,
)
from tradevantage.adapters.persistence.models import SubscriptionRow, TradeRow

MAX_ID = 2**63 - 1


async def report_raw(client: Client, headers: dict[str, str], **fields: Any) -> Any:
    body = {"expert": 8, "ticker": "EURUSD", "direction": "BUY", "lot_size": "0.1", **fields}
    return await client.post("/api/trade/", json=body, headers=headers)


@pytest.fixture
async def trader(client: Client) -> dict[str, str]:
    headers, _, _ = await trader_with_free_expert(client)
    return headers


async def test_first_report_is_201_with_location_and_server_open_time(client: Client, trader: dict[str, str]) -> None:
    response = await client.post(
        "/api/trade/",
        json={"ticket_number": 1001, "expert": 123, "lot_size": 0.1, "ticker": "EURUSD.m", "direction": "buy"},
        headers=trader,
    )

    assert response.status_code == 201
    body = response.json()
    assert response.headers["location"] == f"/api/trade/{body['id']}/"
    assert body["lot_size"] == "0.10"
    assert body["direction"] == "BUY"
    assert body["ticker"] == "EURUSD.m"
    assert body["status"] == "open"
    assert body["profit"] == "0.00"
    assert body["open_time"].endswith("Z")
    assert (await client.get(response.headers["location"], headers=trader)).json() == body


async def test_repeat_is_200_and_applies_closing_fields(client: Client, trader: dict[str, str]) -> None:
    first = await report(client, trader, ticket_number=1002, open_time="2025-05-03T14:00:00Z")
    repeat = await report(
        client,
        trader,
        expected=200,
        ticket_number=1002,
        direction="0",
        lot_size=0.1,
        open_time="2025.05.03 14:00",
        close_time="2025-05-03T16:00:00Z",
        profit="12.5",
        commission=-0.7,
        swap="-0.1",
        stop_loss=1.2,
    )

    assert repeat["id"] == first["id"]
    assert repeat["status"] == "closed"
    assert (repeat["profit"], repeat["commission"], repeat["swap"]) == ("12.50", "-0.70", "-0.10")
    assert repeat["stop_loss"] is None, "a repeat applies closing fields only"


async def test_contradicting_repeat_is_409_naming_the_fields(client: Client, trader: dict[str, str]) -> None:
    await report(client, trader, ticket_number=1003, open_time="2025-05-03T14:00:00Z")
    response = await client.post(
        "/api/trade/",
        json={
            "ticket_number": 1003,
            "expert": 123,
            "ticker": "GBPUSD",
            "direction": "SELL",
            "lot_size": "0.2",
            "open_time": "2025-05-03T15:00:00Z",
        },
        headers=trader,
    )
    assert_problem(response, 409, "ticker", "direction", "lot_size", "open_time")


async def test_reporting_needs_an_active_subscription(client: Client) -> None:
    _, author = await signed_in(client, "programmer")
    await publish(client, author, magic_number=7, price=10)
    _, subscribed = await signed_in(client)
    await subscribe(client, subscribed, 7)
    _, stranger = await signed_in(client)
    body = {"ticket_number": 5, "expert": 7, "ticker": "EURUSD", "direction": "BUY", "lot_size": 1}

    assert_problem(await client.post("/api/trade/", json=body, headers=subscribed), 403)
    assert_problem(await client.post("/api/trade/", json=body, headers=stranger), 403)
    assert_problem(await client.post("/api/trade/", json={**body, "expert": 999}, headers=stranger), 404)
    unknown_id = {**body, "expert": "00000000-0000-0000-0000-000000000000"}
    assert_problem(await client.post("/api/trade/", json=unknown_id, headers=stranger), 404)


async def test_closing_after_the_subscription_lapsed_still_works(client: Client, engine: AsyncEngine) -> None:
    _, author = await signed_in(client, "programmer")
    await publish(client, author, magic_number=8, price=10)
    _, trader = await signed_in(client)
    subscription = await subscribe(client, trader, 8)
    payments = f"/api/subscriptions/{subscription['id']}/payments/"
    await client.post(payments, json={"paid_at": "2099-01-01"}, headers=author)
    opened = await report(client, trader, expert=8, ticket_number=77)
    # End the subscription (a payment can only extend one), so it is no longer active.
    async with engine.begin() as connection:
        await connection.execute(update(SubscriptionRow).values(expires_at=datetime(2000, 1, 1, tzinfo=UTC)))
    assert_problem(await report_raw(client, trader, ticket_number=78), 403)

    closed = await client.patch("/api/trade/ticket/77/", json={"close_time": "2099-01-02T00:00:00Z"}, headers=trader)
    repeat = await client.post(
        "/api/trade/",
        json={"ticket_number": 77, "expert": 8, "ticker": "EURUSD", "direction": "BUY", "lot_size": "0.1", "profit": 3},
        headers=trader,
    )

    assert closed.status_code == 200
    assert closed.json()["id"] == opened["id"]
    assert repeat.status_code == 200
    assert repeat.json()["profit"] == "3.00"


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"ticket_number": 0}, "ticket_number"),
        ({"ticket_number": MAX_ID + 1}, "ticket_number"),
        ({"ticket_number": "12a"}, "ticket_number"),
        ({"lot_size": 0}, "lot_size"),
        ({"lot_size": "NaN"}, "lot_size"),
        ({"lot_size": "0.123456789"}, "lot_size"),
        ({"direction": "LONG"}, "direction"),
        ({"direction": 2}, "direction"),
        ({"ticker": "EUR USD"}, "ticker"),
        ({"ticker": "X" * 33}, "ticker"),
        ({"expert": 0}, "expert"),
        ({"open_time": "yesterday"}, "open_time"),
        ({"profit": "Infinity"}, "profit"),
        ({"profit": 1e30}, "profit"),
    ],
)
async def test_bad_reports_are_400_naming_the_field(
    client: Client, trader: dict[str, str], fields: dict[str, Any], bad: str
) -> None:
    body = {"ticket_number": 42, "expert": 123, "ticker": "EURUSD", "direction": "BUY", "lot_size": "0.1", **fields}
    assert_problem(await client.post("/api/trade/", json=body, headers=trader), 400, bad)


async def test_missing_required_fields_are_named(client: Client, trader: dict[str, str]) -> None:
    response = await client.post("/api/trade/", json={"expert": 123}, headers=trader)
    assert_problem(response, 400, "ticket_number", "ticker", "direction", "lot_size")


async def test_largest_ticket_and_expert_by_uuid(client: Client) -> None:
    headers, expert, _ = await trader_with_free_expert(client)
    created = await report(client, headers, ticket_number=str(MAX_ID), expert=expert["id"])
    assert created["ticket_number"] == MAX_ID
    assert created["expert"] == 123
    assert (await client.get(f"/api/trade/ticket/{MAX_ID}/", headers=headers)).status_code == 200


async def test_close_before_open_is_400_unless_the_server_stamped_the_open(
    client: Client, trader: dict[str, str]
) -> None:
    await report(client, trader, ticket_number=1, open_time="2025-05-03T14:00:00Z")
    await report(client, trader, ticket_number=2)
    early = {"close_time": "2025-05-03T13:00:00Z"}

    assert_problem(await client.patch("/api/trade/ticket/1/", json=early, headers=trader), 400, "close_time")
    assert (await client.patch("/api/trade/ticket/2/", json=early, headers=trader)).status_code == 200
    body = {"ticket_number": 3, "expert": 123, "ticker": "EURUSD", "direction": "BUY", "lot_size": "0.1"}
    both = {**body, "open_time": "2025-05-03T14:00:00Z", "close_time": "2025-05-03T13:00:00Z"}
    assert_problem(await client.post("/api/trade/", json=both, headers=trader), 400, "close_time")


async def test_updates_may_restate_fixed_fields_in_any_spelling_never_change_them(
    client: Client, trader: dict[str, str]
) -> None:
    created = await report(client, trader, ticket_number=9, lot_size="0.10", open_time="2025-05-03T14:00:00Z")
    path = f"/api/trade/{created['id']}/"
    restated = {
        "expert": "123",
        "ticket_number": "9",
        "ticker": "EURUSD",
        "direction": 0,
        "lot_size": 0.1,
        "open_time": "2025-05-03T16:00:00+02:00",
        "comment": "moved SL",
        "stop_loss": "1.07",
    }

    ok = await client.patch(path, json=restated, headers=trader)
    changed = await client.patch(path, json={"ticker": "GBPUSD", "lot_size": "0.2"}, headers=trader)

    assert ok.status_code == 200
    assert ok.json()["comment"] == "moved SL"
    assert ok.json()["stop_loss"] == "1.07"
    assert_problem(changed, 400, "ticker", "lot_size")


async def test_put_replaces_editable_fields(client: Client, trader: dict[str, str]) -> None:
    created = await report(client, trader, ticket_number=10, comment="first", profit=5)
    full = {"expert": 123, "ticket_number": 10, "ticker": "EURUSD", "direction": "BUY", "lot_size": "0.1"}

    replaced = await client.put(f"/api/trade/{created['id']}/", json={**full, "swap": -1}, headers=trader)
    partial = await client.put(f"/api/trade/{created['id']}/", json={"comment": "x"}, headers=trader)

    assert replaced.status_code == 200
    assert (replaced.json()["comment"], replaced.json()["profit"], replaced.json()["swap"]) == ("", "0.00", "-1.00")
    assert_problem(partial, 400, "expert", "ticket_number", "ticker", "direction", "lot_size")


async def test_other_users_trades_are_404(client: Client, trader: dict[str, str]) -> None:
    created = await report(client, trader, ticket_number=11)
    other, _, _ = await trader_with_free_expert(client, magic_number=124)

    assert_problem(await client.get(f"/api/trade/{created['id']}/", headers=other), 404)
    assert_problem(await client.patch(f"/api/trade/{created['id']}/", json={"profit": 1}, headers=other), 404)
    assert_problem(await client.get("/api/trade/ticket/11/", headers=other), 404)
    assert_problem(await client.patch("/api/trade/ticket/11/", json={"profit": 1}, headers=other), 404)


@pytest.mark.parametrize("path", ["/api/trade/not-a-uuid/", "/api/trade/ticket/abc/", "/api/trade/ticket/0/"])
async def test_malformed_references_are_404(client: Client, trader: dict[str, str], path: str) -> None:
    assert_problem(await client.get(path, headers=trader), 404)


async def test_delete_is_405_with_allow(client: Client, trader: dict[str, str]) -> None:
    created = await report(client, trader, ticket_number=12)
    response = await client.delete(f"/api/trade/{created['id']}/", headers=trader)
    assert_problem(response, 405)
    assert "DELETE" not in response.headers["allow"]
    assert "GET" in response.headers["allow"]


async def test_naive_times_are_broker_time_of_the_subscription(client: Client) -> None:
    headers, _, subscription = await trader_with_free_expert(client)
    await client.patch(f"/api/subscriptions/{subscription['id']}/", json={"broker_utc_offset": 180}, headers=headers)

    naive = await report(client, headers, ticket_number=20, open_time="2025.05.03 17:00:00")
    explicit = await report(client, headers, ticket_number=21, open_time="2025-05-03T17:00:00Z")
    closed = await client.patch("/api/trade/ticket/20/", json={"close_time": "2025-05-03T19:30:00"}, headers=headers)

    assert naive["open_time"] == "2025-05-03T14:00:00Z"
    assert explicit["open_time"] == "2025-05-03T17:00:00Z"
    assert closed.json()["close_time"] == "2025-05-03T16:30:00Z"


async def test_windows_1252_symbol_and_comment_survive(client: Client, trader: dict[str, str]) -> None:
    body = '{"ticket_number":30,"expert":123,"ticker":"EURUSD.£","direction":"BUY","lot_size":0.1,"comment":"€ hedge"}'
    response = await client.post("/api/trade/", content=body.encode("cp1252"), headers=trader)
    assert response.status_code == 201
    assert (response.json()["ticker"], response.json()["comment"]) == ("EURUSD.£", "€ hedge")


async def test_concurrent_reports_of_one_ticket_make_one_row(
    client: Client, trader: dict[str, str], engine: AsyncEngine
) -> None:
    body = {"ticket_number": 555, "expert": 123, "ticker": "EURUSD", "direction": "BUY", "lot_size": "0.1"}

    responses = await asyncio.gather(*(client.post("/api/trade/", json=body, headers=trader) for _ in range(30)))

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] * 29 + [201], statuses
    assert len({r.json()["id"] for r in responses}) == 1
    async with engine.connect() as connection:
        assert await connection.scalar(select(func.count()).select_from(TradeRow)) == 1


async def test_list_filters_ordering_and_pages(client: Client, trader: dict[str, str]) -> None:
    await report(client, trader, ticket_number=1, ticker="EURUSD", open_time="2025-05-01T10:00:00Z", profit=5)
    await report(client, trader, ticket_number=2, ticker="xauusd", direction="SELL", open_time="2025-05-02T10:00:00Z")
    await report(
        client, trader, ticket_number=3, open_time="2025-05-03T10:00:00Z", close_time="2025-05-03T12:00:00Z", profit=-2
    )

    async def tickets(query: str = "") -> list[int]:
        response = await client.get(f"/api/trade/?{query}", headers=trader)
        assert response.status_code == 200, response.text
        return [t["ticket_number"] for t in response.json()["results"]]

    assert await tickets() == [3, 2, 1]
    assert await tickets("ordering=open_time") == [1, 2, 3]
    by_close = await tickets("ordering=-close_time")
    assert by_close[0] == 3, "open trades (no close_time) come last"
    assert sorted(by_close[1:]) == [1, 2]
    assert await tickets("ordering=profit") == [3, 2, 1]
    assert await tickets("ticker=XAUUSD") == [2]
    assert await tickets("direction=sell") == [2]
    assert await tickets("status=closed") == [3]
    assert await tickets("status=open") == [2, 1]
    assert await tickets("expert=123") == [3, 2, 1]
    assert await tickets("expert=999") == []
    assert await tickets("open_time_after=2025-05-02&open_time_before=2025-05-02T10:00:00Z") == [2]
    assert await tickets("close_time_after=2025-05-03") == [3]
    assert await tickets("profit_min=0&profit_max=5") == [2, 1]
    assert await tickets("lot_size_min=0.1&lot_size_max=0.1") == [3, 2, 1]
    page = (await client.get("/api/trade/?page_size=2&ticker=EURUSD", headers=trader)).json()
    assert page["count"] == 2
    assert page["next"] is None


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("direction=LONG", "direction"),
        ("status=pending", "status"),
        ("profit_min=abc", "profit_min"),
        ("lot_size_max=NaN", "lot_size_max"),
        ("expert=abc", "expert"),
        ("open_time_after=soon", "open_time_after"),
        ("ordering=ticker", "ordering"),
        ("page=0", "page"),
    ],
)
async def test_bad_filters_name_the_parameter(
    client: Client, trader: dict[str, str], query: str, parameter: str
) -> None:
    assert_problem(await client.get(f"/api/trade/?{query}", headers=trader), 400, parameter)


async def test_page_past_the_end_is_404(client: Client, trader: dict[str, str]) -> None:
    await report(client, trader, ticket_number=1)
    assert_problem(await client.get("/api/trade/?page=2", headers=trader), 404)
