"""PostgreSQL going away and coming back, through a proxy the test can cut: 503 within 2 s, readiness 503,
and service resumes without a restart, with nothing that was acknowledged missing."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.api.conftest import Client, assert_problem, report, signed_in, trader_with_free_expert
from tradevantage.config import Settings
from tradevantage.container import build_container
from tradevantage.entrypoints.http.app import create_app


class CuttableProxy:
    """A TCP proxy to PostgreSQL whose connections can all be cut, and new ones refused, at will.

    It runs its own event loop in a thread: the test client blocks the test's loop while the app serves.
    """

    def __init__(self, target_host: str, target_port: int) -> None:
        self._target = (target_host, target_port)
        self._server: asyncio.Server | None = None
        self._links: set[asyncio.StreamWriter] = set()
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()

    def start(self) -> None:
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=5)

    def cut(self) -> None:
        asyncio.run_coroutine_threadsafe(self._cut(), self._loop).result(timeout=5)

    def close(self) -> None:
        self.cut()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _cut(self) -> None:
        """Close the listener and every open connection: like the database host going away."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for writer in list(self._links):
            writer.transport.abort()
        self._links.clear()

    async def _serve(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        server_reader, server_writer = await asyncio.open_connection(*self._target)
        self._links |= {client_writer, server_writer}

        async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            with contextlib.suppress(ConnectionError, OSError):
                while data := await reader.read(65536):
                    writer.write(data)
                    await writer.drain()
            writer.transport.abort()

        await asyncio.gather(pipe(client_reader, server_writer), pipe(server_reader, client_writer))


@pytest.fixture
async def proxied(settings: Settings, engine: AsyncEngine) -> AsyncIterator[tuple[Client, CuttableProxy]]:
    url = make_url(settings.database_url)
    if url.get_backend_name() != "postgresql":
        pytest.skip("an outage of a database server: PostgreSQL only")
    proxy = CuttableProxy(url.host or "127.0.0.1", url.port or 5432)
    proxy.start()
    through_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    app = create_app(build_container(replace(settings, database_url=through_proxy)))
    async with AsyncTestClient(app=app) as client:
        yield client, proxy
    proxy.close()


async def test_an_outage_answers_503_fast_and_service_resumes_with_nothing_lost(
    proxied: tuple[Client, CuttableProxy],
) -> None:
    client, proxy = proxied
    headers, _, _ = await trader_with_free_expert(client)
    acknowledged = [await report(client, headers, ticket_number=ticket) for ticket in (1, 2, 3)]
    assert (await client.get("/api/trade-auth/123/", headers=headers)).status_code == 200

    proxy.cut()
    started = time.monotonic()
    during = await client.post(
        "/api/trade/",
        json={"expert": 123, "ticket_number": 4, "ticker": "EURUSD", "direction": "BUY", "lot_size": "0.1"},
        headers=headers,
    )
    elapsed = time.monotonic() - started
    started = time.monotonic()
    check_during = await client.get("/api/trade-auth/123/", headers=headers)
    check_elapsed = time.monotonic() - started
    ready_during = await client.get("/health/ready/")
    live_during = await client.get("/health/")

    assert_problem(during, 503)
    assert elapsed < 2, f"answered after {elapsed:.2f} s"
    assert_problem(check_during, 503)
    assert check_elapsed < 2, f"the EA bridge's check answered after {check_elapsed:.2f} s"
    assert_problem(ready_during, 503)
    assert live_during.status_code == 200

    proxy.start()
    for _ in range(20):
        if (await client.get("/health/ready/")).status_code == 200:
            break
        await asyncio.sleep(0.2)
    assert (await client.get("/api/trade-auth/123/", headers=headers)).status_code == 200, "no stale connection"
    after = (await client.get("/api/trade/?page_size=100", headers=headers)).json()

    assert {t["id"] for t in acknowledged} <= {t["id"] for t in after["results"]}
    assert 4 not in {t["ticket_number"] for t in after["results"]}, "a 503 stored nothing"
    _, newcomer = await signed_in(client)
    assert (await client.get("/api/experts/", headers=newcomer)).status_code == 200
