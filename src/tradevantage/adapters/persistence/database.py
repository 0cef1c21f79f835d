"""Engines and sessions for the embedded SQLite default and for PostgreSQL."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any
from uuid import uuid4

import asyncpg
import msgspec
from sqlalchemy import event, text
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from tradevantage.adapters.persistence import sqlite_functions

CONNECT_TIMEOUT_SECONDS = 1.5
DEFERRED_TRANSACTION = "tradevantage_deferred_transaction"


def _unique_statement_name() -> str:
    return f"__asyncpg_{uuid4().hex}__"


_WITHOUT_PREPARED_STATEMENTS: dict[str, Any] = {
    # Neither asyncpg nor SQLAlchemy's dialect keeps statements prepared between uses...
    "statement_cache_size": 0,
    "prepared_statement_cache_size": 0,
    # ...and the statements asyncpg still prepares for a single use get names that cannot clash
    # with another client's on a server session the pooler shares.
    "prepared_statement_name_func": _unique_statement_name,
}


_LOST = (
    asyncpg.InternalClientError,
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.CrashShutdownError,
    asyncpg.exceptions.CannotConnectNowError,
    OSError,
)
_LOST_MESSAGES = ("connection is closed", "another operation is in progress")


def connection_lost(error: BaseException | None) -> bool:
    """Whether `error` (asyncpg's, or SQLAlchemy's wrapping one of asyncpg's) leaves the connection
    unusable: the server ended it (a restart, `pg_terminate_backend`), the network closed it, or the
    end caught the protocol mid-message, whatever state it then reports."""
    for candidate in (error, getattr(error, "__cause__", None)):
        if isinstance(candidate, _LOST):
            return True
        if isinstance(candidate, asyncpg.InterfaceError) and any(m in str(candidate) for m in _LOST_MESSAGES):
            return True
    return False


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL, or None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(str(parsed.database))


def create_engine(
    url: str, pool_size: int = 10, max_overflow: int = 0, prepared_statements: bool = True
) -> AsyncEngine:
    """An engine for `url`. `prepared_statements=False` is for PostgreSQL behind PgBouncer in
    transaction mode (Supabase and other managed poolers): there a connection's next transaction may
    run on another server session, which does not know the statements this one prepared."""
    if is_sqlite(url):
        return _create_sqlite_engine(url)
    # Fail fast when the server does not answer, instead of asyncpg's 60 s.
    connect_args: dict[str, Any] = {"timeout": CONNECT_TIMEOUT_SECONDS}
    if not prepared_statements:
        connect_args |= _WITHOUT_PREPARED_STATEMENTS
    engine = create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        # No ping before each use (a round trip per request): a connection found dead on use
        # fails that request (503) and makes the pool replace every connection it holds.
        pool_pre_ping=False,
        pool_timeout=1.5,  # a request waits at most this long for a pooled connection, then answers 503
        connect_args=connect_args,
        # Parameters (password hashes, tokens) never reach the logs through an error message.
        hide_parameters=True,
        # JSON columns (an EA's pairs, timeframes and parameters) are read with msgspec's decoder: the
        # standard library's took a twelfth of a market page's CPU. Both read any JSON the columns hold alike.
        json_deserializer=msgspec.json.decode,
    )
    event.listen(engine.sync_engine, "handle_error", _lost_connections_are_disconnects)
    return engine


def _lost_connections_are_disconnects(context: ExceptionContext) -> None:
    """SQLAlchemy's asyncpg dialect takes only a closed connection for a lost one. A connection the
    server ended mid-statement can instead report a protocol error, and went back to the pool to fail
    the next request too. Marked as a disconnect, it is discarded with every other connection the
    pool holds from before (the server may have ended them all), and the error says so (503)."""
    if connection_lost(context.original_exception):
        context.is_disconnect = True


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


def create_read_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for use cases that only read. On PostgreSQL they run each statement on its own,
    without BEGIN and ROLLBACK: two round trips fewer, and the same answers, since PostgreSQL's
    default isolation (read committed) already gives each statement its own snapshot. SQLite's
    engine manages its transactions itself (see below) and keeps them."""
    if engine.dialect.name != "postgresql":
        return create_session_factory(engine)
    return create_session_factory(engine.execution_options(isolation_level="AUTOCOMMIT"))


class DatabaseProbe:
    """Tells whether the database answers, for readiness checks."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def answers(self, within_seconds: float = 1.0) -> bool:
        """True when the database runs a trivial query within `within_seconds`.

        A ping stuck in a driver thread (SQLite waiting on a lock) is left to finish on its own:
        the answer never waits longer than `within_seconds`.
        """
        ping = asyncio.ensure_future(self._ping())
        done, _ = await asyncio.wait({ping}, timeout=within_seconds)
        if not done:
            ping.cancel()
            return False
        return ping.exception() is None

    async def _ping(self) -> None:
        async with self._engine.connect() as connection:
            await connection.execution_options(**{DEFERRED_TRANSACTION: True})
            await connection.execute(text("SELECT 1"))


def _create_sqlite_engine(url: str) -> AsyncEngine:
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(
        url,
        connect_args={"timeout": 30},
        hide_parameters=True,
        json_deserializer=msgspec.json.decode,  # as above
    )

    @event.listens_for(engine.sync_engine, "connect")
    def configure(dbapi_connection: Any, _record: Any) -> None:
        # Transactions are begun by hand below, so pysqlite must not begin them itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()
        # aiosqlite keeps the sqlite3 connection as `_conn`; the functions must be on that one.
        sqlite_functions.register(dbapi_connection.driver_connection._conn)

    @event.listens_for(engine.sync_engine, "begin")
    def begin_immediate(connection: Any) -> None:
        # A deferred transaction that later writes fails at once with "database is locked"
        # when another writer got there first; taking the write lock up front makes it wait.
        # Connections that only read (the readiness probe) ask not to wait for writers.
        deferred = connection.get_execution_options().get(DEFERRED_TRANSACTION, False)
        connection.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")

    return engine
