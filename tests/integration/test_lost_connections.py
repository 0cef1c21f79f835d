"""Connections the server ended are recognised whatever error the end surfaces as, on PostgreSQL."""

from __future__ import annotations

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from tradevantage.adapters.persistence.database import connection_lost, create_session_factory


class _Wrapped(Exception):
    """As SQLAlchemy's dialect raises asyncpg's errors: its own, caused by asyncpg's."""


def _caused_by(error: Exception) -> _Wrapped:
    wrapped = _Wrapped(str(error))
    wrapped.__cause__ = error
    return wrapped


@pytest.mark.parametrize(
    ("error", "lost"),
    [
        (asyncpg.InternalClientError("cannot switch to state 12; another operation (2) is in progress"), True),
        (asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation"), True),
        (asyncpg.exceptions.AdminShutdownError("terminating connection due to administrator command"), True),
        (asyncpg.InterfaceError("connection is closed"), True),
        (asyncpg.InterfaceError("cannot perform operation: another operation is in progress"), True),
        (ConnectionResetError("reset by peer"), True),
        (asyncpg.InterfaceError("the server expects 2 arguments for this query, 0 were passed"), False),
        (asyncpg.UniqueViolationError("duplicate key value violates unique constraint"), False),
        (ValueError("not a database error"), False),
    ],
)
def test_errors_that_leave_a_connection_unusable_are_told_from_the_others(error: Exception, lost: bool) -> None:
    assert connection_lost(error) is lost
    assert connection_lost(_caused_by(error)) is lost


def test_no_error_is_no_lost_connection() -> None:
    assert connection_lost(None) is False


async def test_a_connection_the_server_ended_fails_as_lost_and_the_next_session_gets_a_new_one(
    engine: AsyncEngine, database_url: str
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("the server ending a connection: PostgreSQL only")
    sessions = create_session_factory(engine)
    async with sessions() as session:
        ended = await session.scalar(text("SELECT pg_backend_pid()"))
    admin = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await admin.execute("SELECT pg_terminate_backend($1)", ended)
    finally:
        await admin.close()

    with pytest.raises(DBAPIError) as raised:
        async with sessions() as session:
            await session.execute(text("SELECT 1"))

    assert raised.value.connection_invalidated
    async with sessions() as session:
        assert await session.scalar(text("SELECT pg_backend_pid()")) != ended
