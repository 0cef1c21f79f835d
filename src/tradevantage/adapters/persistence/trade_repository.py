"""Trades in SQL: an atomic insert-if-absent for reports, and statistics computed by the database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import lru_cache
from typing import Any
from uuid import UUID

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Insert,
    Table,
    Update,
    and_,
    bindparam,
    case,
    func,
    select,
    tuple_,
    type_coerce,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from tradevantage.adapters.persistence.models import EXPERTS, TRADES, USERS
from tradevantage.adapters.persistence.queries import AnyRow, AnySelect, Column, count_rows, ordered
from tradevantage.adapters.persistence.types import Money
from tradevantage.domain.pagination import Bookmark, Ordering, Page, PageRequest
from tradevantage.domain.trades.entities import (
    ZERO,
    DayResult,
    Direction,
    ExpertResult,
    ResultTotals,
    TickerResult,
    Trade,
    TradeFilter,
    TradeStatus,
    TradeView,
)

MONEY = Money()
RESULT = type_coerce(TRADES.c.profit + TRADES.c.commission + TRADES.c.swap, MONEY)
"""A trade's result: profit + commission + swap."""
CLOSED = TRADES.c.close_time.is_not(None)
_ORDER_COLUMNS: dict[str, Column] = {
    "open_time": TRADES.c.open_time,
    "close_time": TRADES.c.close_time,
    "profit": TRADES.c.profit,
    "lot_size": TRADES.c.lot_size,
}
_TRADE_FIELDS = (
    "id",
    "user_id",
    "expert_id",
    "ticket_number",
    "ticker",
    "lot_size",
    "open_time",
    "open_time_stamped_by_server",
    "created_at",
    "updated_at",
    "close_time",
    "open_price",
    "close_price",
    "stop_loss",
    "take_profit",
    "commission",
    "swap",
    "profit",
    "account_number",
    "comment",
)


def _views() -> AnySelect:
    """Trades with their EA's magic number and their owner's email, read as table rows: no ORM
    entities to build for what is turned into domain objects at once."""
    return (
        select(*TRADES.c, EXPERTS.c.magic_number, USERS.c.email)
        .join_from(TRADES, EXPERTS, EXPERTS.c.id == TRADES.c.expert_id)
        .join(USERS, USERS.c.id == TRADES.c.user_id)
    )


# The EA bridge's statements, built once: each request only binds its values.
_VIEW_BY_TICKET = _views().where(
    TRADES.c.user_id == bindparam("user_id"), TRADES.c.ticket_number == bindparam("ticket_number")
)
_VIEW_BY_ID = _views().where(TRADES.c.user_id == bindparam("user_id"), TRADES.c.id == bindparam("trade_id"))
# The row stays locked until commit, so concurrent changes apply one after the other (SQLite
# renders no FOR UPDATE: its write transactions already run one at a time).
_LOCKED_VIEW_BY_TICKET = _VIEW_BY_TICKET.with_for_update(of=TRADES)
_LOCKED_VIEW_BY_ID = _VIEW_BY_ID.with_for_update(of=TRADES)
_REVISION = select(USERS.c.trades_revision).where(USERS.c.id == bindparam("user_id"))
_RAISE_REVISION = (
    update(USERS).where(USERS.c.id == bindparam("user_id")).values(trades_revision=USERS.c.trades_revision + 1)
)
"""One user's, as every EA bridge write needs: a fixed statement (an IN list is expanded again on
each execution)."""
_RAISE_REVISIONS = (
    update(USERS)
    .where(USERS.c.id.in_(bindparam("user_ids", expanding=True)))
    .values(trades_revision=USERS.c.trades_revision + 1)
)
_UPDATE_TRADE: Update = update(TRADES).where(TRADES.c.id == bindparam("trade_id"))


def _insert_if_absent(insert: Callable[[Table], postgresql.Insert | sqlite.Insert]) -> Insert:
    return insert(TRADES).on_conflict_do_nothing(index_elements=[TRADES.c.user_id, TRADES.c.ticket_number])


_INSERTS_IF_ABSENT: dict[str, Insert] = {
    "postgresql": _insert_if_absent(postgresql.insert),
    "sqlite": _insert_if_absent(sqlite.insert),
}
_INSERTS_RETURNING_ID = {dialect: insert.returning(TRADES.c.id) for dialect, insert in _INSERTS_IF_ABSENT.items()}
"""Built once: a statement built per request is keyed again for SQLAlchemy's compiled cache each time."""


class SqlTradeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @property
    def _dialect(self) -> str:
        return self._session.get_bind().dialect.name

    async def revision(self, user_id: UUID) -> int:
        return await self._session.scalar(_REVISION, {"user_id": user_id}) or 0

    async def add_if_absent(self, trade: Trade) -> bool:
        stored = (await self._session.execute(_INSERTS_RETURNING_ID[self._dialect], _values(trade))).first() is not None
        if stored:
            await self._raise_revision({trade.user_id})
        return stored

    async def add_many(self, trades: list[Trade]) -> None:
        if not trades:
            return
        await self._session.execute(_INSERTS_IF_ABSENT[self._dialect], [_values(trade) for trade in trades])
        await self._raise_revision({trade.user_id for trade in trades})

    async def _raise_revision(self, user_ids: set[UUID]) -> None:
        """Figures kept for the users' histories stop matching (see `revision`). The user rows stay
        locked until commit, so two writers of one history raise it one after the other."""
        if len(user_ids) == 1:
            await self._session.execute(_RAISE_REVISION, {"user_id": next(iter(user_ids))})
        else:
            await self._session.execute(_RAISE_REVISIONS, {"user_ids": sorted(user_ids)})

    async def get_many_by_tickets(self, user_id: UUID, tickets: list[int]) -> dict[int, Trade]:
        if not tickets:
            return {}
        statement = select(*TRADES.c).where(TRADES.c.user_id == user_id, TRADES.c.ticket_number.in_(set(tickets)))
        rows = (await self._session.execute(statement)).all()
        return {row.ticket_number: _trade(row) for row in rows}

    async def update(self, trade: Trade) -> None:
        values = _values(trade)
        values["trade_id"] = values.pop("id")
        await self._session.execute(_UPDATE_TRADE, values)
        await self._raise_revision({trade.user_id})

    async def get(self, user_id: UUID, trade_id: UUID, for_update: bool = False) -> TradeView | None:
        statement = _LOCKED_VIEW_BY_ID if for_update else _VIEW_BY_ID
        return await self._one(statement, {"user_id": user_id, "trade_id": trade_id})

    async def get_by_ticket(self, user_id: UUID, ticket_number: int, for_update: bool = False) -> TradeView | None:
        statement = _LOCKED_VIEW_BY_TICKET if for_update else _VIEW_BY_TICKET
        return await self._one(statement, {"user_id": user_id, "ticket_number": ticket_number})

    async def count(self, user_id: UUID, where: TradeFilter) -> int:
        return await count_rows(self._session, select(TRADES.c.id).where(*_conditions(user_id, where)))

    async def list_page(
        self,
        user_id: UUID,
        where: TradeFilter,
        ordering: Ordering,
        page: PageRequest,
        total: int,
        start: Bookmark | None = None,
    ) -> Page[TradeView]:
        """A deferred join: the page's ids come from the index alone (skipping a deep page's offset
        without reading those rows), then only those rows are read with their EA and owner."""
        if total == 0 or page.offset >= total:
            return Page([], total, page)
        parameters: dict[str, Any] = {"user_id": user_id, "limit": page.size, "offset": page.offset}
        if start is not None:
            parameters.update(offset=page.offset - start.offset, start_value=start.value, start_id=start.id)
        statement = _page_statement(where, ordering, sought=start is not None)
        rows = (await self._session.execute(statement, parameters)).all()
        return Page([_view(row) for row in rows], total, page)

    async def totals(self, user_id: UUID, where: TradeFilter) -> ResultTotals:
        wins, losses = and_(CLOSED, RESULT > 0), and_(CLOSED, RESULT < 0)
        statement = select(
            func.count(TRADES.c.id),
            func.count(TRADES.c.close_time),
            self._sum(TRADES.c.lot_size),
            self._sum(case((CLOSED, RESULT))),
            func.count(case((wins, 1))),
            func.count(case((losses, 1))),
            self._sum(case((wins, RESULT))),
            self._sum(case((losses, RESULT))),
            func.max(case((wins, RESULT))),
            func.min(case((losses, RESULT))),
        ).where(*_conditions(user_id, where))
        row = (await self._session.execute(statement)).one()
        trades, closed, lots, net, win_count, loss_count, gross_profit, gross_loss, largest_win, largest_loss = row
        return ResultTotals(
            trades=trades,
            open_trades=trades - closed,
            closed_trades=closed,
            total_lots=lots or ZERO,
            net_profit=net or ZERO,
            wins=win_count,
            losses=loss_count,
            gross_profit=gross_profit or ZERO,
            gross_loss=gross_loss or ZERO,
            largest_win=largest_win,
            largest_loss=largest_loss,
            max_drawdown=await self._max_drawdown(user_id, where),
        )

    def _sum(self, expression: Any) -> ColumnElement[Any]:
        """An exact SUM of money: SQLite's own overflows past 64 bits, so it uses `exact_sum`."""
        total = func.exact_sum(expression) if self._dialect == "sqlite" else func.sum(expression)
        return type_coerce(total, MONEY)

    async def _max_drawdown(self, user_id: UUID, where: TradeFilter) -> Any:
        """The largest fall of the running result from its peak (the peak starting at zero), closed
        trades taken in closing order, ties by id: two window functions over the closing-time index
        (on SQLite one, `running_drawdown`, exact whatever the sums)."""
        walk = (TRADES.c.close_time, TRADES.c.id)
        if self._dialect == "sqlite":
            last_row = (
                select(type_coerce(func.running_drawdown(RESULT).over(order_by=walk), MONEY))
                .where(CLOSED, *_conditions(user_id, where))
                .order_by(TRADES.c.close_time.desc(), TRADES.c.id.desc())
                .limit(1)
            )
            return await self._session.scalar(last_row) or ZERO
        running = (
            select(
                TRADES.c.close_time,
                TRADES.c.id,
                type_coerce(func.sum(RESULT).over(order_by=walk), MONEY).label("running"),
            )
            .where(CLOSED, *_conditions(user_id, where))
            .subquery()
        )
        peaks = select(
            running.c.running,
            type_coerce(func.max(running.c.running).over(order_by=(running.c.close_time, running.c.id)), MONEY).label(
                "peak"
            ),
        ).subquery()
        peak_from_zero = case((peaks.c.peak > 0, peaks.c.peak), else_=type_coerce(0, MONEY))
        fall = type_coerce(peak_from_zero - peaks.c.running, MONEY)
        drawdown = await self._session.scalar(select(type_coerce(func.max(fall), MONEY)))
        return drawdown or ZERO

    async def results_by_expert(self, user_id: UUID, where: TradeFilter) -> list[ExpertResult]:
        statement = (
            select(EXPERTS.c.id, EXPERTS.c.magic_number, EXPERTS.c.name, func.count(TRADES.c.id), self._sum(RESULT))
            .select_from(TRADES)
            .join(EXPERTS, EXPERTS.c.id == TRADES.c.expert_id)
            .where(CLOSED, *_conditions(user_id, where))
            .group_by(EXPERTS.c.id, EXPERTS.c.magic_number, EXPERTS.c.name)
        )
        rows = (await self._session.execute(statement)).all()
        return [ExpertResult(expert_id=i, magic_number=m, name=n, trades=c, net_profit=s) for i, m, n, c, s in rows]

    async def results_by_ticker(self, user_id: UUID, where: TradeFilter) -> list[TickerResult]:
        statement = (
            select(TRADES.c.ticker, func.count(TRADES.c.id), self._sum(RESULT))
            .where(CLOSED, *_conditions(user_id, where))
            .group_by(TRADES.c.ticker)
        )
        rows = (await self._session.execute(statement)).all()
        return [TickerResult(ticker=t, trades=c, net_profit=s) for t, c, s in rows]

    async def results_by_day(self, user_id: UUID, where: TradeFilter) -> list[DayResult]:
        day = self._utc_date(TRADES.c.close_time)
        statement = select(day, self._sum(RESULT)).where(CLOSED, *_conditions(user_id, where)).group_by(day)
        rows = (await self._session.execute(statement)).all()
        return [DayResult(day=_as_date(d), net_profit=s) for d, s in rows]

    def _utc_date(self, column: Column) -> ColumnElement[Any]:
        if self._dialect == "postgresql":
            return func.date(func.timezone("UTC", column))
        # DateTimeUTC keeps SQLite timestamps as UTC text, which date() reads.
        return func.date(column)

    async def _one(self, statement: AnySelect, parameters: dict[str, Any]) -> TradeView | None:
        row = (await self._session.execute(statement, parameters)).first()
        return None if row is None else _view(row)


@lru_cache(maxsize=256)
def _page_statement(where: TradeFilter, ordering: Ordering, sought: bool) -> AnySelect:
    """A page of trades matching `where` in `ordering`, for the bound `user_id`, `limit` and `offset`;
    when `sought`, only from the row whose key is the bound `start_value` and `start_id` on (the
    index finds it: the offset is then counted from there).

    Built once per filter and ordering (a dashboard asks for the same few again and again), so a
    request only binds its values: building and keying a statement this size costs more than
    running it."""
    column = _ORDER_COLUMNS[ordering.field]
    order = ordered(column, ordering.descending, TRADES.c.id, nullable=ordering.field == "close_time")
    conditions = _conditions(bindparam("user_id"), where)
    if sought:
        key = tuple_(column, TRADES.c.id)
        start = tuple_(
            bindparam("start_value", type_=TRADES.c[ordering.field].type),
            bindparam("start_id", type_=TRADES.c.id.type),
        )
        conditions.append(key <= start if ordering.descending else key >= start)
    matching = select(TRADES.c.id).where(*conditions)
    ids = matching.order_by(*order).limit(bindparam("limit")).offset(bindparam("offset")).subquery()
    return _views().join(ids, ids.c.id == TRADES.c.id).order_by(*order)


def _conditions(user_id: UUID | BindParameter[Any], where: TradeFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [TRADES.c.user_id == user_id]
    if where.expert_id is not None:
        conditions.append(TRADES.c.expert_id == where.expert_id)
    if where.ticker is not None:
        conditions.append(func.lower(TRADES.c.ticker) == where.ticker.lower())
    if where.direction is not None:
        conditions.append(TRADES.c.direction == where.direction.value)
    if where.status is TradeStatus.OPEN:
        conditions.append(TRADES.c.close_time.is_(None))
    if where.status is TradeStatus.CLOSED:
        conditions.append(CLOSED)
    if where.account_number is not None:
        conditions.append(TRADES.c.account_number == where.account_number)
    ranges: list[tuple[Column, Any, Any]] = [
        (TRADES.c.open_time, where.open_after, where.open_before),
        (TRADES.c.close_time, where.close_after, where.close_before),
        (TRADES.c.profit, where.profit_min, where.profit_max),
        (TRADES.c.lot_size, where.lot_size_min, where.lot_size_max),
    ]
    for column, low, high in ranges:
        if low is not None:
            conditions.append(column >= low)
        if high is not None:
            conditions.append(column <= high)
    return conditions


def _values(trade: Trade) -> dict[str, Any]:
    values = {name: getattr(trade, name) for name in _TRADE_FIELDS}
    values["direction"] = trade.direction.value
    return values


def _view(row: AnyRow) -> TradeView:
    columns = row._mapping
    return TradeView(trade=_trade(row), magic_number=columns["magic_number"], user_email=columns["email"])


def _trade(row: AnyRow) -> Trade:
    columns = row._mapping
    return Trade(direction=Direction(columns["direction"]), **{name: columns[name] for name in _TRADE_FIELDS})


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
