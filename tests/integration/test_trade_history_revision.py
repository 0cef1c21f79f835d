"""Every write to a user's trades raises the revision of their history, on SQLite and PostgreSQL;
reads and refused writes leave it alone, and other users' revisions never move."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import ExpertFactory, TradeFactory, UserFactory
from tradevantage.adapters.persistence.unit_of_work import SqlUnitOfWork
from tradevantage.domain.pagination import Ordering, PageRequest
from tradevantage.domain.trades.entities import TradeFilter
from tradevantage.domain.users.entities import Role


async def test_each_kind_of_write_raises_the_revision_once(session: AsyncSession) -> None:
    uow = SqlUnitOfWork(session)
    author, trader, other = UserFactory.build(role=Role.PROGRAMMER), UserFactory.build(), UserFactory.build()
    for user in (author, trader, other):
        await uow.users.add(user)
    expert = ExpertFactory.build(created_by=author.id)
    await uow.experts.add(expert)
    trades = uow.trades
    assert await trades.revision(trader.id) == 0

    trade = TradeFactory.build(user_id=trader.id, expert_id=expert.id)
    assert await trades.add_if_absent(trade) is True
    assert await trades.revision(trader.id) == 1

    assert await trades.add_if_absent(replace(trade, id=TradeFactory.build().id)) is False  # same ticket
    await trades.list_page(trader.id, TradeFilter(), Ordering("open_time"), PageRequest(), total=1)
    await trades.totals(trader.id, TradeFilter())
    assert await trades.revision(trader.id) == 1

    await trades.update(replace(trade, profit=Decimal("12.50")))
    assert await trades.revision(trader.id) == 2

    await trades.add_many([TradeFactory.build(user_id=trader.id, expert_id=expert.id) for _ in range(3)])
    assert await trades.revision(trader.id) == 3

    await uow.commit()
    assert await trades.revision(other.id) == 0
    assert await trades.count(trader.id, TradeFilter()) == 4


async def test_a_batch_of_several_users_trades_raises_each_of_their_revisions(session: AsyncSession) -> None:
    uow = SqlUnitOfWork(session)
    author, first, second, other = (UserFactory.build(role=Role.PROGRAMMER), *UserFactory.batch(3))
    for user in (author, first, second, other):
        await uow.users.add(user)
    expert = ExpertFactory.build(created_by=author.id)
    await uow.experts.add(expert)

    await uow.trades.add_many([TradeFactory.build(user_id=user.id, expert_id=expert.id) for user in (first, second)])

    assert [await uow.trades.revision(user.id) for user in (first, second, other)] == [1, 1, 0]
