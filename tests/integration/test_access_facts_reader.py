"""The EA bridge's read, on SQLite and PostgreSQL: the same facts the subscription repository keeps,
and on PostgreSQL, connections the server dropped replaced without an error."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from tests.factories import ExpertDetailsFactory, ExpertFactory, UserFactory
from tradevantage.adapters.persistence.access_facts_reader import SqlAccessFactsReader
from tradevantage.adapters.persistence.unit_of_work import SqlUnitOfWork
from tradevantage.domain.subscriptions.entities import Subscription, SubscriptionView
from tradevantage.domain.users.entities import Role

POOL_SIZE = 5
"""The `engine` fixture's pool size."""


async def subscribed_trader(session: AsyncSession) -> tuple[SubscriptionView, str]:
    """A subscription, bound to an account, as the repository reads it back; and the creator's email."""
    uow = SqlUnitOfWork(session)
    creator, trader = UserFactory.build(role=Role.PROGRAMMER), UserFactory.build()
    for user in (creator, trader):
        await uow.users.add(user)
    expert = ExpertFactory.build(created_by=creator.id, details=ExpertDetailsFactory.build(magic_number=424242))
    await uow.experts.add(expert)
    moment = datetime(2026, 1, 5, 12, 30, tzinfo=UTC)
    subscription = Subscription(
        id=UserFactory.build().id,
        user_id=trader.id,
        expert_id=expert.id,
        subscribed_at=moment,
        last_paid_at=moment,
        expires_at=moment + timedelta(days=30),
        account_number="5551234",
        broker_utc_offset=120,
    )
    await uow.subscriptions.add(subscription)
    await uow.commit()
    view = await uow.subscriptions.view(subscription.id)
    assert view is not None
    return view, creator.email


async def test_facts_match_the_stored_subscription_and_tell_strangers_and_unknown_eas_apart(
    engine: AsyncEngine, session: AsyncSession
) -> None:
    view, creator_email = await subscribed_trader(session)
    reader = SqlAccessFactsReader(engine, pooled_connections=POOL_SIZE)

    subscribed = await reader.access_facts(view.subscription.user_id, view.expert.magic_number)
    stranger = await reader.access_facts(UserFactory.build().id, view.expert.magic_number)
    unknown = await reader.access_facts(view.subscription.user_id, 999)

    assert subscribed.subscription == view
    assert subscribed.creator_email == creator_email
    assert subscribed.subscription.subscription.expires_at.tzinfo is not None
    assert (stranger.subscription, stranger.creator_email) == (None, creator_email)
    assert (unknown.subscription, unknown.creator_email) == (None, None)


async def test_connections_the_server_dropped_are_replaced_without_an_error(
    engine: AsyncEngine, session: AsyncSession, database_url: str
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("the server dropping connections: PostgreSQL only")
    view, _ = await subscribed_trader(session)
    await session.close()
    reader = SqlAccessFactsReader(engine, pooled_connections=POOL_SIZE)
    ask = (view.subscription.user_id, view.expert.magic_number)
    await asyncio.gather(*(reader.access_facts(*ask) for _ in range(3 * POOL_SIZE)))  # fills the pool

    admin = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        dropped = await admin.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await admin.close()
    assert dropped >= 2, "the pool held several connections"

    # At once and one by one: the reads find the dead connections in every state the end left them.
    answers = await asyncio.gather(*(reader.access_facts(*ask) for _ in range(2 * POOL_SIZE)))
    answers += [await reader.access_facts(*ask) for _ in range(3)]

    assert all(answer.subscription == view for answer in answers)
