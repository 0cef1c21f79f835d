"""The EA bridge's subscription check, read in one prebuilt query on a pooled connection of its own."""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

import asyncpg
from sqlalchemy import Select, and_, bindparam, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from tradevantage.adapters.persistence.database import DEFERRED_TRANSACTION, connection_lost
from tradevantage.adapters.persistence.models import EXPERTS, SUBSCRIPTIONS, USERS
from tradevantage.adapters.persistence.queries import Columns
from tradevantage.adapters.persistence.subscription_repository import SUBSCRIPTION_FIELDS, subscription_from
from tradevantage.domain.subscriptions.access import AccessFacts
from tradevantage.domain.subscriptions.entities import ExpertSummary, SubscriptionView


def _access_facts_statement() -> Select[Any]:
    """The EA (by magic number), its creator's email, and the caller's subscription to it if any.
    The EA's id is the subscription's `expert_id`, the join condition."""
    experts, subscriptions = EXPERTS, SUBSCRIPTIONS
    creators, subscribers = USERS.alias("creator"), USERS.alias("subscriber")
    return (
        select(
            *(subscriptions.c[name] for name in SUBSCRIPTION_FIELDS),
            experts.c.magic_number,
            experts.c.name,
            experts.c.version,
            experts.c.created_by,
            experts.c.archived,
            subscribers.c.email.label("subscriber_email"),
            creators.c.email.label("creator_email"),
        )
        .select_from(experts)
        .join(creators, creators.c.id == experts.c.created_by)
        .outerjoin(
            subscriptions,
            and_(subscriptions.c.expert_id == experts.c.id, subscriptions.c.user_id == bindparam("user_id")),
        )
        .outerjoin(subscribers, subscribers.c.id == subscriptions.c.user_id)
        .where(experts.c.magic_number == bindparam("magic_number"))
    )


ACCESS_FACTS = _access_facts_statement()


class SqlAccessFactsReader:
    """Reads the access facts outside any unit of work: the check writes nothing, and on PostgreSQL
    the statement runs on its own (no BEGIN, no ROLLBACK).

    On asyncpg the statement is compiled once and sent through the driver's connection. Through an
    ORM session the same read cost about 2.5 times the CPU (the session, its transaction bookkeeping,
    SQLAlchemy's execution and result layers), and terminals send this request before every trade.
    Other databases (the embedded SQLite) read through SQLAlchemy as usual.
    """

    def __init__(self, engine: AsyncEngine, pooled_connections: int) -> None:
        self._engine = engine
        self._pooled_connections = pooled_connections
        self._on_asyncpg = engine.dialect.driver == "asyncpg"
        compiled = ACCESS_FACTS.compile(dialect=engine.dialect)
        self._sql = compiled.string
        self._parameter_order = tuple(compiled.positiontup or ())

    async def access_facts(self, user_id: UUID, magic_number: int) -> AccessFacts:
        parameters = {"user_id": user_id, "magic_number": magic_number}
        if self._on_asyncpg:
            row = await self._read_on_driver([parameters[name] for name in self._parameter_order])
        else:
            row = await self._read(parameters)
        return _facts(row)

    async def _read(self, parameters: dict[str, Any]) -> Columns | None:
        async with self._engine.connect() as connection:
            # SQLite: a read waits for no writer (its engine otherwise begins with the write lock).
            await connection.execution_options(**{DEFERRED_TRANSACTION: True})
            row = (await connection.execute(ACCESS_FACTS, parameters)).first()
            return None if row is None else row._mapping

    async def _read_on_driver(self, arguments: list[Any]) -> Columns | None:
        """The row, read on a pooled connection's asyncpg connection.

        SQLAlchemy is not in the way to notice a connection the server dropped (after a restart or
        an outage), so this does what it would: the connection is discarded and the read tried on
        the next one, until a live or a new connection answers. When the database cannot be reached
        at all, the pool's own error (503) ends it."""
        for _ in range(self._pooled_connections + 1):
            async with self._engine.connect() as connection:
                raw = await connection.get_raw_connection()
                driver = cast("asyncpg.Connection[asyncpg.Record]", raw.driver_connection)
                try:
                    row: asyncpg.Record | None = await driver.fetchrow(self._sql, *arguments)
                    return row
                except BaseException as error:
                    # Whatever interrupted the read (a dropped connection, the request's deadline),
                    # the connection may be mid-protocol: it does not go back to the pool.
                    await connection.invalidate(error if isinstance(error, Exception) else None)
                    if connection_lost(error):
                        dropped = error
                        continue
                    if isinstance(error, asyncpg.PostgresError):
                        # Any other refusal of this fixed, read-only query (a statement timeout) is
                        # the database's trouble, answered like an outage.
                        raise OperationalError(self._sql, None, error, hide_parameters=True) from error
                    raise
        raise OperationalError(self._sql, None, dropped, hide_parameters=True) from dropped


def _facts(columns: Columns | None) -> AccessFacts:
    if columns is None:
        return AccessFacts(subscription=None, creator_email=None)
    if columns["id"] is None:
        return AccessFacts(subscription=None, creator_email=columns["creator_email"])
    view = SubscriptionView(
        subscription=subscription_from(columns),
        expert=ExpertSummary(
            id=columns["expert_id"],
            magic_number=columns["magic_number"],
            name=columns["name"],
            version=columns["version"],
            created_by=columns["created_by"],
            archived=columns["archived"],
        ),
        user_email=columns["subscriber_email"],
    )
    return AccessFacts(subscription=view, creator_email=columns["creator_email"])
