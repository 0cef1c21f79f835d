"""Ports of the trade history, implemented by adapters."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from tradevantage.domain.market.ports import ExpertRepository
from tradevantage.domain.pagination import Bookmark, Ordering, Page, PageRequest
from tradevantage.domain.subscriptions.ports import SubscriptionRepository
from tradevantage.domain.trades.entities import (
    DayResult,
    ExpertResult,
    ResultTotals,
    TickerResult,
    Trade,
    TradeFilter,
    TradeView,
)

HistoryKey = tuple[UUID, TradeFilter, int]
"""What figures derived from a trade history depend on: the user, the filter, and the revision of
the user's history they were computed at."""
ListKey = tuple[HistoryKey, Ordering]
"""A list of trades: a history revision, its filter, and the order the rows are in."""


class TradeRepository(Protocol):
    """Every write (`add_if_absent` storing, `add_many`, `update`) raises the revision of the user's
    trade history in the same transaction. Filters name their EA by `expert_id`: the service has
    turned a client's magic number into it."""

    async def revision(self, user_id: UUID) -> int:
        """The revision of the user's trade history: it moves whenever one of their trades is written."""
        ...

    async def add_if_absent(self, trade: Trade) -> bool:
        """Store the trade unless its user already has its ticket; one atomic statement, so concurrent
        reports of one ticket make one row and no error. True when this call stored it."""
        ...

    async def add_many(self, trades: list[Trade]) -> None:
        """Store new trades in one statement (importing); tickets already stored are left alone."""
        ...

    async def get_many_by_tickets(self, user_id: UUID, tickets: list[int]) -> dict[int, Trade]:
        """The user's stored trades among `tickets`, by ticket number, in one query."""
        ...

    async def update(self, trade: Trade) -> None: ...

    async def get(self, user_id: UUID, trade_id: UUID, for_update: bool = False) -> TradeView | None:
        """With `for_update`, the trade is locked until the unit of work ends: a change reads what the
        previous one wrote, so no close or correction is lost to a concurrent one."""
        ...

    async def get_by_ticket(self, user_id: UUID, ticket_number: int, for_update: bool = False) -> TradeView | None: ...

    async def count(self, user_id: UUID, where: TradeFilter) -> int: ...

    async def list_page(
        self,
        user_id: UUID,
        where: TradeFilter,
        ordering: Ordering,
        page: PageRequest,
        total: int,
        start: Bookmark | None = None,
    ) -> Page[TradeView]:
        """One page of the `total` trades matching `where` (reading nothing past the end). With
        `start`, a bookmark at or before the page in this same list, the page is read from there
        (only on an ordering whose field is never null)."""
        ...

    async def totals(self, user_id: UUID, where: TradeFilter) -> ResultTotals:
        """Counts, sums and the maximum drawdown, computed by the database."""
        ...

    async def results_by_expert(self, user_id: UUID, where: TradeFilter) -> list[ExpertResult]: ...

    async def results_by_ticker(self, user_id: UUID, where: TradeFilter) -> list[TickerResult]: ...

    async def results_by_day(self, user_id: UUID, where: TradeFilter) -> list[DayResult]:
        """Net result of closed trades per UTC day of closing (cumulative left at zero)."""
        ...


class TradesUnitOfWork(Protocol):
    experts: ExpertRepository
    subscriptions: SubscriptionRepository
    trades: TradeRepository

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...
