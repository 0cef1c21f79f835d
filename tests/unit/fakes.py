"""In-memory fakes of the domain's ports: fast, no I/O, and honest about commits."""

from __future__ import annotations

import asyncio
from collections.abc import Hashable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Generic, TypeVar
from uuid import UUID

from tradevantage.domain.errors import AuthenticationFailed
from tradevantage.domain.market import rules as market_rules
from tradevantage.domain.market.entities import ExpertAdvisor, ExpertFilter
from tradevantage.domain.pagination import Bookmark, Ordering, Page, PageRequest
from tradevantage.domain.subscriptions import rules as subscription_rules
from tradevantage.domain.subscriptions.access import AccessFacts
from tradevantage.domain.subscriptions.entities import ExpertStanding, ExpertSummary, Subscription, SubscriptionView
from tradevantage.domain.trades.entities import (
    ZERO,
    DayResult,
    ExpertResult,
    ResultTotals,
    TickerResult,
    Trade,
    TradeFilter,
    TradeView,
)
from tradevantage.domain.users import rules
from tradevantage.domain.users.entities import IssuedToken, RefreshClaims, RefreshToken, User
from tradevantage.domain.users.service import INVALID_TOKEN

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

ACCESS_LIFETIME = timedelta(minutes=15)
REFRESH_LIFETIME = timedelta(days=14)


class FixedClock:
    def __init__(self, now: datetime = datetime(2025, 5, 3, 14, 0, tzinfo=UTC)) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        self.current += delta


class FakeHasher:
    def __init__(self) -> None:
        self.dummy_verifications = 0

    async def hash(self, password: str) -> str:
        return f"hashed:{password}"

    async def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == f"hashed:{password}"

    async def verify_dummy(self, password: str) -> None:
        self.dummy_verifications += 1


class FakeTokenCodec:
    """Tokens are readable strings; a refresh token past its lifetime is refused like an expired JWT."""

    def __init__(self, clock: FixedClock) -> None:
        self._clock = clock

    def issue_access(self, user: User, family_id: UUID, now: datetime) -> IssuedToken:
        return IssuedToken(token=f"access:{user.id}", expires_at=now + ACCESS_LIFETIME)

    def issue_refresh(self, claims: RefreshClaims, now: datetime) -> IssuedToken:
        expires_at = now + REFRESH_LIFETIME
        token = f"refresh:{claims.token_id}:{claims.family_id}:{claims.user_id}:{expires_at.isoformat()}"
        return IssuedToken(token=token, expires_at=expires_at)

    def read_refresh(self, token: str) -> RefreshClaims:
        try:
            kind, token_id, family_id, user_id, expires_at = token.split(":", 4)
            if kind != "refresh" or datetime.fromisoformat(expires_at) <= self._clock.now():
                raise AuthenticationFailed(INVALID_TOKEN)
            return RefreshClaims(token_id=UUID(token_id), family_id=UUID(family_id), user_id=UUID(user_id))
        except ValueError:
            raise AuthenticationFailed(INVALID_TOKEN) from None


class InMemoryUserRepository:
    def __init__(self) -> None:
        self.rows: dict[UUID, User] = {}

    async def add(self, user: User) -> None:
        if any(rules.email_key(u.email) == rules.email_key(user.email) for u in self.rows.values()):
            raise rules.email_taken()
        self.rows[user.id] = user

    async def get(self, user_id: UUID) -> User | None:
        return self.rows.get(user_id)

    async def get_by_email(self, email: str) -> User | None:
        key = rules.email_key(email)
        return next((u for u in self.rows.values() if rules.email_key(u.email) == key), None)

    async def update(self, user: User) -> None:
        self.rows[user.id] = user

    async def first_admin(self) -> User | None:
        return next((u for u in self.rows.values() if u.role == "admin" and u.is_active), None)


class InMemoryRefreshTokenRepository:
    def __init__(self) -> None:
        self.rows: dict[UUID, RefreshToken] = {}

    async def add(self, token: RefreshToken) -> None:
        self.rows[token.id] = token

    async def get(self, token_id: UUID) -> RefreshToken | None:
        return self.rows.get(token_id)

    async def use(self, token_id: UUID, at: datetime) -> bool:
        token = self.rows.get(token_id)
        if token is None or token.used_at is not None or token.revoked_at is not None:
            return False
        self.rows[token_id] = replace(token, used_at=at)
        return True

    async def revoke_family(self, family_id: UUID, at: datetime) -> None:
        for token in list(self.rows.values()):
            if token.family_id == family_id and token.revoked_at is None:
                self.rows[token.id] = replace(token, revoked_at=at)

    async def family_revoked(self, family_id: UUID) -> bool:
        return any(t.family_id == family_id and t.revoked_at is not None for t in self.rows.values())

    async def revoke_all_of_user(self, user_id: UUID, at: datetime) -> None:
        for token in list(self.rows.values()):
            if token.user_id == user_id and token.revoked_at is None:
                self.rows[token.id] = replace(token, revoked_at=at)


class InMemoryExpertRepository:
    """Stores EAs; `download_count` is computed from the subscriptions it is given, as the SQL one does."""

    def __init__(self, subscriptions: InMemorySubscriptionRepository) -> None:
        self.rows: dict[UUID, ExpertAdvisor] = {}
        self._subscriptions = subscriptions

    async def add(self, expert: ExpertAdvisor) -> None:
        self._check_unique(expert)
        self.rows[expert.id] = expert

    async def update(self, expert: ExpertAdvisor) -> None:
        self._check_unique(expert)
        self.rows[expert.id] = expert

    async def get_by_magic(self, magic_number: int) -> ExpertAdvisor | None:
        found = next((e for e in self.rows.values() if e.magic_number == magic_number), None)
        return None if found is None else self._counted(found)

    async def get(self, expert_id: UUID) -> ExpertAdvisor | None:
        found = self.rows.get(expert_id)
        return None if found is None else self._counted(found)

    async def list_page(self, where: ExpertFilter, ordering: Ordering, page: PageRequest) -> Page[ExpertAdvisor]:
        matching = [
            self._counted(e)
            for e in self.rows.values()
            if (where.include_archived or not e.archived)
            and (where.created_by is None or e.created_by == where.created_by)
        ]
        matching.sort(key=lambda e: getattr(e, ordering.field, None) or getattr(e.details, ordering.field))
        if ordering.descending:
            matching.reverse()
        return Page(matching[page.offset : page.offset + page.size], len(matching), page)

    async def id_of(self, magic_number: int) -> UUID | None:
        return next((e.id for e in self.rows.values() if e.magic_number == magic_number), None)

    async def labels(self, expert_ids: list[UUID]) -> dict[UUID, tuple[int, str]]:
        return {i: (self.rows[i].magic_number, self.rows[i].details.name) for i in expert_ids if i in self.rows}

    def _counted(self, expert: ExpertAdvisor) -> ExpertAdvisor:
        count = sum(1 for s in self._subscriptions.rows.values() if s.expert_id == expert.id)
        return replace(expert, download_count=count)

    def _check_unique(self, expert: ExpertAdvisor) -> None:
        for other in self.rows.values():
            if other.id == expert.id:
                continue
            if other.magic_number == expert.magic_number:
                raise market_rules.magic_number_taken()
            if other.created_by == expert.created_by and other.details.name == expert.details.name:
                raise market_rules.name_taken()


class InMemorySubscriptionRepository:
    def __init__(self, users: InMemoryUserRepository) -> None:
        self.rows: dict[UUID, Subscription] = {}
        self.experts: InMemoryExpertRepository | None = None
        self._users = users

    async def add(self, subscription: Subscription) -> None:
        if await self.find(subscription.user_id, subscription.expert_id) is not None:
            raise subscription_rules.already_subscribed()
        self.rows[subscription.id] = subscription

    async def update(self, subscription: Subscription) -> None:
        self.rows[subscription.id] = subscription

    async def find(self, user_id: UUID, expert_id: UUID) -> Subscription | None:
        return next((s for s in self.rows.values() if s.user_id == user_id and s.expert_id == expert_id), None)

    async def view(self, subscription_id: UUID, for_update: bool = False) -> SubscriptionView | None:
        subscription = self.rows.get(subscription_id)
        return None if subscription is None else self._view(subscription)

    async def list_page(
        self, page: PageRequest, subscriber: UUID | None = None, creator: UUID | None = None
    ) -> Page[SubscriptionView]:
        views = [self._view(s) for s in self.rows.values()]
        views = [
            v
            for v in views
            if (subscriber is None or v.subscription.user_id == subscriber)
            and (creator is None or v.expert.created_by == creator)
        ]
        views.sort(key=lambda v: v.subscription.subscribed_at, reverse=True)
        return Page(views[page.offset : page.offset + page.size], len(views), page)

    async def access_facts(self, user_id: UUID, magic_number: int) -> AccessFacts:
        assert self.experts is not None
        expert = next((e for e in self.experts.rows.values() if e.magic_number == magic_number), None)
        if expert is None:
            return AccessFacts(subscription=None, creator_email=None)
        creator = self._users.rows[expert.created_by]
        subscription = await self.find(user_id, expert.id)
        return AccessFacts(
            subscription=None if subscription is None else self._view(subscription), creator_email=creator.email
        )

    async def standing(self, user_id: UUID, expert: UUID | int) -> ExpertStanding | None:
        assert self.experts is not None
        found = next((e for e in self.experts.rows.values() if expert in (e.id, e.magic_number)), None)
        if found is None:
            return None
        subscription = await self.find(user_id, found.id)
        return ExpertStanding(found.id, found.magic_number, subscription, self._users.rows[user_id].email)

    def _view(self, subscription: Subscription) -> SubscriptionView:
        assert self.experts is not None
        expert = self.experts.rows[subscription.expert_id]
        summary = ExpertSummary(
            id=expert.id,
            magic_number=expert.magic_number,
            name=expert.details.name,
            version=expert.details.version,
            created_by=expert.created_by,
            archived=expert.archived,
        )
        return SubscriptionView(subscription, summary, self._users.rows[subscription.user_id].email)


class InMemoryTradeRepository:
    def __init__(self, experts: InMemoryExpertRepository, users: InMemoryUserRepository) -> None:
        self.rows: dict[UUID, Trade] = {}
        self.revisions: dict[UUID, int] = {}
        self.statistics_computed = 0
        self.pages_sought: list[Bookmark | None] = []
        self._experts = experts
        self._users = users

    async def revision(self, user_id: UUID) -> int:
        return self.revisions.get(user_id, 0)

    async def add_if_absent(self, trade: Trade) -> bool:
        if any(t.user_id == trade.user_id and t.ticket_number == trade.ticket_number for t in self.rows.values()):
            return False
        self.rows[trade.id] = trade
        self._raise_revision(trade.user_id)
        return True

    async def update(self, trade: Trade) -> None:
        self.rows[trade.id] = trade
        self._raise_revision(trade.user_id)

    def _raise_revision(self, user_id: UUID) -> None:
        self.revisions[user_id] = self.revisions.get(user_id, 0) + 1

    async def add_many(self, trades: list[Trade]) -> None:
        for trade in trades:
            await self.add_if_absent(trade)

    async def get_many_by_tickets(self, user_id: UUID, tickets: list[int]) -> dict[int, Trade]:
        wanted = set(tickets)
        return {t.ticket_number: t for t in self.rows.values() if t.user_id == user_id and t.ticket_number in wanted}

    async def get(self, user_id: UUID, trade_id: UUID, for_update: bool = False) -> TradeView | None:
        trade = self.rows.get(trade_id)
        return None if trade is None or trade.user_id != user_id else self._view(trade)

    async def get_by_ticket(self, user_id: UUID, ticket_number: int, for_update: bool = False) -> TradeView | None:
        found = [t for t in self.rows.values() if t.user_id == user_id and t.ticket_number == ticket_number]
        return self._view(found[0]) if found else None

    async def count(self, user_id: UUID, where: TradeFilter) -> int:
        return sum(1 for t in self.rows.values() if t.user_id == user_id)

    async def list_page(
        self,
        user_id: UUID,
        where: TradeFilter,
        ordering: Ordering,
        page: PageRequest,
        total: int,
        start: Bookmark | None = None,
    ) -> Page[TradeView]:
        """By `open_time`, ties by id; from `start` as the SQL one seeks it, so a wrong bookmark
        shows as a wrong page."""
        mine = sorted((t for t in self.rows.values() if t.user_id == user_id), key=lambda t: (t.open_time, t.id))
        if ordering.descending:
            mine.reverse()
        offset = page.offset
        if start is not None:
            start_key = (start.value, start.id)
            if ordering.descending:
                mine = [t for t in mine if (t.open_time, t.id) <= start_key]
            else:
                mine = [t for t in mine if (t.open_time, t.id) >= start_key]
            offset -= start.offset
        self.pages_sought.append(start)
        return Page([self._view(t) for t in mine[offset : offset + page.size]], total, page)

    async def totals(self, user_id: UUID, where: TradeFilter) -> ResultTotals:
        """Only the closed trades' count and net result: enough for the service's tests. Answers
        after a turn of the event loop, as a database would, so concurrent callers overlap."""
        self.statistics_computed += 1
        await asyncio.sleep(0)
        closed = [t.result for t in self.rows.values() if t.user_id == user_id and t.close_time is not None]
        return ResultTotals(trades=len(closed), closed_trades=len(closed), net_profit=sum(closed, ZERO))

    async def results_by_expert(self, user_id: UUID, where: TradeFilter) -> list[ExpertResult]:
        results: dict[UUID, ExpertResult] = {}
        for trade in self.rows.values():
            if trade.user_id != user_id or trade.close_time is None:
                continue
            expert = self._experts.rows[trade.expert_id]
            row = results.get(expert.id, ExpertResult(expert.id, expert.magic_number, expert.details.name, 0, ZERO))
            results[expert.id] = replace(row, trades=row.trades + 1, net_profit=row.net_profit + trade.result)
        return list(results.values())

    async def results_by_ticker(self, user_id: UUID, where: TradeFilter) -> list[TickerResult]:
        return []

    async def results_by_day(self, user_id: UUID, where: TradeFilter) -> list[DayResult]:
        return []

    def _view(self, trade: Trade) -> TradeView:
        expert = self._experts.rows[trade.expert_id]
        return TradeView(trade, expert.magic_number, self._users.rows[trade.user_id].email)


class FakeUnitOfWork:
    def __init__(self) -> None:
        self.users = InMemoryUserRepository()
        self.refresh_tokens = InMemoryRefreshTokenRepository()
        self.subscriptions = InMemorySubscriptionRepository(self.users)
        self.experts = InMemoryExpertRepository(self.subscriptions)
        self.subscriptions.experts = self.experts
        self.trades = InMemoryTradeRepository(self.experts, self.users)
        self.commits = 0
        self.rollbacks = 0

    async def commit(self) -> None:
        self.commits += 1

    async def rollback(self) -> None:
        self.rollbacks += 1


class DictCache(Generic[K, V]):
    """A cache that keeps everything, and counts how often it was read and found."""

    def __init__(self) -> None:
        self.entries: dict[K, V] = {}
        self.hits = 0

    def get(self, key: K) -> V | None:
        value = self.entries.get(key)
        self.hits += value is not None
        return value

    def put(self, key: K, value: V) -> None:
        self.entries[key] = value
