"""Migrations: each revision goes up, down and up again, and the last one matches the models."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from tests.conftest import _postgres_database
from tradevantage.adapters.persistence.database import create_engine
from tradevantage.adapters.persistence.migrator import Migrator
from tradevantage.adapters.persistence.models import Base


@pytest.fixture(params=["sqlite", "postgresql"])
def scratch_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'scratch.db'}"
        return
    yield from _postgres_database()


def test_every_revision_upgrades_downgrades_and_upgrades_again(scratch_database_url: str) -> None:
    migrator = Migrator(scratch_database_url)
    previous = "base"
    for revision in migrator.revisions():
        migrator.upgrade(revision)
        migrator.downgrade(previous)
        migrator.upgrade(revision)
        previous = revision


def test_migrated_schema_matches_the_models(scratch_database_url: str) -> None:
    Migrator(scratch_database_url).upgrade()

    def differences(connection: Connection) -> list[Any]:
        # Column types are left out: advanced-alchemy's GUID and DateTimeUTC reflect as their
        # storage types (BINARY, NUMERIC, TIMESTAMP), which alembic reports as changes.
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        return list(compare_metadata(context, Base.metadata))

    async def compare() -> list[Any]:
        engine = create_engine(scratch_database_url)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(differences)
        finally:
            await engine.dispose()

    assert asyncio.run(compare()) == []
