"""The market of Expert Advisors through HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.api.conftest import Client, assert_problem, publish, signed_in, subscribe
from tests.factories import ExpertFactory
from tradevantage.adapters.persistence.database import create_session_factory
from tradevantage.adapters.persistence.unit_of_work import SqlUnitOfWork

MAX_MAGIC = 2**63 - 1


@pytest.fixture
async def programmer(client: Client) -> tuple[dict[str, Any], dict[str, str]]:
    return await signed_in(client, "programmer")


async def test_programmer_publishes_and_everyone_reads_it(client: Client, programmer: Any) -> None:
    author, headers = programmer
    created = await publish(
        client,
        headers,
        magic_number=123,
        name="Scalper",
        price=49.9,
        minimum_deposit="100",
        timeframes=["h1", "M5"],
        supported_pairs=["EURUSD.m", "XAUUSDm"],
        parameters={"risk": 0.5},
        file_url="https://downloads.example.com/scalper.ex5",
    )
    _, trader = await signed_in(client)

    detail = await client.get("/api/experts/123/", headers=trader)

    assert detail.status_code == 200
    assert detail.json() == created
    assert created["price"] == "49.90"
    assert created["minimum_deposit"] == "100.00"
    assert created["timeframes"] == ["M5", "H1"]
    assert created["author"] == author["full_name"]
    assert created["created_by"] == author["id"]
    assert created["download_count"] == 0
    assert created["archived"] is False
    assert created["parameters"] == {"risk": 0.5}


async def test_plain_user_creating_is_403(client: Client) -> None:
    _, headers = await signed_in(client)
    response = await client.post("/api/experts/", json={"magic_number": 1, "name": "X"}, headers=headers)
    assert_problem(response, 403)


async def test_duplicate_magic_is_409_and_names_are_unique_per_creator(client: Client, programmer: Any) -> None:
    _, headers = programmer
    _, other = await signed_in(client, "programmer")
    await publish(client, headers, magic_number=7, name="Grid")

    same_magic = await client.post("/api/experts/", json={"magic_number": 7, "name": "Other"}, headers=other)
    same_name = await client.post("/api/experts/", json={"magic_number": 8, "name": "Grid"}, headers=headers)

    assert_problem(same_magic, 409, "magic_number")
    assert_problem(same_name, 409, "name")
    await publish(client, other, magic_number=9, name="Grid")


async def test_invalid_url_and_timeframe_name_their_fields(client: Client, programmer: Any) -> None:
    _, headers = programmer
    response = await client.post(
        "/api/experts/",
        json={"magic_number": 5, "name": "X", "image_url": "javascript:alert(1)", "timeframes": ["H2"]},
        headers=headers,
    )
    assert_problem(response, 400, "image_url", "timeframes")


@pytest.mark.parametrize("magic", [MAX_MAGIC, str(MAX_MAGIC)])
async def test_largest_magic_number_is_accepted(client: Client, programmer: Any, magic: int | str) -> None:
    created = await publish(client, programmer[1], magic_number=magic)
    assert created["magic_number"] == MAX_MAGIC
    assert (await client.get(f"/api/experts/{MAX_MAGIC}/", headers=programmer[1])).status_code == 200


@pytest.mark.parametrize("magic", [MAX_MAGIC + 1, str(MAX_MAGIC + 1), 0, -3, "12a", 2**70, 1.5, True])
async def test_out_of_range_magic_numbers_are_400(client: Client, programmer: Any, magic: object) -> None:
    response = await client.post("/api/experts/", json={"magic_number": magic, "name": "X"}, headers=programmer[1])
    assert_problem(response, 400, "magic_number")


@pytest.mark.parametrize("magic", ["999", "abc", "0", "-1", str(MAX_MAGIC + 1)])
async def test_unknown_or_malformed_magic_in_the_path_is_404(client: Client, programmer: Any, magic: str) -> None:
    assert_problem(await client.get(f"/api/experts/{magic}/", headers=programmer[1]), 404)


async def test_creator_and_admin_update_others_get_403(client: Client, programmer: Any) -> None:
    _, headers = programmer
    await publish(client, headers, magic_number=11, name="A", description="first")
    _, other = await signed_in(client, "programmer")
    _, admin = await signed_in(client, "admin")

    by_other = await client.patch("/api/experts/11/", json={"version": "2.0"}, headers=other)
    by_creator = await client.patch("/api/experts/11/", json={"version": "2.0"}, headers=headers)
    by_admin = await client.put("/api/experts/11/", json={"magic_number": 11, "name": "B"}, headers=admin)

    assert_problem(by_other, 403)
    assert by_creator.json()["version"] == "2.0"
    assert by_creator.json()["description"] == "first"
    assert by_admin.status_code == 200
    assert by_admin.json()["name"] == "B"
    assert by_admin.json()["description"] == ""


async def test_put_without_required_fields_is_400(client: Client, programmer: Any) -> None:
    await publish(client, programmer[1], magic_number=12, name="A")
    response = await client.put("/api/experts/12/", json={"description": "x"}, headers=programmer[1])
    assert_problem(response, 400, "magic_number", "name")


async def test_archive_hides_it_keeps_detail_and_refuses_subscriptions(client: Client, programmer: Any) -> None:
    _, headers = programmer
    await publish(client, headers, magic_number=21, name="Old")
    _, trader = await signed_in(client)
    existing = await subscribe(client, trader, 21)
    _, _other = await signed_in(client, "programmer")

    assert_problem(await client.delete("/api/experts/21/", headers=_other), 403)
    assert (await client.delete("/api/experts/21/", headers=headers)).status_code == 204

    listed = (await client.get("/api/experts/", headers=trader)).json()
    detail = (await client.get("/api/experts/21/", headers=trader)).json()
    assert listed["count"] == 0
    assert detail["archived"] is True
    assert detail["download_count"] == 1
    _, newcomer = await signed_in(client)
    assert_problem(await client.post("/api/subscriptions/", json={"expert": 21}, headers=newcomer), 409, "expert")
    assert (await client.get(f"/api/subscriptions/{existing['id']}/", headers=trader)).status_code == 200


async def test_list_is_paginated_with_links_that_keep_the_query(client: Client, programmer: Any) -> None:
    _, headers = programmer
    for magic in (1, 2, 3):
        await publish(client, headers, magic_number=magic, name=f"Grid {magic}", version="2.0")

    first = (await client.get("/api/experts/?page_size=2&version=2.0&ordering=name", headers=headers)).json()
    second = await client.get(first["next"].replace("http://testserver.local", ""), headers=headers)

    assert first["count"] == 3
    assert [e["magic_number"] for e in first["results"]] == [1, 2]
    assert first["previous"] is None
    assert "version=2.0" in first["next"]
    assert "ordering=name" in first["next"]
    assert "page=2" in first["next"]
    assert [e["magic_number"] for e in second.json()["results"]] == [3]
    assert second.json()["count"] == 3, "a later page gives the same total"
    assert second.json()["next"] is None
    assert "page=" not in second.json()["previous"]


async def test_page_size_is_capped_at_100(client: Client, programmer: Any, engine: AsyncEngine) -> None:
    author, headers = programmer
    async with create_session_factory(engine)() as session:
        uow = SqlUnitOfWork(session)
        for expert in ExpertFactory.batch(105, created_by=author["id"]):
            await uow.experts.add(expert)
        await uow.commit()

    page = (await client.get("/api/experts/?page_size=1000", headers=headers)).json()

    assert page["count"] == 105
    assert len(page["results"]) == 100
    assert page["next"] is not None


@pytest.mark.parametrize(
    ("query", "parameter", "status"),
    [
        ("page=2", None, 404),
        ("page=9223372036854775807", None, 404),  # its offset is past what a database integer holds
        ("page=1175725224489891951280128", None, 404),
        ("page=0", "page", 400),
        ("page=abc", "page", 400),
        ("page_size=0", "page_size", 400),
        ("page_size=x", "page_size", 400),
        ("ordering=-popularity", "ordering", 400),
        ("created_at_after=yesterday", "created_at_after", 400),
        ("owned=perhaps", "owned", 400),
    ],
)
async def test_bad_list_parameters(
    client: Client, programmer: Any, query: str, parameter: str | None, status: int
) -> None:
    await publish(client, programmer[1])
    response = await client.get(f"/api/experts/?{query}", headers=programmer[1])
    if parameter:
        assert_problem(response, status, parameter)
    else:
        assert_problem(response, status)


async def test_ordering_by_download_count_follows_real_subscriptions(client: Client, programmer: Any) -> None:
    _, headers = programmer
    for magic in (31, 32, 33):
        await publish(client, headers, magic_number=magic)
    for magic, subscribers in ((31, 1), (32, 3), (33, 0)):
        for _ in range(subscribers):
            _, trader = await signed_in(client)
            await subscribe(client, trader, magic)

    descending = (await client.get("/api/experts/?ordering=-download_count", headers=headers)).json()
    ascending = (await client.get("/api/experts/?ordering=download_count", headers=headers)).json()

    assert [(e["magic_number"], e["download_count"]) for e in descending["results"]] == [(32, 3), (31, 1), (33, 0)]
    assert [e["magic_number"] for e in ascending["results"]] == [33, 31, 32]


async def test_filters(client: Client, programmer: Any) -> None:
    _, headers = programmer
    _, other = await signed_in(client, "programmer")
    await publish(client, headers, magic_number=41, name="100% Scalper", author="Ann Lee", version="1.2")
    await publish(client, headers, magic_number=42, name="Trend_follower", description="Follows 100 trends")
    await publish(client, other, magic_number=43, name="Grid", author="ann lee")

    async def magics(query: str) -> list[int]:
        response = await client.get(f"/api/experts/?ordering=name&{query}", headers=headers)
        assert response.status_code == 200, response.text
        return [e["magic_number"] for e in response.json()["results"]]

    assert await magics("search=100%25") == [41]
    assert await magics("search=d_f") == [42]
    assert await magics("search=Tren_") == [], "an underscore is no wildcard"
    assert await magics("search=100_") == [], "an underscore is no wildcard"
    assert await magics("search=TREND") == [42]
    assert await magics("author=ANN%20LEE") == [41, 43]
    assert await magics("author=Ann") == []
    assert await magics("version=1.2") == [41]
    assert await magics("owned=true") == [41, 42]
    assert await magics("created_at_after=2000-01-01&created_at_before=2999-12-31T00:00:00Z") == [41, 43, 42]
    assert await magics("created_at_before=2000-01-01") == []


async def test_list_needs_a_token(client: Client) -> None:
    response = await client.get("/api/experts/")
    assert_problem(response, 401)
