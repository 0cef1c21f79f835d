"""Dashboard statistics against figures worked out by hand, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Client, assert_problem, publish, report, signed_in, subscribe, trader_with_free_expert

# ticket, magic, ticker, lots, close time (None: open), profit, commission, swap   -> result
TRADES = [
    (1, 1, "EURUSD", "0.10", "2025-05-01T10:00:00Z", "100.00", "-2.00", "0.00"),  # 98.00
    (2, 1, "EURUSD", "0.20", "2025-05-01T12:00:00Z", "-50.00", "-2.00", "-0.50"),  # -52.50
    (3, 2, "XAUUSD", "0.05", "2025-05-01T15:00:00Z", "30.00", "-1.00", "0.00"),  # 29.00
    (4, 1, "XAUUSD", "0.50", "2025-05-02T09:00:00Z", "-80.00", "-3.00", "1.00"),  # -82.00
    (5, 2, "EURUSD", "0.10", "2025-05-02T11:00:00Z", "20.00", "0.00", "0.00"),  # 20.00
    (6, 2, "XAUUSD", "0.01", "2025-05-02T13:00:00Z", "2.00", "-2.00", "0.00"),  # 0.00: neither win nor loss
    (7, 1, "EURUSD", "0.30", "2025-05-02T18:00:00Z", "-10.00", "-1.00", "-1.00"),  # -12.00
    (8, 2, "EURUSD", "0.15", "2025-05-03T08:00:00Z", "60.00", "-2.00", "0.50"),  # 58.50
    (9, 1, "XAUUSD", "0.25", "2025-05-03T10:00:00Z", "15.00", "-1.00", "0.00"),  # 14.00
    (10, 2, "XAUUSD", "0.40", "2025-05-03T12:00:00Z", "-25.00", "-1.00", "0.00"),  # -26.00
    (11, 1, "EURUSD", "0.10", "2025-05-03T16:00:00Z", "40.00", "-1.50", "-0.25"),  # 38.25
    (12, 2, "XAUUSD", "1.00", None, "5.00", "0.00", "0.00"),  # open
]
EXPECTED = {
    "trades": 12,
    "open_trades": 1,
    "closed_trades": 11,
    "total_lots": "3.16",
    "net_profit": "85.25",
    "gross_profit": "257.75",
    "gross_loss": "-172.50",
    "win_rate": "0.5455",  # 6 wins / 11 closed
    "profit_factor": "1.4942",  # 257.75 / 172.50
    "average_win": "42.96",  # 257.75 / 6 = 42.958...
    "average_loss": "-43.12",  # -172.50 / 4 = -43.125, half-even
    "largest_win": "98.00",
    "largest_loss": "-82.00",
    # running: 98, 45.5, 74.5, -7.5, ...: from the peak 98 down to -7.5
    "max_drawdown": "105.50",
    "by_expert": [
        {"magic_number": 2, "name": "Gold", "trades": 5, "net_profit": "81.50"},
        {"magic_number": 1, "name": "Euro", "trades": 6, "net_profit": "3.75"},
    ],
    "by_ticker": [
        {"ticker": "EURUSD", "trades": 6, "net_profit": "150.25"},
        {"ticker": "XAUUSD", "trades": 5, "net_profit": "-65.00"},
    ],
    "daily": [
        {"date": "2025-05-01", "net_profit": "74.50", "cumulative": "74.50"},
        {"date": "2025-05-02", "net_profit": "-74.00", "cumulative": "0.50"},
        {"date": "2025-05-03", "net_profit": "84.75", "cumulative": "85.25"},
    ],
}
EMPTY = {
    "trades": 0,
    "open_trades": 0,
    "closed_trades": 0,
    "total_lots": "0.00",
    "net_profit": "0.00",
    "gross_profit": "0.00",
    "gross_loss": "0.00",
    "win_rate": "0.0000",
    "profit_factor": None,
    "average_win": None,
    "average_loss": None,
    "largest_win": None,
    "largest_loss": None,
    "max_drawdown": "0.00",
    "by_expert": [],
    "by_ticker": [],
    "daily": [],
}


@pytest.fixture
async def trader(client: Client) -> dict[str, str]:
    _, author = await signed_in(client, "programmer")
    await publish(client, author, magic_number=1, name="Euro", price=0)
    await publish(client, author, magic_number=2, name="Gold", price=0)
    _, headers = await signed_in(client)
    for magic in (1, 2):
        await subscribe(client, headers, magic)
    for ticket, magic, ticker, lots, closed, profit, commission, swap in TRADES:
        await report(
            client,
            headers,
            ticket_number=ticket,
            expert=magic,
            ticker=ticker,
            lot_size=lots,
            open_time="2025-04-30T08:00:00Z",
            close_time=closed,
            profit=profit,
            commission=commission,
            swap=swap,
        )
    # Someone else's trade must never count.
    other, _, _ = await trader_with_free_expert(client, magic_number=3)
    await report(client, other, expert=3, ticket_number=1, close_time="2025-05-01T10:00:00Z", profit="1000")
    return headers


async def stats(client: Client, headers: dict[str, str], query: str = "") -> dict[str, Any]:
    response = await client.get(f"/api/trade/stats/?{query}", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_every_figure_matches_the_hand_computed_values(client: Client, trader: dict[str, str]) -> None:
    assert await stats(client, trader) == EXPECTED


async def test_filters_narrow_the_figures(client: Client, trader: dict[str, str]) -> None:
    euro = await stats(client, trader, "expert=1")
    assert (euro["trades"], euro["net_profit"], euro["win_rate"]) == (6, "3.75", "0.5000")
    day_two = await stats(client, trader, "close_time_after=2025-05-02&close_time_before=2025-05-02T23:59:59Z")
    assert (day_two["closed_trades"], day_two["net_profit"], day_two["max_drawdown"]) == (4, "-74.00", "82.00")
    open_only = await stats(client, trader, "status=open")
    assert (open_only["trades"], open_only["total_lots"], open_only["net_profit"]) == (1, "1.00", "0.00")


async def test_empty_history_gives_zeros_and_nulls(client: Client) -> None:
    _, headers = await signed_in(client)
    assert await stats(client, headers) == EMPTY


async def test_stats_with_a_bad_filter_is_400(client: Client) -> None:
    _, headers = await signed_in(client)
    assert_problem(await client.get("/api/trade/stats/?profit_min=lots", headers=headers), 400, "profit_min")
