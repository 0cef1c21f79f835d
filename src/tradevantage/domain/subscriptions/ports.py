"""Ports of subscriptions, implemented by adapters."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from tradevantage.domain.market.ports import ExpertRepository
from tradevantage.domain.pagination import Page, PageRequest
from tradevantage.domain.subscriptions.access import AccessFacts
from tradevantage.domain.subscriptions.entities import ExpertStanding, Subscription, SubscriptionView


class SubscriptionRepository(Protocol):
    async def add(self, subscription: Subscription) -> None:
        """Store a new subscription; raise `Conflict` naming `expert` if the user already has one to it."""
        ...

    async def update(self, subscription: Subscription) -> None: ...

    async def find(self, user_id: UUID, expert_id: UUID) -> Subscription | None: ...

    async def view(self, subscription_id: UUID, for_update: bool = False) -> SubscriptionView | None:
        """With `for_update`, the subscription is locked until the unit of work ends, so concurrent
        changes (payments) apply one after the other."""
        ...

    async def list_page(
        self, page: PageRequest, subscriber: UUID | None = None, creator: UUID | None = None
    ) -> Page[SubscriptionView]:
        """Subscriptions of a subscriber, or to the EAs of a creator, newest first."""
        ...

    async def expiring_between(self, start: datetime, end: datetime) -> list[SubscriptionView]:
        """Subscriptions whose `expires_at` falls in [start, end], soonest first."""
        ...

    async def standing(self, user_id: UUID, expert: UUID | int) -> ExpertStanding | None:
        """The EA named by its id or magic number, with the user's subscription to it, in one
        indexed query; None when no EA has that id or magic number."""
        ...


class AccessFactsReader(Protocol):
    """The EA bridge's read: no unit of work, since the check changes nothing."""

    async def access_facts(self, user_id: UUID, magic_number: int) -> AccessFacts:
        """Everything the access decision needs, in one indexed query."""
        ...


class SubscriptionsUnitOfWork(Protocol):
    experts: ExpertRepository
    subscriptions: SubscriptionRepository

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...
