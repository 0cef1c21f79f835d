"""PostgreSQL behind PgBouncer in transaction mode, as Supabase and other managed poolers run it.

A real PgBouncer is started in front of a fresh database, with two server connections shared by
every client connection's transactions. There a statement asyncpg prepared on one server session
fails when used on another (the control test shows it). With TRADEVANTAGE_DB_PREPARED_STATEMENTS
off the whole service works: migrations, sign-in, the market, concurrent trade reports, lists and
stats.

Needs the `pgbouncer` program (Debian's package). Without it the tests are skipped, unless
TRADEVANTAGE_TEST_REQUIRE_PGBOUNCER=1 (CI sets it).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.api.conftest import Client, publish, report, signed_in, subscribe
from tests.conftest import _postgres_database
from tradevantage.adapters.persistence.database import create_engine
from tradevantage.adapters.persistence.migrator import Migrator
from tradevantage.config import Settings
from tradevantage.container import build_container
from tradevantage.entrypoints.http.app import create_app

REQUIRE_PGBOUNCER = os.environ.get("TRADEVANTAGE_TEST_REQUIRE_PGBOUNCER", "") in ("1", "true", "yes")
PGBOUNCER = shutil.which("pgbouncer") or next(
    (path for path in ("/usr/sbin/pgbouncer", "/usr/bin/pgbouncer") if Path(path).exists()), None
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"pgbouncer exited: {log.read_text(errors='replace')}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail("pgbouncer did not start listening within 10 s")


@pytest.fixture(scope="module")
def pooled_database_url() -> Iterator[str]:
    """A fresh PostgreSQL database reached through PgBouncer (transaction mode, one server connection)."""
    if PGBOUNCER is None:
        reason = "pgbouncer is not installed (apt-get install pgbouncer)"
        if REQUIRE_PGBOUNCER:
            pytest.fail(reason)
        pytest.skip(reason)
    for direct_url in _postgres_database():
        database = direct_url.rsplit("/", 1)[1]
        port = _free_port()
        folder = Path(tempfile.mkdtemp(prefix="tradevantage-pgbouncer-"))
        log = folder / "output.txt"
        (folder / "users.txt").write_text('"postgres" ""\n')
        (folder / "pgbouncer.ini").write_text(
            f"[databases]\n{database} = host=127.0.0.1 port=5432 dbname={database}\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
            f"auth_type = trust\nauth_file = {folder / 'users.txt'}\n"
            "pool_mode = transaction\ndefault_pool_size = 2\nmin_pool_size = 0\nreserve_pool_size = 0\n"
            f"max_client_conn = 100\npidfile = {folder / 'pgbouncer.pid'}\n"
        )
        command = [PGBOUNCER, str(folder / "pgbouncer.ini")]
        if os.geteuid() == 0:
            # PgBouncer refuses to run as root: it is told to run as postgres, which must own its files.
            command[1:1] = ["-u", "postgres"]
            for path in (folder, *folder.iterdir()):
                shutil.chown(path, user="postgres")
        with (folder / "output.txt").open("wb") as output:
            process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        try:
            _wait_for_port(port, process, log)
            yield f"postgresql+asyncpg://postgres@127.0.0.1:{port}/{database}"
        finally:
            process.terminate()
            process.wait(timeout=10)
            shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def migrated_through_pooler(pooled_database_url: str) -> str:
    Migrator(pooled_database_url, prepared_statements=False).upgrade()
    return pooled_database_url


def _settings(url: str, prepared_statements: bool) -> Settings:
    return Settings(
        database_url=url,
        environment="test",
        jwt_secret="test-secret-that-is-long-enough-0123456789",
        migrate_on_start=False,
        argon2_time_cost=1,
        argon2_memory_kib=1024,
        token_check_cache_seconds=0,
        db_pool_size=4,
        db_max_overflow=0,
        db_prepared_statements=prepared_statements,
    )


@pytest.fixture
async def pooled_client(migrated_through_pooler: str) -> AsyncIterator[Client]:
    app = create_app(build_container(_settings(migrated_through_pooler, prepared_statements=False)))
    async with AsyncTestClient(app=app) as client:
        yield client


async def test_the_service_works_through_pgbouncer_with_prepared_statements_off(pooled_client: Client) -> None:
    client = pooled_client
    _, author = await signed_in(client, "programmer")
    await publish(client, author, magic_number=777, price=0)
    traders = [await signed_in(client) for _ in range(3)]
    for _, headers in traders:
        await subscribe(client, headers, 777)

    # Concurrent requests hold several client connections at once, all on one server session.
    reports = [
        report(client, headers, expert=777, ticket_number=ticket, profit="1.50", close_time="2026-01-02T10:00:00Z")
        for _, headers in traders
        for ticket in range(1, 11)
    ]
    await asyncio.gather(*reports)

    for _, headers in traders:
        authorized = await client.get("/api/trade-auth/777/", headers=headers)
        assert authorized.status_code == 200, authorized.text
        listed = await client.get("/api/trade/?page=2&page_size=4", headers=headers)
        assert listed.status_code == 200, listed.text
        assert listed.json()["count"] == 10
        stats = await client.get("/api/trade/stats/", headers=headers)
        assert stats.status_code == 200, stats.text
        assert stats.json()["net_profit"] == "15.00"
        assert stats.json()["closed_trades"] == 10


@pytest.mark.parametrize("prepared_statements", [True, False])
async def test_two_connections_taking_turns_on_one_server_session(
    migrated_through_pooler: str, prepared_statements: bool
) -> None:
    """The control: a statement prepared on one server session is used again on another one, and
    fails (so the service test above can fail); with prepared statements off, the same turns succeed.

    Both connections first hold a transaction at once, so each gets its own server session; the
    pooler then hands the most recently released session (the second's) to the first connection.
    """
    engine = create_engine(migrated_through_pooler, pool_size=2, prepared_statements=prepared_statements)
    query = text("SELECT count(*) FROM users WHERE email = :email")
    outcomes = []
    try:
        async with engine.connect() as first, engine.connect() as second:
            for connection in (first, second):
                await connection.scalar(query, {"email": "nobody@example.com"})
            await first.rollback()
            await second.rollback()
            for connection in (first, second):
                try:
                    await connection.scalar(query, {"email": "nobody@example.com"})
                    outcomes.append("ok")
                except DBAPIError as error:
                    outcomes.append(type(error.orig).__name__)
                await connection.rollback()
    finally:
        await engine.dispose()
    if prepared_statements:
        assert outcomes != ["ok", "ok"], "the statements prepared on one session were found on the other"
    else:
        assert outcomes == ["ok", "ok"]
