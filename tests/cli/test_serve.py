"""`tradevantage serve` as a new user runs it: a real server on a fresh SQLite file."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base: str

    def stop(self) -> list[str]:
        """SIGTERM, then the log lines; uvicorn re-raises the signal after its graceful shutdown."""
        self.process.send_signal(signal.SIGTERM)
        output, _ = self.process.communicate(timeout=30)
        assert self.process.returncode in (0, -signal.SIGTERM), output.decode()
        return output.decode().splitlines()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start(folder: Path) -> Server:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRADEVANTAGE_")}
    command = [str(Path(sys.executable).with_name("tradevantage")), "serve", "--port", str(port)]
    process = subprocess.Popen(command, cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health/").status_code == 200:
                return Server(process, base)
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    pytest.fail(f"the server did not start within 60 s: {process.communicate()[0].decode()}")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    running = start(tmp_path)
    yield running
    if running.process.poll() is None:
        running.stop()


def test_serve_creates_the_database_and_serves_accounts(server: Server, tmp_path: Path) -> None:
    with httpx.Client(base_url=server.base) as http:
        registered = http.post(
            "/api/register/", json={"email": "new@example.com", "full_name": "New", "password": "new-secret-1"}
        )
        tokens = http.post("/api/login/", json={"email": "new@example.com", "password": "new-secret-1"}).json()
        profile = http.get("/api/user/", headers={"Authorization": f"Bearer {tokens['access']}"})
        ready = http.get("/health/ready/")

    assert registered.status_code == 201
    assert profile.json()["email"] == "new@example.com"
    assert ready.status_code == 200
    assert (tmp_path / "tradevantage.db").exists()
    secret = tmp_path / ".tradevantage-secret"
    assert secret.exists()
    assert secret.stat().st_mode & 0o077 == 0, "the generated secret must be readable by its owner only"


def test_logs_are_json_lines_with_the_request_id(server: Server) -> None:
    answer = httpx.get(f"{server.base}/api/nowhere/", headers={"X-Request-ID": "trace-me-1"})
    lines = server.stop()

    records = [json.loads(line) for line in lines if line.strip()]
    requests = [r for r in records if r.get("event") == "request"]
    assert answer.headers["x-request-id"] == "trace-me-1"
    assert {"request_id": "trace-me-1", "status": 404, "path": "/api/nowhere/"}.items() <= requests[-1].items()
    assert all("timestamp" in r and "level" in r for r in records)
    assert any(r["event"] == "database pool closed" for r in records)


def test_sigterm_lets_requests_in_flight_finish(server: Server) -> None:
    credentials = {"email": "busy@example.com", "password": "busy-secret-1"}
    httpx.post(f"{server.base}/api/register/", json={**credentials, "full_name": "Busy"}).raise_for_status()

    async def logins_across_a_sigterm() -> tuple[list[int], list[str]]:
        limits = httpx.Limits(max_connections=30)
        async with httpx.AsyncClient(base_url=server.base, limits=limits, timeout=60) as http:
            in_flight = [asyncio.create_task(http.post("/api/login/", json=credentials)) for _ in range(30)]
            # All 30 are sent at once; Argon2 at full cost on one hashing thread keeps most of them
            # waiting well past this moment.
            await asyncio.sleep(0.5)
            lines = await asyncio.to_thread(server.stop)
            return [response.status_code for response in await asyncio.gather(*in_flight)], lines

    statuses, lines = asyncio.run(logins_across_a_sigterm())

    assert statuses == [200] * 30
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{server.base}/health/")
    finished_after_sigterm = lines[next(i for i, line in enumerate(lines) if "Shutting down" in line) :]
    assert any('"/api/login/"' in line for line in finished_after_sigterm), "some logins were still in flight"
    assert any('"database pool closed"' in line for line in lines)
