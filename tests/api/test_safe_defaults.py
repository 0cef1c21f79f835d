"""Safe HTTP defaults and token expiry leeway (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from litestar.testing import AsyncTestClient

from tests.api.conftest import TEST_SECRET, Client, login, register
from tradevantage.config import Settings
from tradevantage.container import build_container
from tradevantage.entrypoints.http.app import create_app


async def test_answers_carry_security_headers_and_api_answers_are_not_cached(client: Client) -> None:
    health = await client.get("/health/")
    api = await client.get("/api/user/")
    for response in (health, api):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"
    assert api.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(("expired_ago", "status"), [(5, 200), (60, 401)])
async def test_expired_access_tokens_get_a_small_leeway(client: Client, expired_ago: int, status: int) -> None:
    user = await register(client)
    tokens = await login(client, user["email"])
    claims = jwt.decode(tokens["access"], TEST_SECRET, algorithms=["HS256"], audience="tradevantage-api")
    now = datetime.now(UTC)
    claims["iat"] = int((now - timedelta(minutes=16)).timestamp())
    claims["exp"] = int((now - timedelta(seconds=expired_ago)).timestamp())
    forged = jwt.encode(claims, TEST_SECRET, algorithm="HS256")

    response = await client.get("/api/user/", headers={"Authorization": f"Bearer {forged}"})

    assert response.status_code == status


async def test_a_token_already_accepted_is_refused_once_it_expires(client: Client) -> None:
    """Workers remember verified tokens; the expiry (with its leeway) is still checked every time."""
    user = await register(client)
    tokens = await login(client, user["email"])
    claims = jwt.decode(tokens["access"], TEST_SECRET, algorithms=["HS256"], audience="tradevantage-api")
    claims["exp"] = int(time.time()) - 7  # inside the 10 s leeway for about 3 s more (a busy machine is slow)
    headers = {"Authorization": f"Bearer {jwt.encode(claims, TEST_SECRET, algorithm='HS256')}"}

    accepted = await client.get("/api/user/", headers=headers)
    await asyncio.sleep(4.1)
    refused = await client.get("/api/user/", headers=headers)

    assert (accepted.status_code, refused.status_code) == (200, 401)


async def test_cors_answers_only_the_configured_origins(settings: Settings) -> None:
    configured = replace(settings, cors_origins=("https://app.example.com",))
    async with AsyncTestClient(app=create_app(build_container(configured))) as client:
        allowed = await client.options(
            "/api/user/",
            headers={"Origin": "https://app.example.com", "Access-Control-Request-Method": "GET"},
        )
        refused = await client.get("/health/", headers={"Origin": "https://evil.example.com"})

    assert allowed.headers["access-control-allow-origin"] == "https://app.example.com"
    assert "access-control-allow-origin" not in refused.headers


async def test_a_body_that_arrives_too_slowly_is_cut_off_with_408(settings: Settings) -> None:
    app = create_app(build_container(replace(settings, request_timeout_seconds=1)))
    chunks = [b'{"email": "slow@example.com",', b'"password": "x"}']
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if len(chunks) == 1:
            await asyncio.sleep(3)  # the client stalls mid-body
        return {"type": "http.request", "body": chunks.pop(0), "more_body": bool(len(chunks))}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/login/",
        "raw_path": b"/api/login/",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"testserver"), (b"content-type", b"application/json")],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
        "state": {},
    }
    started = time.monotonic()
    await app(scope, receive, send)  # type: ignore[arg-type]
    elapsed = time.monotonic() - started

    assert sent[0]["status"] == 408
    assert b"took too long" in sent[1]["body"]
    assert elapsed < 2.5
