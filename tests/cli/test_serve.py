"""`tradevantage serve` as a new user runs it: a real server on a fresh SQLite file."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRADEVANTAGE_")}
    command = [str(Path(sys.executable).with_name("tradevantage")), "serve", "--port", str(port)]
    process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/health/").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("the server did not start within 30 s")
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
        # uvicorn finishes its graceful shutdown, then re-raises SIGTERM so the exit status tells why it stopped.
        assert process.returncode in (0, -signal.SIGTERM), output.decode()
        assert b"Application shutdown complete" in output


def test_serve_creates_the_database_and_serves_accounts(server: str, tmp_path: Path) -> None:
    with httpx.Client(base_url=server) as http:
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
