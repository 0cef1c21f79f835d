"""Input and races found to break market, subscriptions or trades once (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.api.conftest import (
    Client,
    assert_problem,
    publish,
    report,
    signed_in,
    subscribe,
    trader_with_free_expert,
)

TRADE = {"expert": 123, "ticket_number": 1, "ticker": "EURUSD", "direction": "BUY", "lot_size": "0.1"}


async def test_concurrent_payments_all_count(client: Client) -> None:
    _, author = await signed_in(client, "programmer")
    await publish(client, author, magic_number=5, price=10)
    _, trader = await signed_in(client)
    subscription = await subscribe(client, trader, 5)
    path = f"/api/subscriptions/{subscription['id']}/payments/"
    first = await client.post(path, json={"paid_at": "2099-01-01"}, headers=author)

    payments = await asyncio.gather(*(client.post(path, json={}, headers=author) for _ in range(20)))

    assert {p.status_code for p in payments} == {200}
    final = (await client.get(f"/api/subscriptions/{subscription['id']}/", headers=trader)).json()
    assert first.json()["expires_at"] == "2099-01-31T00:00:00Z"
    assert final["expires_at"] == "2100-09-23T00:00:00Z", "21 periods of 30 days from 2099-01-01"


async def test_a_close_is_never_lost_to_concurrent_corrections(client: Client) -> None:
    headers, _, _ = await trader_with_free_expert(client)
    for ticket in range(1, 6):
        await report(client, headers, ticket_number=ticket, open_time="2025-05-01T00:00:00Z")
        await asyncio.gather(
            client.patch(f"/api/trade/ticket/{ticket}/", json={"comment": "note", "stop_loss": "1.1"}, headers=headers),
            client.post(
                "/api/trade/",
                json={**TRADE, "ticket_number": ticket, "close_time": "2025-05-01T02:00:00Z", "profit": "7.5"},
                headers=headers,
            ),
            client.patch(f"/api/trade/ticket/{ticket}/", json={"take_profit": "1.3"}, headers=headers),
        )
        stored = (await client.get(f"/api/trade/ticket/{ticket}/", headers=headers)).json()
        kept = {k: stored[k] for k in ("close_time", "profit", "comment", "stop_loss", "take_profit")}
        assert kept == {
            "close_time": "2025-05-01T02:00:00Z",
            "profit": "7.50",
            "comment": "note",
            "stop_loss": "1.10",
            "take_profit": "1.30",
        }


async def test_a_repeat_with_nulls_does_not_reopen_a_closed_trade(client: Client) -> None:
    headers, _, _ = await trader_with_free_expert(client)
    await report(client, headers, ticket_number=1, close_time="2025-05-01T02:00:00Z", profit=10)
    repeat = await client.post("/api/trade/", json={**TRADE, "close_time": None, "profit": None}, headers=headers)
    assert repeat.status_code == 200
    assert (repeat.json()["status"], repeat.json()["profit"]) == ("closed", "10.00")


async def test_stats_stay_exact_past_64_bit_totals(client: Client) -> None:
    headers, _, _ = await trader_with_free_expert(client)
    largest = "9999999999.99999999"
    for ticket in range(1, 13):
        await report(
            client, headers, ticket_number=ticket, lot_size=largest, profit=largest, close_time="2025-05-01T02:00:00Z"
        )
    stats = (await client.get("/api/trade/stats/", headers=headers)).json()
    assert stats["net_profit"] == "119999999999.99999988"
    assert stats["total_lots"] == "119999999999.99999988"
    assert stats["daily"][0]["cumulative"] == "119999999999.99999988"
    assert stats["max_drawdown"] == "0.00"


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"open_time": "0001-01-01T00:00:00+01:00"}, "open_time"),
        ({"open_time": "9999-12-31T23:59:59-01:00"}, "open_time"),
        ({"close_time": "0001-01-01T00:00:00+00:01"}, "close_time"),
        ({"ticket_number": "²"}, "ticket_number"),
        ({"ticket_number": "١٢٣"}, "ticket_number"),
        ({"account_number": "a\u0001b"}, "account_number"),
        ({"ticker": "\u200b"}, "ticker"),
        ({"ticker": "x\u202eY"}, "ticker"),
    ],
)
async def test_odd_trade_values_are_400(client: Client, fields: dict[str, Any], bad: str) -> None:
    headers, _, _ = await trader_with_free_expert(client)
    body = assert_problem(await client.post("/api/trade/", json={**TRADE, **fields}, headers=headers), 400, bad)
    assert "invalid literal" not in str(body)


async def test_dates_near_the_limits_in_payments_and_filters_are_400(client: Client) -> None:
    headers, _, subscription = await trader_with_free_expert(client)
    _, admin = await signed_in(client, "admin")
    path = f"/api/subscriptions/{subscription['id']}/payments/"
    assert_problem(await client.post(path, json={"paid_at": "9999-12-20"}, headers=admin), 400, "paid_at")
    far = "0001-01-01T00:00:00%2B01:00"
    assert_problem(await client.get(f"/api/trade/?close_time_after={far}", headers=headers), 400, "close_time_after")
    assert_problem(await client.get(f"/api/experts/?created_at_after={far}", headers=headers), 400, "created_at_after")


@pytest.mark.parametrize(
    "query",
    [
        "/api/experts/?search=%00",
        "/api/experts/?author=a%00b",
        "/api/trade/?ticker=%00",
        "/api/trade/stats/?account_number=%00",
    ],
)
async def test_nul_in_a_text_filter_is_400(client: Client, query: str) -> None:
    _, headers = await signed_in(client)
    assert_problem(await client.get(query, headers=headers), 400)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b'{"magic_number":9,"name":"P","parameters":{"x":1e400}}', "parameters"),
        (b'{"magic_number":9,"name":"P","file_url":"https://example.com/\\u0001"}', "file_url"),
        (b'{"magic_number":9,"name":"P","file_url":"http://exa mple.com/"}', "file_url"),
        (b'{"magic_number":9,"name":"P","image_url":"http://127.0.0.1:99999/"}', "image_url"),
        (b'{"magic_number":9,"name":"P","supported_pairs":["\\u200b"]}', "supported_pairs"),
    ],
)
async def test_odd_expert_values_are_400(client: Client, body: bytes, field: str) -> None:
    _, author = await signed_in(client, "programmer")
    assert_problem(await client.post("/api/experts/", content=body, headers=author), 400, field)


async def test_case_insensitive_filters_fold_every_letter(client: Client) -> None:
    headers, _, _ = await trader_with_free_expert(client)
    await report(client, headers, ticket_number=1, ticker="ЕВРО.Ä")
    _, author = await signed_in(client, "programmer")
    await publish(client, author, magic_number=77, author="Ärger Ünicode")

    for query in ("ticker=ЕВРО.Ä", "ticker=евро.ä"):
        assert (await client.get(f"/api/trade/?{query}", headers=headers)).json()["count"] == 1
    for query in ("author=ärger ünicode", "search=ärger", "search=ÄRGER"):
        assert (await client.get(f"/api/experts/?{query}", headers=headers)).json()["count"] == 1


async def test_a_blank_creator_email_means_none_was_given(client: Client) -> None:
    headers, _, _ = await trader_with_free_expert(client)
    for blank in ("", "%20"):
        assert (await client.get(f"/api/trade-auth/123/?creator_email={blank}", headers=headers)).status_code == 200


async def test_a_lone_surrogate_is_not_called_a_truncated_body(client: Client) -> None:
    _, author = await signed_in(client, "programmer")
    response = await client.post("/api/experts/", content=b'{"name":"x","description":"\\ud83d"}', headers=author)
    assert "invalid \\u escape" in assert_problem(response, 400)["detail"]
