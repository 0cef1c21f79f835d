"""When the database is unreachable, requests answer 503 quickly, never 500."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
from litestar.testing import AsyncTestClient

from tests.api.conftest import TEST_SECRET, assert_problem
from tradevantage.config import Settings
from tradevantage.container import build_container
from tradevantage.entrypoints.http.app import create_app


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers, like a hung database server."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


@pytest.mark.parametrize("port_kind", ["closed", "silent"])
async def test_login_is_503_within_seconds_when_the_database_is_down(port_kind: str, silent_port: int) -> None:
    port = 9 if port_kind == "closed" else silent_port
    settings = Settings(
        database_url=f"postgresql+asyncpg://nobody@127.0.0.1:{port}/none", environment="test", jwt_secret=TEST_SECRET
    )
    async with AsyncTestClient(app=create_app(build_container(settings))) as client:
        started = time.monotonic()
        response = await client.post("/api/login/", json={"email": "a@example.com", "password": "secret-123"})
        elapsed = time.monotonic() - started
        ready = await client.get("/health/ready/")

    assert_problem(response, 503)
    assert response.headers["retry-after"] == "5"
    assert elapsed < 5
    assert_problem(ready, 503)
