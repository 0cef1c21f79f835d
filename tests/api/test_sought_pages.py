"""Pages read from a bookmark (a page read again, or the next one) are the pages an offset reads."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Client, publish, report, signed_in, subscribe
from tests.api.test_statement_counts import client, counted_statements

__all__ = ["client"]  # the fixture, as production runs the app

ORDERINGS = ["-open_time", "open_time", "profit", "-profit", "lot_size", "-lot_size"]


async def ids(client: Client, headers: dict[str, str], ordering: str, page: int, size: int) -> list[str]:
    response = await client.get(f"/api/trade/?ordering={ordering}&page={page}&page_size={size}", headers=headers)
    assert response.status_code == 200, response.text
    return [trade["id"] for trade in response.json()["results"]]


async def history_with_ties(client: Client) -> dict[str, str]:
    """23 trades, several sharing an open time, a profit or a lot size, so ties are broken by id."""
    _, author = await signed_in(client, "programmer")
    _, trader = await signed_in(client)
    await publish(client, author, magic_number=7, price=0)
    await subscribe(client, trader, 7)
    for ticket in range(1, 24):
        fields: dict[str, Any] = {
            "open_time": f"2026-03-{1 + ticket % 5:02d}T10:00:00Z",
            "close_time": "2026-03-09T10:00:00Z",
            "profit": f"{ticket % 4}.50",
            "lot_size": f"0.{1 + ticket % 3}0",
        }
        await report(client, trader, expert=7, ticket_number=ticket, **fields)
    return trader


@pytest.mark.parametrize("ordering", ORDERINGS)
async def test_pages_read_forwards_again_and_backwards_are_the_offset_pages(client: Client, ordering: str) -> None:
    trader = await history_with_ties(client)
    everything = await ids(client, trader, ordering, 1, 100)

    forwards = [await ids(client, trader, ordering, page, 4) for page in range(1, 7)]
    with counted_statements(client) as statements:
        again = [await ids(client, trader, ordering, page, 4) for page in range(1, 7)]
    backwards = [await ids(client, trader, ordering, page, 4) for page in range(6, 0, -1)]

    assert len(everything) == 23
    assert [trade for page in forwards for trade in page] == everything
    assert again == forwards
    assert backwards == forwards[::-1]
    sought = [s for s in statements if "trades.id) <=" in s or "trades.id) >=" in s]
    assert len(sought) == 6, "each page read again is sought from its bookmark"


async def test_a_new_trade_moves_the_pages_and_no_bookmark_survives_it(client: Client) -> None:
    trader = await history_with_ties(client)
    before = [await ids(client, trader, "-open_time", page, 4) for page in (1, 2, 3)]
    await report(client, trader, expert=7, ticket_number=99, open_time="2026-03-08T10:00:00Z")

    after = [await ids(client, trader, "-open_time", page, 4) for page in (1, 2, 3)]
    newest = (await client.get("/api/trade/?page_size=1", headers=trader)).json()["results"][0]

    assert newest["ticket_number"] == 99
    assert after[0][0] == newest["id"]
    assert [trade for page in after for trade in page][1:] == [trade for page in before for trade in page][:-1]


async def test_a_list_filtered_by_magic_number_follows_the_ea_when_its_number_changes(client: Client) -> None:
    """What a worker kept for `expert=M` belongs to the EA M named then: once its author gives it another
    number, `expert=M` matches nothing and the new number matches its trades."""
    _, author = await signed_in(client, "programmer")
    _, trader = await signed_in(client)
    await publish(client, author, magic_number=41, price=0)
    await subscribe(client, trader, 41)
    for ticket in (100, 101, 102):
        await report(client, trader, expert=41, ticket_number=ticket, close_time="2026-03-09T10:00:00Z", profit="10")

    async def counts(magic: int) -> tuple[int, int, int]:
        listed = (await client.get(f"/api/trade/?expert={magic}", headers=trader)).json()
        stats = (await client.get(f"/api/trade/stats/?expert={magic}", headers=trader)).json()
        return listed["count"], len(listed["results"]), stats["trades"]

    assert await counts(41) == (3, 3, 3)
    assert await counts(42) == (0, 0, 0)
    renumbered = await client.patch("/api/experts/41/", json={"magic_number": 42}, headers=author)
    assert renumbered.status_code == 200, renumbered.text

    assert await counts(41) == (0, 0, 0)
    assert await counts(42) == (3, 3, 3)
