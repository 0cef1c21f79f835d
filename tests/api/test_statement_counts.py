"""The hot paths read in a number of SQL statements that does not grow with the data."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.api.conftest import Client, publish, report, signed_in, subscribe
from tradevantage.config import Settings
from tradevantage.container import build_container
from tradevantage.entrypoints.http.app import create_app


@contextmanager
def counted_statements(client: Client) -> Iterator[list[str]]:
    """Every statement the app's own engine sends while the block runs: through SQLAlchemy, and
    straight on asyncpg's connections (the EA bridge's check reads there)."""
    engine = client.app.state.container.engine()
    statements: list[str] = []
    logged_drivers: list[Any] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        # SQLite's explicit `BEGIN IMMEDIATE` is transaction control, not a query.
        if not statement.startswith("BEGIN"):
            statements.append(statement)

    def record_driver_query(query: Any) -> None:
        # asyncpg logs the statements sent with Connection.execute/fetch*, which SQLAlchemy does not
        # use for queries (it prepares them), so nothing is counted twice.
        if not query.query.startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            statements.append(query.query)

    def watch_driver(dbapi_connection: Any, *_args: Any) -> None:
        driver = getattr(dbapi_connection, "driver_connection", None)
        if hasattr(driver, "add_query_logger") and driver not in logged_drivers:
            driver.add_query_logger(record_driver_query)
            logged_drivers.append(driver)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    event.listen(engine.sync_engine.pool, "checkout", watch_driver)
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
        event.remove(engine.sync_engine.pool, "checkout", watch_driver)
        for driver in logged_drivers:
            driver.remove_query_logger(record_driver_query)


async def grow_market(client: Client, author_headers: dict[str, str], experts: int, subscribers: int) -> None:
    first = 1000 * experts
    for magic in range(first, first + experts):
        await publish(client, author_headers, magic_number=magic, price=0)
    for _ in range(subscribers):
        _, headers = await signed_in(client)
        await subscribe(client, headers, first)


@pytest.fixture
async def client(settings: Settings, engine: AsyncEngine) -> AsyncIterator[Client]:
    """As production runs: the token-state check is cached, so a warm request runs only its own queries."""
    app = create_app(build_container(replace(settings, token_check_cache_seconds=300)))
    async with AsyncTestClient(app=app) as client:
        yield client


async def test_trade_auth_and_list_page_statements_do_not_grow_with_rows(client: Client) -> None:
    _, author = await signed_in(client, "programmer")
    _, trader = await signed_in(client)
    await publish(client, author, magic_number=1, price=0)
    await subscribe(client, trader, 1)
    counts = []
    for experts, subscribers in ((2, 1), (12, 6)):
        await grow_market(client, author, experts, subscribers)
        await client.get("/api/trade-auth/1/", headers=trader)  # warms this token's state check
        await client.get("/api/experts/", headers=trader)
        with counted_statements(client) as auth_statements:
            assert (await client.get("/api/trade-auth/1/", headers=trader)).status_code == 200
        with counted_statements(client) as list_statements:
            page = await client.get("/api/experts/?page_size=10&ordering=-download_count", headers=trader)
            assert page.json()["count"] in (3, 15)
        counts.append((len(auth_statements), len(list_statements)))

    assert counts[0] == counts[1]
    assert counts[0][0] == 1, f"trade-auth is one query: {auth_statements}"
    assert counts[0][1] == 1, "a list page with its download counts and its total, in one statement"


async def test_a_dashboard_read_again_costs_two_small_statements(client: Client) -> None:
    """A trade list page and the statistics, read again before the history changes, reuse the
    row count and the figures kept at that revision: one statement reads the revision, one reads
    the page (or the EA names of the figures)."""
    _, author = await signed_in(client, "programmer")
    _, trader = await signed_in(client)
    await publish(client, author, magic_number=1, price=0)
    await subscribe(client, trader, 1)
    for ticket in range(1, 26):
        await report(client, trader, expert=1, ticket_number=ticket, profit="1.25", close_time="2026-01-02T10:00:00Z")
    await client.get("/api/trade/stats/", headers=trader)
    await client.get("/api/trade/?page=2", headers=trader)

    with counted_statements(client) as stats_statements:
        stats = await client.get("/api/trade/stats/", headers=trader)
    with counted_statements(client) as list_statements:
        page = await client.get("/api/trade/?page=2", headers=trader)

    assert stats.json()["net_profit"] == "31.25"
    assert page.json()["count"] == 25
    assert len(stats_statements) == 2, stats_statements
    assert len(list_statements) == 2, list_statements

    await report(client, trader, expert=1, ticket_number=26, profit="-1.25", close_time="2026-01-02T11:00:00Z")
    with counted_statements(client) as fresh_statements:
        stats = await client.get("/api/trade/stats/", headers=trader)
    assert stats.json()["net_profit"] == "30.00"
    assert len(fresh_statements) > 2, "a new trade makes the figures be computed again"


def queries(statements: list[str]) -> list[str]:
    """What the database works on: transaction control left out."""
    return [s for s in statements if s.split(None, 1)[0].upper() not in ("COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")]


async def test_the_ea_bridge_writes_in_few_statements(client: Client) -> None:
    """A new ticket: the EA with the reporter's subscription, the ticket, the insert, the revision.
    A repeat that adds nothing reads twice and writes nothing; a close by ticket reads the trade
    and its subscription, then writes the trade and the revision. No answer reads back what was
    just written."""
    _, author = await signed_in(client, "programmer")
    _, trader = await signed_in(client)
    await publish(client, author, magic_number=1, price=0)
    await subscribe(client, trader, 1)
    await report(client, trader, expert=1, ticket_number=1)

    with counted_statements(client) as new_statements:
        created = await report(client, trader, expert=1, ticket_number=2, open_time="2026-01-02T09:00:00Z")
    with counted_statements(client) as repeat_statements:
        repeated = await report(client, trader, 200, expert=1, ticket_number=2, open_time="2026-01-02T09:00:00Z")
    with counted_statements(client) as close_statements:
        closing = {"close_time": "2026-01-02T10:00:00Z", "close_price": "1.1", "profit": "12.50"}
        closed = await client.patch("/api/trade/ticket/2/", json=closing, headers=trader)

    assert created["ticket_number"] == repeated["ticket_number"] == 2
    assert created["user"] == repeated["user"] == closed.json()["user"]
    assert closed.json()["profit"] == "12.50"
    assert len(queries(new_statements)) == 4, new_statements
    assert len(queries(repeat_statements)) == 2, repeat_statements
    assert len(queries(close_statements)) == 4, close_statements
