"""Request ids and Prometheus metrics (SQLite and PostgreSQL)."""

from __future__ import annotations

import re

import pytest

from tests.api.conftest import Client, login, register


async def test_every_answer_carries_a_request_id(client: Client) -> None:
    first = await client.get("/health/")
    second = await client.get("/api/nowhere/")
    assert re.fullmatch(r"[0-9a-f]{32}", first.headers["x-request-id"])
    assert re.fullmatch(r"[0-9a-f]{32}", second.headers["x-request-id"])
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


async def test_a_sane_client_request_id_is_kept(client: Client) -> None:
    response = await client.get("/health/", headers={"X-Request-ID": "mt5-terminal.42:abc"})
    assert response.headers["x-request-id"] == "mt5-terminal.42:abc"


@pytest.mark.parametrize("given", ["has space", "x" * 200, "semi;colon", ""])
async def test_an_odd_client_request_id_is_replaced(client: Client, given: str) -> None:
    response = await client.get("/health/", headers={"X-Request-ID": given})
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"])


async def test_metrics_count_requests_by_route_template_and_status(client: Client) -> None:
    tokens = await login(client, (await register(client))["email"])
    await client.get(
        "/api/trade/00000000-0000-0000-0000-000000000000/", headers={"Authorization": f"Bearer {tokens['access']}"}
    )

    metrics = await client.get("/metrics")

    assert metrics.status_code == 200
    text = metrics.text
    assert re.search(r'tradevantage_requests_total\{[^}]*path="/api/trade/\{trade_id\}"[^}]*status_code="404"', text)
    assert "tradevantage_request_duration_seconds_bucket" in text
    assert "tradevantage_db_pool_in_use" in text
    assert "00000000-0000-0000-0000-000000000000" not in text, "ids must not become label values"


async def test_requests_no_route_matches_are_counted_without_their_paths(client: Client) -> None:
    await client.get("/api/made-up-path-7f3a/")
    await client.request("BREW", "/api/made-up-path-7f3a/")

    text = (await client.get("/metrics")).text

    assert re.search(r'tradevantage_requests_total\{[^}]*method="GET"[^}]*path="unmatched"[^}]*status_code="404"', text)
    assert re.search(r'tradevantage_requests_total\{[^}]*method="OTHER"[^}]*path="unmatched"', text)
    assert "made-up-path-7f3a" not in text, "paths clients make up must not become label values"
    assert "BREW" not in text, "methods clients make up must not become label values"


async def test_scrapes_of_the_metrics_are_not_counted(client: Client) -> None:
    await client.get("/metrics")

    text = (await client.get("/metrics")).text

    assert 'path="/metrics"' not in text
