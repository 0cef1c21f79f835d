"""Importing history rows: all or nothing, idempotent, cash and cancelled rows left out (fakes, no files)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest

from tests.factories import ExpertDetailsFactory, ExpertFactory, UserFactory
from tests.unit.fakes import FakeUnitOfWork, FixedClock
from tradevantage.domain.errors import NotFound
from tradevantage.domain.trades.importing import ImportOptions, TradeImporter
from tradevantage.domain.users.entities import Role, User


@dataclass(frozen=True)
class Row:
    line: int
    kind: str = "trade"
    ticket: str | None = "1"
    magic_number: str | None = None
    symbol: str = "EURUSD"
    direction: str = "BUY"
    lots: str = "0.10"
    open_time: str = "2025-05-03 14:00:00"
    close_time: str | None = "2025-05-03 16:00:00"
    open_price: str | None = "1.1"
    close_price: str | None = "1.2"
    stop_loss: str | None = None
    take_profit: str | None = None
    commission: str = "-0.70"
    swap: str = "0"
    profit: str = "10.00"
    comment: str = ""
    account_number: str | None = None
    problem: str | None = None


@pytest.fixture
async def trader(uow: FakeUnitOfWork) -> User:
    user = UserFactory.build()
    author = UserFactory.build(role=Role.PROGRAMMER)
    await uow.users.add(user)
    await uow.users.add(author)
    await uow.experts.add(ExpertFactory.build(created_by=author.id, details=ExpertDetailsFactory.build(magic_number=7)))
    return user


@pytest.fixture
def importer(uow: FakeUnitOfWork, clock: FixedClock) -> TradeImporter:
    return TradeImporter(uow=uow, clock=clock)


OPTIONS = ImportOptions(fallback_magic_number=7)


async def test_rows_become_trades_cash_and_cancelled_are_counted(
    importer: TradeImporter, trader: User, uow: FakeUnitOfWork
) -> None:
    rows = [Row(2), Row(3, kind="cash"), Row(4, kind="cancelled"), Row(5, ticket="2", close_time=None)]

    summary = await importer.run(trader.email, rows, OPTIONS)

    assert (summary.created, summary.cash, summary.cancelled, summary.invalid) == (2, 1, 1, 0)
    assert summary.written is True
    assert uow.commits == 1
    assert sorted(t.close_time is None for t in uow.trades.rows.values()) == [False, True]


async def test_broker_offset_applies_to_naive_times(importer: TradeImporter, trader: User, uow: FakeUnitOfWork) -> None:
    await importer.run(trader.email, [Row(2)], ImportOptions(fallback_magic_number=7, utc_offset=timedelta(hours=2)))
    assert next(iter(uow.trades.rows.values())).open_time.hour == 12


async def test_one_invalid_row_writes_nothing_unless_skipped(
    importer: TradeImporter, trader: User, uow: FakeUnitOfWork
) -> None:
    rows = [Row(2), Row(3, ticket="2", lots="abc"), Row(4, ticket="3", problem="Size is not a number.")]

    refused = await importer.run(trader.email, rows, OPTIONS)

    assert refused.written is False
    assert uow.commits == 0
    assert [(p.line, p.reason) for p in refused.problems][1] == (4, "Size is not a number.")
    assert refused.problems[0].line == 3

    skipped = await importer.run(trader.email, rows, ImportOptions(fallback_magic_number=7, skip_invalid=True))
    # The fake keeps what the refused run added (only a database rolls back); either way one trade stands.
    assert (skipped.created + skipped.unchanged, skipped.invalid, skipped.written) == (1, 2, True)
    assert uow.commits == 1


async def test_importing_again_changes_nothing_and_closing_later_updates(importer: TradeImporter, trader: User) -> None:
    await importer.run(trader.email, [Row(2, close_time=None, profit="0")], OPTIONS)

    same = await importer.run(trader.email, [Row(2, close_time=None, profit="0")], OPTIONS)
    closed = await importer.run(trader.email, [Row(2)], OPTIONS)

    assert (same.created, same.unchanged) == (0, 1)
    assert (closed.updated, closed.created) == (1, 0)


async def test_a_ticket_imported_with_other_fixed_values_is_invalid(importer: TradeImporter, trader: User) -> None:
    await importer.run(trader.email, [Row(2)], OPTIONS)
    summary = await importer.run(trader.email, [Row(9, lots="0.20", direction="SELL")], OPTIONS)
    assert summary.invalid == 1
    assert "direction, lot_size" in summary.problems[0].reason


async def test_rows_without_tickets_get_the_same_derived_ticket_each_time(
    importer: TradeImporter, trader: User, uow: FakeUnitOfWork
) -> None:
    await importer.run(trader.email, [Row(2, ticket=None)], OPTIONS)
    again = await importer.run(trader.email, [Row(2, ticket=None)], OPTIONS)
    other = await importer.run(trader.email, [Row(2, ticket=None, open_price="1.3")], OPTIONS)
    assert again.unchanged == 1
    assert other.created == 1
    assert all(1 <= t.ticket_number <= 2**63 - 1 for t in uow.trades.rows.values())


async def test_the_row_magic_number_wins_over_the_fallback(importer: TradeImporter, trader: User) -> None:
    summary = await importer.run(trader.email, [Row(2, magic_number="8")], OPTIONS)
    assert summary.invalid == 1
    assert "add --create-experts" in summary.problems[0].reason


async def test_unknown_experts_become_archived_placeholders_owned_by_an_admin(
    importer: TradeImporter, trader: User, uow: FakeUnitOfWork
) -> None:
    options = ImportOptions(create_experts=True)
    with pytest.raises(NotFound):
        await importer.run(trader.email, [Row(2, magic_number="8")], options)
    admin = UserFactory.build(role=Role.ADMIN)
    await uow.users.add(admin)

    summary = await importer.run(
        trader.email, [Row(2, magic_number="8"), Row(3, ticket="2", magic_number="8")], options
    )

    assert summary.created == 2
    placeholder = await uow.experts.get_by_magic(8)
    assert placeholder is not None
    assert (placeholder.archived, placeholder.created_by) == (True, admin.id)


async def test_rows_naming_no_expert_without_a_fallback_are_invalid(importer: TradeImporter, trader: User) -> None:
    summary = await importer.run(trader.email, [Row(2)], ImportOptions())
    assert "give --expert MAGIC" in summary.problems[0].reason


async def test_unknown_user_is_not_found(importer: TradeImporter) -> None:
    with pytest.raises(NotFound):
        await importer.run("nobody@example.com", [Row(2)], OPTIONS)


async def test_results_keep_the_file_figures(importer: TradeImporter, trader: User, uow: FakeUnitOfWork) -> None:
    await importer.run(trader.email, [Row(2, commission="-0.70", swap="-0.10", profit="36.40")], OPTIONS)
    trade = next(iter(uow.trades.rows.values()))
    assert trade.result == Decimal("35.60")


async def test_an_older_file_never_reopens_a_closed_trade(
    importer: TradeImporter, trader: User, uow: FakeUnitOfWork
) -> None:
    await importer.run(trader.email, [Row(2, close_time=None, close_price=None, profit="0")], OPTIONS)
    await importer.run(trader.email, [Row(2)], OPTIONS)

    older = await importer.run(trader.email, [Row(2, close_time=None, close_price=None, profit="0")], OPTIONS)

    trade = next(iter(uow.trades.rows.values()))
    assert older.updated == 0
    assert trade.close_time is not None
    assert trade.profit == Decimal("10.00")
