"""Reporting and correcting trades, against fakes with a fixed clock."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest

from tests.factories import ExpertDetailsFactory, ExpertFactory, UserFactory
from tests.unit.fakes import DictCache, FakeUnitOfWork, FixedClock
from tradevantage.domain.caching import SharedComputations
from tradevantage.domain.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from tradevantage.domain.pagination import Bookmark, PageRequest
from tradevantage.domain.subscriptions.entities import Subscription
from tradevantage.domain.trades.entities import TradeFilter, TradeStatistics
from tradevantage.domain.trades.ports import HistoryKey
from tradevantage.domain.trades.service import TradeService
from tradevantage.domain.users.entities import Principal, Role

MAGIC = 123
REPORT = {"expert": MAGIC, "ticket_number": 1, "ticker": "EURUSD", "direction": "BUY", "lot_size": Decimal("0.1")}


@pytest.fixture
def statistics_cache() -> DictCache[HistoryKey, TradeStatistics]:
    return DictCache()


@pytest.fixture
def count_cache() -> DictCache[HistoryKey, int]:
    return DictCache()


@pytest.fixture
def trades(
    uow: FakeUnitOfWork,
    clock: FixedClock,
    statistics_cache: DictCache[HistoryKey, TradeStatistics],
    count_cache: DictCache[HistoryKey, int],
) -> TradeService:
    return TradeService(
        uow=uow,
        clock=clock,
        statistics_cache=statistics_cache,
        count_cache=count_cache,
        bookmarks=DictCache(),
        statistics_computations=SharedComputations(),
    )


@pytest.fixture
async def trader(uow: FakeUnitOfWork, clock: FixedClock) -> Principal:
    author, user = UserFactory.build(role=Role.PROGRAMMER), UserFactory.build()
    await uow.users.add(author)
    await uow.users.add(user)
    expert = ExpertFactory.build(created_by=author.id, details=ExpertDetailsFactory.build(magic_number=MAGIC))
    await uow.experts.add(expert)
    await uow.subscriptions.add(
        Subscription(
            id=user.id,
            user_id=user.id,
            expert_id=expert.id,
            subscribed_at=clock.now(),
            expires_at=clock.now() + timedelta(days=30),
            broker_utc_offset=120,
        )
    )
    return Principal(id=user.id, email=user.email, role=user.role)


async def test_first_report_creates_with_the_server_open_time(
    trades: TradeService, trader: Principal, clock: FixedClock, uow: FakeUnitOfWork
) -> None:
    result = await trades.report(trader, REPORT)

    assert result.created is True
    assert result.view.trade.open_time == clock.now()
    assert result.view.trade.open_time_stamped_by_server is True
    assert uow.commits == 1


async def test_naive_times_are_read_at_the_subscriptions_broker_offset(trades: TradeService, trader: Principal) -> None:
    result = await trades.report(trader, {**REPORT, "open_time": "2025.05.03 16:00"})
    assert result.view.trade.open_time.hour == 14


async def test_repeat_applies_closing_fields_only(trades: TradeService, trader: Principal) -> None:
    await trades.report(trader, REPORT)
    repeat = await trades.report(
        trader, {**REPORT, "close_time": "2025-05-03T16:00:00Z", "profit": "5", "comment": "ignored"}
    )
    assert repeat.created is False
    assert repeat.view.trade.profit == Decimal(5)
    assert repeat.view.trade.comment == ""


async def test_contradicting_repeat_is_a_conflict(trades: TradeService, trader: Principal) -> None:
    await trades.report(trader, REPORT)
    with pytest.raises(Conflict) as error:
        await trades.report(trader, {**REPORT, "direction": "SELL", "lot_size": "0.2"})
    assert [e.field for e in error.value.errors] == ["direction", "lot_size"]


async def test_first_report_without_active_subscription_is_refused(
    trades: TradeService, trader: Principal, clock: FixedClock
) -> None:
    clock.advance(timedelta(days=31))
    with pytest.raises(PermissionDenied):
        await trades.report(trader, REPORT)


async def test_closing_needs_no_active_subscription(trades: TradeService, trader: Principal, clock: FixedClock) -> None:
    await trades.report(trader, REPORT)
    clock.advance(timedelta(days=31))
    closed = await trades.correct(trader, 1, {"close_time": "2025-06-10T10:00:00Z"}, by_ticket=True, partial=True)
    assert closed.trade.close_time is not None


@pytest.mark.parametrize("reference", [999, "00000000-0000-0000-0000-000000000000"])
async def test_unknown_expert_is_not_found(trades: TradeService, trader: Principal, reference: Any) -> None:
    with pytest.raises(NotFound):
        await trades.report(trader, {**REPORT, "expert": reference})


async def test_correcting_a_fixed_field_is_a_validation_error(trades: TradeService, trader: Principal) -> None:
    created = await trades.report(trader, REPORT)
    with pytest.raises(ValidationFailed) as error:
        await trades.correct(trader, created.view.trade.id, {"ticker": "GBPUSD"}, by_ticket=False, partial=True)
    assert [e.field for e in error.value.errors] == ["ticker"]


async def test_another_users_trade_is_not_found(trades: TradeService, trader: Principal, uow: FakeUnitOfWork) -> None:
    created = await trades.report(trader, REPORT)
    stranger = Principal(id=UserFactory.build().id, email="x@example.com", role=Role.USER)
    with pytest.raises(NotFound):
        await trades.find(stranger, created.view.trade.id)
    with pytest.raises(NotFound):
        await trades.find(stranger, 1, by_ticket=True)


CLOSED = {"close_time": "2025-05-03T16:00:00Z", "open_time": "2025-05-03T14:00:00Z"}


async def test_statistics_are_computed_once_per_revision_of_the_history(
    trades: TradeService, trader: Principal, uow: FakeUnitOfWork
) -> None:
    await trades.report(trader, {**REPORT, **CLOSED, "profit": Decimal("10")})

    first = await trades.statistics(trader, TradeFilter())
    again = await trades.statistics(trader, TradeFilter())

    assert again == first
    assert uow.trades.statistics_computed == 1


async def test_a_new_trade_and_a_correction_each_give_fresh_statistics(
    trades: TradeService, trader: Principal, uow: FakeUnitOfWork
) -> None:
    await trades.report(trader, {**REPORT, **CLOSED, "profit": Decimal("10")})
    assert (await trades.statistics(trader, TradeFilter())).totals.net_profit == Decimal("10")

    await trades.report(trader, {**REPORT, **CLOSED, "ticket_number": 2, "profit": Decimal("5")})
    assert (await trades.statistics(trader, TradeFilter())).totals.net_profit == Decimal("15")

    await trades.correct(trader, 2, {"profit": Decimal("-5")}, by_ticket=True, partial=True)
    assert (await trades.statistics(trader, TradeFilter())).totals.net_profit == Decimal("5")
    assert uow.trades.statistics_computed == 3


async def test_a_repeat_that_changes_nothing_keeps_the_statistics(
    trades: TradeService, trader: Principal, uow: FakeUnitOfWork
) -> None:
    await trades.report(trader, {**REPORT, **CLOSED, "profit": Decimal("10")})
    await trades.statistics(trader, TradeFilter())

    await trades.report(trader, {**REPORT, **CLOSED})  # the EA's retry, nothing new

    await trades.statistics(trader, TradeFilter())
    assert uow.trades.statistics_computed == 1


async def test_kept_statistics_name_an_expert_advisor_as_it_is_called_now(
    trades: TradeService, trader: Principal, uow: FakeUnitOfWork
) -> None:
    await trades.report(trader, {**REPORT, **CLOSED, "profit": Decimal("10")})
    assert [row.name for row in (await trades.statistics(trader, TradeFilter())).by_expert] != ["Renamed"]

    expert = next(iter(uow.experts.rows.values()))
    uow.experts.rows[expert.id] = replace(expert, details=replace(expert.details, name="Renamed"))

    statistics = await trades.statistics(trader, TradeFilter())
    assert [row.name for row in statistics.by_expert] == ["Renamed"]
    assert uow.trades.statistics_computed == 1


async def test_each_filter_and_each_user_has_its_own_statistics(
    trades: TradeService, trader: Principal, uow: FakeUnitOfWork
) -> None:
    await trades.report(trader, {**REPORT, **CLOSED, "profit": Decimal("10")})
    stranger = Principal(id=uuid4(), email="someone@example.com", role=Role.USER)

    await trades.statistics(trader, TradeFilter())
    await trades.statistics(trader, TradeFilter(ticker="GBPUSD"))
    assert (await trades.statistics(stranger, TradeFilter())).totals.trades == 0
    assert uow.trades.statistics_computed == 3


async def test_the_row_count_of_a_list_is_kept_until_the_history_changes(
    trades: TradeService, trader: Principal, count_cache: DictCache[HistoryKey, int]
) -> None:
    await trades.report(trader, REPORT)
    assert (await trades.browse(trader, TradeFilter(), None, PageRequest(1, 10))).total == 1
    assert (await trades.browse(trader, TradeFilter(), None, PageRequest(1, 10))).total == 1
    assert count_cache.hits == 1

    await trades.report(trader, {**REPORT, "ticket_number": 2})

    assert (await trades.browse(trader, TradeFilter(), None, PageRequest(1, 10))).total == 2
    assert count_cache.hits == 1


async def test_a_page_read_again_or_the_next_one_is_sought_from_a_bookmark(
    trades: TradeService, trader: Principal, uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    for ticket in range(1, 8):
        opened = (clock.now() - timedelta(hours=ticket)).isoformat()
        await trades.report(trader, {**REPORT, "ticket_number": ticket, "open_time": opened})
    cold = await trades.browse(trader, TradeFilter(), None, PageRequest(2, 3))
    again = await trades.browse(trader, TradeFilter(), None, PageRequest(2, 3))
    following = await trades.browse(trader, TradeFilter(), None, PageRequest(3, 3))

    newest_first = [view.trade.ticket_number for view in (cold, again, following) for view in view.items]
    assert newest_first == [4, 5, 6, 4, 5, 6, 7]
    first_of_page_two = cold.items[0].trade
    assert uow.trades.pages_sought == [
        None,
        Bookmark(3, first_of_page_two.open_time, first_of_page_two.id),
        Bookmark(3, first_of_page_two.open_time, first_of_page_two.id),
    ]


async def test_bookmarks_are_forgotten_when_the_history_changes(
    trades: TradeService, trader: Principal, uow: FakeUnitOfWork
) -> None:
    await trades.report(trader, REPORT)
    await trades.browse(trader, TradeFilter(), None, PageRequest(1, 10))
    await trades.report(trader, {**REPORT, "ticket_number": 2})
    await trades.browse(trader, TradeFilter(), None, PageRequest(1, 10))
    await trades.browse(trader, TradeFilter(), "close_time", PageRequest(1, 10))
    await trades.browse(trader, TradeFilter(), "close_time", PageRequest(1, 10))

    assert uow.trades.pages_sought == [None, None, None, None], "close_time may be null: never sought"


async def test_concurrent_reads_of_cold_statistics_compute_them_once(
    trades: TradeService, trader: Principal, uow: FakeUnitOfWork
) -> None:
    await trades.report(trader, {**REPORT, "close_time": "2026-01-02T10:00:00Z", "profit": "5"})

    answers = await asyncio.gather(*(trades.statistics(trader, TradeFilter()) for _ in range(8)))

    assert {answer.totals.net_profit for answer in answers} == {Decimal("5")}
    assert uow.trades.statistics_computed == 1
