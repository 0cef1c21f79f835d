"""Property-based fuzzing of the whole API from its own OpenAPI schema: no 5xx, and every answer has a
documented status, content type and shape. Bounded: a few examples per operation, against a real server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.cli.test_serve import free_port
from tradevantage.config import Settings
from tradevantage.container import build_container
from tradevantage.entrypoints.http.app import create_app

EXAMPLES_PER_OPERATION = int(os.environ.get("TRADEVANTAGE_FUZZ_EXAMPLES", "15"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def fuzzed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A real server on a fresh SQLite file, with a programmer, an EA (magic 123), a subscription and a trade,
    so that fuzzed ids and magic numbers sometimes find something."""
    folder = tmp_path_factory.mktemp("fuzz")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRADEVANTAGE_")}
    env |= {"TRADEVANTAGE_REGISTRATIONS_PER_CLIENT": "100000", "TRADEVANTAGE_FAILED_LOGINS_PER_CLIENT": "100000"}
    command = [str(Path(sys.executable).with_name("tradevantage")), "serve", "--port", str(port)]
    process = subprocess.Popen(command, cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{base}/health/").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        credentials = {"email": "fuzz@example.com", "password": "fuzz-secret-1"}
        httpx.post(f"{base}/api/register/", json={**credentials, "full_name": "Fuzz", "role": "programmer"})
        token = httpx.post(f"{base}/api/login/", json=credentials).json()["access"]
        headers = {"Authorization": f"Bearer {token}"}
        httpx.post(f"{base}/api/experts/", json={"magic_number": 123, "name": "Fuzzed", "price": 0}, headers=headers)
        httpx.post(f"{base}/api/subscriptions/", json={"expert": 123}, headers=headers)
        body = {"expert": 123, "ticket_number": 1, "ticker": "EURUSD", "direction": "BUY", "lot_size": "0.1"}
        httpx.post(f"{base}/api/trade/", json=body, headers=headers)
        yield {"base": base, "headers": headers}
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def _documented_schema() -> dict[str, Any]:
    """The schema the app publishes at /schema/openapi.json, built from the code (no database touched)."""
    settings_ = Settings(database_url="sqlite+aiosqlite:///:memory:", jwt_secret="s" * 48, migrate_on_start=False)
    return create_app(build_container(settings_)).openapi_schema.to_schema()


schema = schemathesis.openapi.from_dict(_documented_schema())


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck))
def test_fuzzed_requests_never_fail_and_answer_as_documented(case: Any, fuzzed_server: dict[str, Any]) -> None:
    case.call_and_validate(base_url=fuzzed_server["base"], headers=fuzzed_server["headers"], checks=CHECKS)
