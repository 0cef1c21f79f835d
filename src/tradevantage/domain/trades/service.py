"""The trade service: idempotent reports from the EA bridge, corrections, history and statistics."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

from tradevantage.domain.caching import Cache, SharedComputations
from tradevantage.domain.clock import Clock
from tradevantage.domain.errors import FieldError, NotFound, PermissionDenied, ValidationFailed
from tradevantage.domain.market.entities import ExpertAdvisor
from tradevantage.domain.pagination import Bookmark, Bookmarks, Ordering, Page, PageRequest
from tradevantage.domain.subscriptions.entities import SubscriptionStatus
from tradevantage.domain.trades import rules
from tradevantage.domain.trades.entities import Trade, TradeFilter, TradeStatistics, TradeView
from tradevantage.domain.trades.ports import HistoryKey, ListKey, TradesUnitOfWork
from tradevantage.domain.trades.statistics import summarize, with_expert_labels
from tradevantage.domain.users.entities import Principal
from tradevantage.domain.values import parse_positive_id

TRADE_ORDERINGS = ("open_time", "close_time", "profit", "lot_size")
SEEKABLE_ORDERINGS = ("open_time", "profit", "lot_size")
"""Orderings on fields that are never null, so a page can be sought from a bookmark's key."""
DEFAULT_TRADE_ORDERING = "-open_time"
TRADE_NOT_FOUND = "Trade not found."
NO_SUCH_EXPERT = "No Expert Advisor has this magic number or id."
NO_EXPERT = UUID(int=0)
"""The id of no EA (EAs get random ids): what a filter on an unknown magic number stands for."""


@dataclass(frozen=True, slots=True)
class ReportResult:
    view: TradeView
    created: bool
    """False when the ticket was already reported (the repeat is answered with the stored trade)."""


class TradeService:
    """Use cases of the trade history. Each public method is one unit of work."""

    def __init__(
        self,
        uow: TradesUnitOfWork,
        clock: Clock,
        statistics_cache: Cache[HistoryKey, TradeStatistics],
        count_cache: Cache[HistoryKey, int],
        bookmarks: Cache[ListKey, Bookmarks],
        statistics_computations: SharedComputations[HistoryKey, TradeStatistics],
    ) -> None:
        """The caches keep what was learnt between requests, keyed by the history revision it was
        learnt at: a dashboard read again before any trade changes costs one small query, and a
        page next to (or the same as) one already read is sought from that page's first row."""
        self._uow = uow
        self._clock = clock
        self._statistics_cache = statistics_cache
        self._count_cache = count_cache
        self._bookmarks = bookmarks
        self._statistics_computations = statistics_computations

    async def report(self, caller: Principal, raw: Mapping[str, Any]) -> ReportResult:
        """Record a trade, idempotently on the caller's ticket number.

        A first report needs an active subscription to the EA. A repeat returns the stored trade
        after applying the closing fields it carries; one that changes a fixed field is a conflict.
        """
        rules_errors = rules.missing_on_report(raw)
        if rules_errors:
            raise ValidationFailed(rules_errors)
        standing = await self._uow.subscriptions.standing(caller.id, _expert_reference(raw["expert"]))
        if standing is None:
            raise NotFound(NO_SUCH_EXPERT)
        subscription = standing.subscription
        values = rules.read_fields(raw, _offset(subscription.broker_utc_offset if subscription else None))
        existing = await self._uow.trades.get_by_ticket(caller.id, values["ticket_number"], for_update=True)
        if existing is None:
            now = self._clock.now()
            if subscription is None or subscription.status(now) is not SubscriptionStatus.ACTIVE:
                raise PermissionDenied(
                    "Reporting a trade needs an active subscription to this Expert Advisor.",
                    [FieldError("expert", "No active subscription.")],
                )
            trade = _new_trade(caller.id, standing.expert_id, values, now)
            rules.check_close_after_open(trade)
            if await self._uow.trades.add_if_absent(trade):
                await self._uow.commit()
                return ReportResult(TradeView(trade, standing.magic_number, standing.user_email), created=True)
            # Another request stored this ticket between our read and our insert.
            existing = await self._uow.trades.get_by_ticket(caller.id, values["ticket_number"], for_update=True)
            if existing is None:  # pragma: no cover - the insert just found it
                raise NotFound(TRADE_NOT_FOUND)
        return ReportResult(await self._apply_repeat(existing, standing.expert_id, values, raw), created=False)

    async def correct(
        self, caller: Principal, reference: UUID | str | int, raw: Mapping[str, Any], by_ticket: bool, partial: bool
    ) -> TradeView:
        """PUT or PATCH a trade, found by id or by ticket. Fixed fields may be restated, never changed
        (400 naming them); no subscription is needed, so a position opened while subscribed can close."""
        stored = await self._owned(caller, reference, by_ticket, for_update=True)
        expert_id = (await self._expert_of(raw["expert"])).id if raw.get("expert") is not None else None
        if not partial:
            missing = [e for e in rules.missing_on_report(raw) if e.field != "expert" or expert_id is None]
            if missing:
                raise ValidationFailed(missing)
        subscription = await self._uow.subscriptions.find(caller.id, stored.trade.expert_id)
        values = rules.read_fields(raw, _offset(subscription.broker_utc_offset if subscription else None))
        changed = rules.changed_fixed_fields(stored.trade, expert_id, values)
        if changed:
            raise ValidationFailed(
                [FieldError(name, "Fixed once reported: it may be restated, not changed.") for name in changed]
            )
        trade = _with_values(stored.trade, values, self._clock, partial)
        rules.check_close_after_open(trade)
        await self._uow.trades.update(trade)
        await self._uow.commit()
        return replace(stored, trade=trade)  # the EA and the owner are fixed: no need to read them again

    async def find(self, caller: Principal, reference: UUID | str | int, by_ticket: bool = False) -> TradeView:
        return await self._owned(caller, reference, by_ticket)

    async def browse(
        self, caller: Principal, where: TradeFilter, ordering: str | None, page: PageRequest
    ) -> Page[TradeView]:
        order = Ordering.parse(ordering, TRADE_ORDERINGS, DEFAULT_TRADE_ORDERING)
        where = await self._resolved(where)
        trades = self._uow.trades
        key = (caller.id, where, await trades.revision(caller.id))
        total = self._count_cache.get(key)
        if total is None:
            total = await trades.count(caller.id, where)
            self._count_cache.put(key, total)
        if order.field not in SEEKABLE_ORDERINGS:
            return (await trades.list_page(caller.id, where, order, page, total)).or_not_found()
        return (await self._sought_page(key, order, page, total)).or_not_found()

    async def _sought_page(self, key: HistoryKey, order: Ordering, page: PageRequest, total: int) -> Page[TradeView]:
        """The page read from the nearest bookmark before it in this list, leaving one at its first row."""
        bookmarks = self._bookmarks.get((key, order))
        if bookmarks is None:
            bookmarks = Bookmarks()
            self._bookmarks.put((key, order), bookmarks)
        user_id, where, _revision = key
        found = await self._uow.trades.list_page(
            user_id, where, order, page, total, bookmarks.nearest_before(page.offset)
        )
        if found.items:
            first = found.items[0].trade
            bookmarks.add(Bookmark(page.offset, getattr(first, order.field), first.id))
        return found

    async def statistics(self, caller: Principal, where: TradeFilter) -> TradeStatistics:
        """The dashboard's figures over the caller's trades that match `where`: computed by the
        database once per revision of the history, then kept."""
        where = await self._resolved(where)
        trades = self._uow.trades
        key = (caller.id, where, await trades.revision(caller.id))
        kept = self._statistics_cache.get(key)
        if kept is not None:
            labels = await self._uow.experts.labels([row.expert_id for row in kept.by_expert])
            return with_expert_labels(kept, labels)

        async def compute() -> TradeStatistics:
            statistics = summarize(
                await trades.totals(caller.id, where),
                await trades.results_by_expert(caller.id, where),
                await trades.results_by_ticker(caller.id, where),
                await trades.results_by_day(caller.id, where),
            )
            self._statistics_cache.put(key, statistics)
            return statistics

        return await self._statistics_computations.run(key, compute)

    async def _resolved(self, where: TradeFilter) -> TradeFilter:
        """`where` naming its EA by id: the trades, counts and figures kept for it are then about that
        EA, whatever magic number its author gives it later (a number no EA has matches nothing)."""
        if where.magic_number is None:
            return where
        expert_id = await self._uow.experts.id_of(where.magic_number)
        return replace(where, magic_number=None, expert_id=expert_id or NO_EXPERT)

    async def _apply_repeat(
        self, view: TradeView, expert_id: UUID, values: Mapping[str, Any], raw: Mapping[str, Any]
    ) -> TradeView:
        stored = view.trade
        changed = rules.changed_fixed_fields(stored, expert_id, values)
        if changed:
            raise rules.contradiction(changed)
        # A repeat only adds closing data: a retried "opened" report arriving after the close, with
        # nulls in those fields, must not reopen the trade or zero its profit.
        closing = {name: values[name] for name in rules.CLOSING_FIELDS if raw.get(name) is not None}
        if "open_time" in values and stored.open_time_stamped_by_server:
            closing.update(open_time=values["open_time"], open_time_stamped_by_server=False)
        # A retry that carries nothing new writes nothing: the stored trade (and its updated_at) stays.
        if any(getattr(stored, name) != value for name, value in closing.items()):
            trade = replace(stored, **closing, updated_at=self._clock.now())
            rules.check_close_after_open(trade)
            await self._uow.trades.update(trade)
            await self._uow.commit()
            return replace(view, trade=trade)
        return view

    async def _expert_of(self, reference: Any) -> ExpertAdvisor:
        key = _expert_reference(reference)
        if isinstance(key, UUID):
            expert = await self._uow.experts.get(key)
        else:
            expert = await self._uow.experts.get_by_magic(key)
        if expert is None:
            raise NotFound(NO_SUCH_EXPERT)
        return expert

    async def _owned(
        self, caller: Principal, reference: UUID | str | int, by_ticket: bool, for_update: bool = False
    ) -> TradeView:
        view = None
        if by_ticket:
            try:
                view = await self._uow.trades.get_by_ticket(caller.id, parse_positive_id(reference), for_update)  # type: ignore[arg-type]
            except ValueError:
                view = None
        else:
            try:
                key = reference if isinstance(reference, UUID) else UUID(str(reference))
            except ValueError:
                key = None
            view = None if key is None else await self._uow.trades.get(caller.id, key, for_update)
        if view is None:
            raise NotFound(TRADE_NOT_FOUND)
        return view


def _expert_reference(value: Any) -> UUID | int:
    try:
        return rules.read_expert_reference(value)
    except ValueError as error:
        raise ValidationFailed([FieldError("expert", str(error))]) from None


def _offset(minutes: int | None) -> timedelta:
    return timedelta(minutes=minutes or 0)


def _new_trade(user_id: UUID, expert_id: UUID, values: Mapping[str, Any], now: Any) -> Trade:
    stamped = "open_time" not in values
    fields = {name: value for name, value in values.items() if name != "open_time"}
    return Trade(
        id=uuid4(),
        user_id=user_id,
        expert_id=expert_id,
        open_time=values.get("open_time", now),
        open_time_stamped_by_server=stamped,
        created_at=now,
        updated_at=now,
        **fields,
    )


def _with_values(stored: Trade, values: Mapping[str, Any], clock: Clock, partial: bool) -> Trade:
    """The stored trade with the editable fields of `values`; a full update resets the ones not given."""
    editable = {name: value for name, value in values.items() if name not in rules.FIXED_FIELDS}
    if "open_time" in values and stored.open_time_stamped_by_server:
        editable.update(open_time=values["open_time"], open_time_stamped_by_server=False)
    if not partial:
        defaults = Trade(
            id=stored.id,
            user_id=stored.user_id,
            expert_id=stored.expert_id,
            ticket_number=stored.ticket_number,
            ticker=stored.ticker,
            direction=stored.direction,
            lot_size=stored.lot_size,
            open_time=stored.open_time,
            open_time_stamped_by_server=stored.open_time_stamped_by_server,
            created_at=stored.created_at,
            updated_at=stored.updated_at,
        )
        stored = defaults
    return replace(stored, **editable, updated_at=clock.now())
