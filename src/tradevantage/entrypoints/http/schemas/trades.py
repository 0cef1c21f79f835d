"""Shapes of the trade endpoints."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from uuid import UUID

import msgspec

from tradevantage.domain.trades.entities import DayResult, ExpertResult, TickerResult, TradeStatistics, TradeView
from tradevantage.domain.values import format_decimal, format_timestamp
from tradevantage.entrypoints.http.schemas.partial import PartialBody

Unset = msgspec.UnsetType
UNSET = msgspec.UNSET


class TradeWrite(PartialBody):
    """A trade as EAs report it. On a report `expert`, `ticket_number`, `ticker`, `direction` and `lot_size`
    are required; `expert` is the magic number (or the EA's id), `direction` BUY/SELL or 0/1."""

    expert: int | str | Unset = UNSET
    ticket_number: int | str | Unset = UNSET
    ticker: str | Unset = UNSET
    direction: str | int | Unset = UNSET
    lot_size: Decimal | Unset = UNSET
    open_time: str | Unset = UNSET
    close_time: str | Unset | None = UNSET
    open_price: Decimal | Unset | None = UNSET
    close_price: Decimal | Unset | None = UNSET
    stop_loss: Decimal | Unset | None = UNSET
    take_profit: Decimal | Unset | None = UNSET
    commission: Decimal | Unset | None = UNSET
    swap: Decimal | Unset | None = UNSET
    profit: Decimal | Unset | None = UNSET
    account_number: str | int | Unset | None = UNSET
    comment: str | Unset | None = UNSET


def _money(value: Decimal | None) -> str | None:
    return None if value is None else format_decimal(value)


def _moment(value: datetime | None) -> str | None:
    return None if value is None else format_timestamp(value)


class TradeResponse(msgspec.Struct):
    id: UUID
    expert: int
    ticket_number: int
    ticker: str
    direction: str
    lot_size: str
    open_time: str
    close_time: str | None
    open_price: str | None
    close_price: str | None
    stop_loss: str | None
    take_profit: str | None
    commission: str
    swap: str
    profit: str
    account_number: str | None
    comment: str
    status: str
    user: str
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, view: TradeView) -> TradeResponse:
        trade = view.trade
        return cls(
            id=trade.id,
            expert=view.magic_number,
            ticket_number=trade.ticket_number,
            ticker=trade.ticker,
            direction=trade.direction.value,
            lot_size=format_decimal(trade.lot_size),
            open_time=format_timestamp(trade.open_time),
            close_time=_moment(trade.close_time),
            open_price=_money(trade.open_price),
            close_price=_money(trade.close_price),
            stop_loss=_money(trade.stop_loss),
            take_profit=_money(trade.take_profit),
            commission=format_decimal(trade.commission),
            swap=format_decimal(trade.swap),
            profit=format_decimal(trade.profit),
            account_number=trade.account_number,
            comment=trade.comment,
            status=trade.status.value,
            user=view.user_email,
            created_at=format_timestamp(trade.created_at),
            updated_at=format_timestamp(trade.updated_at),
        )


class TradePage(msgspec.Struct):
    count: int
    next: str | None
    previous: str | None
    results: list[TradeResponse]


class ExpertFigures(msgspec.Struct):
    magic_number: int
    name: str
    trades: int
    net_profit: str

    @classmethod
    def of(cls, row: ExpertResult) -> ExpertFigures:
        return cls(
            magic_number=row.magic_number, name=row.name, trades=row.trades, net_profit=format_decimal(row.net_profit)
        )


class TickerFigures(msgspec.Struct):
    ticker: str
    trades: int
    net_profit: str

    @classmethod
    def of(cls, row: TickerResult) -> TickerFigures:
        return cls(ticker=row.ticker, trades=row.trades, net_profit=format_decimal(row.net_profit))


class DayFigures(msgspec.Struct):
    date: str
    net_profit: str
    cumulative: str

    @classmethod
    def of(cls, row: DayResult) -> DayFigures:
        return cls(
            date=row.day.isoformat(),
            net_profit=format_decimal(row.net_profit),
            cumulative=format_decimal(row.cumulative),
        )


class TradeStatsResponse(msgspec.Struct):
    trades: int
    open_trades: int
    closed_trades: int
    total_lots: str
    net_profit: str
    gross_profit: str
    gross_loss: str
    win_rate: str
    profit_factor: str | None
    average_win: str | None
    average_loss: str | None
    largest_win: str | None
    largest_loss: str | None
    max_drawdown: str
    by_expert: list[ExpertFigures]
    by_ticker: list[TickerFigures]
    daily: tuple[DayFigures, ...]

    @classmethod
    def of(cls, stats: TradeStatistics) -> TradeStatsResponse:
        totals = stats.totals
        return cls(
            trades=totals.trades,
            open_trades=totals.open_trades,
            closed_trades=totals.closed_trades,
            total_lots=format_decimal(totals.total_lots),
            net_profit=format_decimal(totals.net_profit),
            gross_profit=format_decimal(totals.gross_profit),
            gross_loss=format_decimal(totals.gross_loss),
            win_rate=f"{stats.win_rate:.4f}",
            profit_factor=None if stats.profit_factor is None else f"{stats.profit_factor:.4f}",
            average_win=_money(stats.average_win),
            average_loss=_money(stats.average_loss),
            largest_win=_money(totals.largest_win),
            largest_loss=_money(totals.largest_loss),
            max_drawdown=format_decimal(totals.max_drawdown),
            by_expert=[ExpertFigures.of(row) for row in stats.by_expert],
            by_ticker=[TickerFigures.of(row) for row in stats.by_ticker],
            daily=RENDERED_SERIES.of(stats.daily),
        )


class RenderedSeries:
    """Daily series rendered once each. The service hands out the same kept series on every answer
    until the history changes, and two years of history are 730 days of figures to format.

    An entry is found by the series' identity and holds the series itself, so that identity cannot
    be reused by another object while the entry lives. Used from one event loop: no lock needed.
    """

    def __init__(self, max_entries: int) -> None:
        self._max_entries = max_entries
        self._entries: OrderedDict[int, tuple[Sequence[DayResult], tuple[DayFigures, ...]]] = OrderedDict()

    def of(self, daily: Sequence[DayResult]) -> tuple[DayFigures, ...]:
        entry = self._entries.get(id(daily))
        if entry is not None and entry[0] is daily:
            self._entries.move_to_end(id(daily))
            return entry[1]
        rendered = tuple(DayFigures.of(row) for row in daily)
        self._entries[id(daily)] = (daily, rendered)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)
        return rendered

    def __len__(self) -> int:
        return len(self._entries)


RENDERED_SERIES = RenderedSeries(max_entries=64)
"""The dashboards most recently asked for: two years of days rendered take about 170 KiB."""
