"""Read sessions run each statement on its own on PostgreSQL (no BEGIN/ROLLBACK round trips), while
the sessions of writes keep one transaction; SQLite keeps its transactions in both."""

from __future__ import annotations

import asyncio
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tradevantage.adapters.persistence.database import create_read_session_factory, create_session_factory


async def _transaction_starts(factory: async_sessionmaker[AsyncSession]) -> list[datetime]:
    """When the transaction of each of two statements began, 20 ms apart."""
    starts = []
    async with factory() as session:
        for _ in range(2):
            starts.append((await session.execute(text("SELECT transaction_timestamp()"))).scalar_one())
            await asyncio.sleep(0.02)
    return starts


async def test_read_sessions_run_each_statement_alone_on_postgresql(engine: AsyncEngine) -> None:
    if engine.dialect.name != "postgresql":
        assert create_read_session_factory(engine).kw["bind"] is engine
        return
    first, second = await _transaction_starts(create_read_session_factory(engine))
    assert first < second

    first, second = await _transaction_starts(create_session_factory(engine))
    assert first == second
