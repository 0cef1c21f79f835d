"""Entities of the trade history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

ZERO = Decimal(0)


class Direction(StrEnum):
    BUY = "BUY"
    SELL = "SELL"


class TradeStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Trade:
    id: UUID
    user_id: UUID
    expert_id: UUID
    ticket_number: int
    ticker: str
    direction: Direction
    lot_size: Decimal
    open_time: datetime
    open_time_stamped_by_server: bool
    """True when the report carried no open time and the server's clock gave it."""
    created_at: datetime
    updated_at: datetime
    close_time: datetime | None = None
    open_price: Decimal | None = None
    close_price: Decimal | None = None
    stop_loss: Decimal | None = None
    take_profit: Decimal | None = None
    commission: Decimal = ZERO
    swap: Decimal = ZERO
    profit: Decimal = ZERO
    account_number: str | None = None
    comment: str = ""

    @property
    def status(self) -> TradeStatus:
        return TradeStatus.OPEN if self.close_time is None else TradeStatus.CLOSED

    @property
    def result(self) -> Decimal:
        """What the trade made or lost: profit + commission + swap."""
        return self.profit + self.commission + self.swap


@dataclass(frozen=True, slots=True)
class TradeView:
    """A trade with what its answers show: the EA's magic number and the owner's email."""

    trade: Trade
    magic_number: int
    user_email: str


@dataclass(frozen=True, slots=True)
class TradeFilter:
    magic_number: int | None = None
    """As clients name the EA. The service turns it into `expert_id` (the number may be given to
    another EA later), so that whatever is kept for a filter stays with the EA it was about."""
    expert_id: UUID | None = None
    ticker: str | None = None
    direction: Direction | None = None
    status: TradeStatus | None = None
    account_number: str | None = None
    open_after: datetime | None = None
    open_before: datetime | None = None
    close_after: datetime | None = None
    close_before: datetime | None = None
    profit_min: Decimal | None = None
    profit_max: Decimal | None = None
    lot_size_min: Decimal | None = None
    lot_size_max: Decimal | None = None


@dataclass(frozen=True, slots=True)
class ResultTotals:
    """Sums the database computes over the matched trades; `result` is profit + commission + swap."""

    trades: int = 0
    open_trades: int = 0
    closed_trades: int = 0
    total_lots: Decimal = ZERO
    net_profit: Decimal = ZERO
    wins: int = 0
    losses: int = 0
    gross_profit: Decimal = ZERO
    gross_loss: Decimal = ZERO
    largest_win: Decimal | None = None
    largest_loss: Decimal | None = None
    max_drawdown: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class ExpertResult:
    expert_id: UUID
    magic_number: int
    name: str
    trades: int
    net_profit: Decimal


@dataclass(frozen=True, slots=True)
class TickerResult:
    ticker: str
    trades: int
    net_profit: Decimal


@dataclass(frozen=True, slots=True)
class DayResult:
    day: date
    net_profit: Decimal
    cumulative: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class TradeStatistics:
    totals: ResultTotals
    win_rate: Decimal
    profit_factor: Decimal | None
    average_win: Decimal | None
    average_loss: Decimal | None
    by_expert: list[ExpertResult] = field(default_factory=list)
    by_ticker: list[TickerResult] = field(default_factory=list)
    daily: list[DayResult] = field(default_factory=list)
