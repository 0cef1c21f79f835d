"""Replays, byte for byte, the requests deployed MQL helper code sends (the API contract's appendix)."""

from __future__ import annotations

import pytest

from tests.api.conftest import Client, publish, register, subscribe


@pytest.fixture
async def bridge(client: Client) -> dict[str, str]:
    """author@example.com publishes EA 123 (free); two traders subscribe, as the helpers' placeholders say."""
    await register(client, email="author@example.com", role="programmer", password="secret-123")
    author = (await client.post("/api/login/", json={"email": "author@example.com", "password": "secret-123"})).json()
    expert = await publish(client, {"Authorization": f"Bearer {author['access']}"}, magic_number=123, price=0)
    for email in ("trader@example.com", "newer@example.com"):
        await register(client, email=email, password="secret-123")
        tokens = (await client.post("/api/login/", json={"email": email, "password": "secret-123"})).json()
        await subscribe(client, {"Authorization": f"Bearer {tokens['access']}"}, 123)
    return {"expert_id": expert["id"]}


async def test_deployed_helper_requests_work_and_store_the_right_values(client: Client, bridge: dict[str, str]) -> None:
    # 1. Login, body built by string concatenation; the token is read from access_token / refresh_token.
    login = await client.post(
        "/api/login/",
        content=b'{"email":"trader@example.com","password":"secret-123"}',
        headers={"Content-Type": "application/json"},
    )
    assert login.status_code == 200
    access, refresh = login.json()["access_token"], login.json()["refresh_token"]
    bearer = {"Authorization": f"Bearer {access}"}

    # 2. Subscription check with the creator's email some helpers add.
    check = await client.get("/api/trade-auth/123/?creator_email=author@example.com", headers=bearer)
    assert check.status_code == 200
    assert check.json()["status"] == "active"

    # 3. Trade opened (older helper): integer magic, lots as a JSON number, no open_time, one trailing NUL,
    #    and no Content-Type at all.
    opened = await client.post(
        "/api/trade/",
        content=b'{"ticket_number":12345678,"expert":123,"lot_size":0.10,"ticker":"EURUSD","direction":"BUY"}\x00',
        headers=bearer,
    )
    assert opened.status_code == 201, opened.text

    # 4. Newer helper: the EA's UUID as expert, broker time labelled Z, both times at once (another trader).
    newer = (await client.post("/api/login/", json={"email": "newer@example.com", "password": "secret-123"})).json()
    newer_body = (
        '{"expert":"'
        + bridge["expert_id"]
        + '","open_time":"2025-05-03T14:00:00Z","close_time":"2025-05-03T16:00:00Z",'
        '"profit":12.50,"lot_size":0.10,"ticker":"EURUSD.m","direction":"SELL","ticket_number":12345678}'
    )
    reported = await client.post(
        "/api/trade/", content=newer_body.encode(), headers={"Authorization": f"Bearer {newer['access_token']}"}
    )
    assert reported.status_code == 201, reported.text

    # 5. Trade closed with MetaTrader's time format and a negative profit, by the ticket the EA knows.
    closed = await client.patch(
        "/api/trade/ticket/12345678/", content=b'{"close_time":"2025.05.03 16:00:00","profit":-12.34}', headers=bearer
    )
    assert closed.status_code == 200, closed.text

    # 6. Token refresh; the new token is read from `access`.
    refreshed = await client.post("/api/login/refresh/", content=('{"refresh":"' + refresh + '"}').encode())
    assert refreshed.status_code == 200
    new_bearer = {"Authorization": f"Bearer {refreshed.json()['access']}"}

    stored = (await client.get("/api/trade/ticket/12345678/", headers=new_bearer)).json()
    assert {k: stored[k] for k in ("expert", "ticker", "direction", "lot_size", "profit", "close_time", "status")} == {
        "expert": 123,
        "ticker": "EURUSD",
        "direction": "BUY",
        "lot_size": "0.10",
        "profit": "-12.34",
        "close_time": "2025-05-03T16:00:00Z",
        "status": "closed",
    }
    newer_stored = reported.json()
    assert {k: newer_stored[k] for k in ("expert", "ticker", "direction", "open_time", "profit", "status")} == {
        "expert": 123,
        "ticker": "EURUSD.m",
        "direction": "SELL",
        "open_time": "2025-05-03T14:00:00Z",
        "profit": "12.50",
        "status": "closed",
    }
