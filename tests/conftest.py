"""Databases for the integration, API and CLI tests: SQLite always, PostgreSQL when reachable.

Each run migrates a fresh SQLite file and a fresh PostgreSQL database (dropped at the end), so
runs never see each other's rows; every test starts from empty tables.
Set TRADEVANTAGE_TEST_POSTGRES to another server's admin URL, and TRADEVANTAGE_TEST_REQUIRE_POSTGRES=1
to fail instead of skipping when PostgreSQL is not reachable (CI sets it).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from uuid import uuid4

import asyncpg
import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tradevantage.adapters.persistence.database import create_engine, create_session_factory
from tradevantage.adapters.persistence.migrator import Migrator
from tradevantage.adapters.persistence.models import Base

POSTGRES_ADMIN_URL = os.environ.get("TRADEVANTAGE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
REQUIRE_POSTGRES = os.environ.get("TRADEVANTAGE_TEST_REQUIRE_POSTGRES", "") in ("1", "true", "yes")


async def _admin(sql: str) -> None:
    connection = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=3)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def _postgres_database() -> Iterator[str]:
    name = f"tradevantage_test_{uuid4().hex[:12]}"
    try:
        asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    except (OSError, asyncpg.PostgresError, TimeoutError) as error:
        reason = f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}: {error}"
        if REQUIRE_POSTGRES:
            pytest.fail(reason)
        pytest.skip(reason)
    server = POSTGRES_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
    try:
        yield f"{server}/{name}"
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated, empty database of each kind, shared by the tests of one run."""
    if request.param == "sqlite":
        folder: Path = tmp_path_factory.mktemp("sqlite")
        url = f"sqlite+aiosqlite:///{folder / 'tradevantage.db'}"
        Migrator(url).upgrade()
        yield url
        return
    for url in _postgres_database():
        Migrator(url).upgrade()
        yield url


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine over empty tables."""
    engine = create_engine(database_url, pool_size=5)
    async with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            await connection.execute(delete(table))
    yield engine
    await engine.dispose()


@pytest.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    async with create_session_factory(engine)() as session:
        yield session


@pytest.fixture
def fresh_session(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions separate from the one under test, to see only what was committed."""
    return create_session_factory(engine)
