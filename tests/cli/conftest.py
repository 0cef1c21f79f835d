from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.api.conftest import TEST_SECRET


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, database_url: str, engine: AsyncEngine) -> str:
    """Point the command line at the test database (`engine` empties it first); restored after the test."""
    monkeypatch.setenv("TRADEVANTAGE_DATABASE_URL", database_url)
    monkeypatch.setenv("TRADEVANTAGE_JWT_SECRET", TEST_SECRET)
    monkeypatch.delenv("TRADEVANTAGE_ENVIRONMENT", raising=False)
    return database_url
