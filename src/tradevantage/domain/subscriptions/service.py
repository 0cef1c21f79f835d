"""The subscription service: subscribing, paying and cancelling (the EA bridge's check is in access_check.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from tradevantage.domain.clock import Clock
from tradevantage.domain.errors import Conflict, FieldError, NotFound, PermissionDenied, ValidationFailed
from tradevantage.domain.market.rules import parse_magic_number
from tradevantage.domain.pagination import Page, PageRequest
from tradevantage.domain.subscriptions import rules
from tradevantage.domain.subscriptions.entities import Subscription, SubscriptionStatus, SubscriptionView
from tradevantage.domain.subscriptions.ports import SubscriptionsUnitOfWork
from tradevantage.domain.users.entities import Principal, Role

SUBSCRIPTION_NOT_FOUND = "Subscription not found."


@dataclass(frozen=True, slots=True)
class SubscribeResult:
    view: SubscriptionView
    created: bool
    """False when a cancelled subscription was resumed."""


class SubscriptionService:
    """Use cases of subscriptions. Each public method is one unit of work."""

    def __init__(self, uow: SubscriptionsUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def subscribe(
        self, caller: Principal, magic_number: int | str, account_number: Any = None
    ) -> SubscribeResult:
        """Subscribe to an EA, or resume a cancelled subscription to it."""
        account = rules.read_account_number(account_number)
        magic = _magic_from_body(magic_number)
        expert = await self._uow.experts.get_by_magic(magic)
        if expert is None:
            raise NotFound("No Expert Advisor has this magic number.")
        if expert.archived:
            raise Conflict(
                "This Expert Advisor is archived and takes no new subscriptions.",
                [FieldError("expert", "This Expert Advisor is archived.")],
            )
        existing = await self._uow.subscriptions.find(caller.id, expert.id)
        now = self._clock.now()
        if existing is not None:
            lapsed_free = expert.is_free and existing.status(now) is not SubscriptionStatus.ACTIVE
            if existing.cancelled_at is None and not lapsed_free:
                raise rules.already_subscribed()
            resumed = replace(existing, cancelled_at=None, account_number=account or existing.account_number)
            if lapsed_free:
                # Nobody pays for a free EA: subscribing again is how its 30 days are renewed.
                resumed = replace(resumed, expires_at=rules.first_term_end(True, now))
            await self._uow.subscriptions.update(resumed)
            return SubscribeResult(await self._commit_and_view(resumed.id), created=False)
        subscription = Subscription(
            id=uuid4(),
            user_id=caller.id,
            expert_id=expert.id,
            subscribed_at=now,
            expires_at=rules.first_term_end(expert.is_free, now),
            account_number=account,
        )
        await self._uow.subscriptions.add(subscription)
        return SubscribeResult(await self._commit_and_view(subscription.id), created=True)

    async def list_own(self, caller: Principal, page: PageRequest) -> Page[SubscriptionView]:
        return (await self._uow.subscriptions.list_page(page, subscriber=caller.id)).or_not_found()

    async def list_managed(self, caller: Principal, page: PageRequest) -> Page[SubscriptionView]:
        """Subscriptions to the EAs the caller created: programmers and admins only."""
        if caller.role not in (Role.PROGRAMMER, Role.ADMIN):
            raise PermissionDenied("Only programmers and admins manage subscriptions to their Expert Advisors.")
        return (await self._uow.subscriptions.list_page(page, creator=caller.id)).or_not_found()

    async def expiring_within(self, days: int) -> list[SubscriptionView]:
        """Administrators' report: subscriptions that end within `days` days from now."""
        if days < 0:
            raise ValidationFailed([FieldError("expiring_within", "Must not be negative.")])
        now = self._clock.now()
        return await self._uow.subscriptions.expiring_between(now, now + timedelta(days=days))

    async def show(self, caller: Principal, subscription_id: UUID | str) -> SubscriptionView:
        return await self._own_view(caller, subscription_id)

    async def change(
        self, caller: Principal, subscription_id: UUID | str, fields: Mapping[str, Any]
    ) -> SubscriptionView:
        """Bind a trading account or set the broker's UTC offset."""
        view = await self._own_view(caller, subscription_id, for_update=True)
        changed = rules.read_changes(view.subscription, fields)
        await self._uow.subscriptions.update(changed)
        return await self._commit_and_view(changed.id)

    async def cancel(self, caller: Principal, subscription_id: UUID | str) -> SubscriptionView:
        """Stop renewal; access lasts until `expires_at`. Cancelling twice changes nothing."""
        view = await self._own_view(caller, subscription_id, for_update=True)
        if view.subscription.cancelled_at is not None:
            return view
        cancelled = replace(view.subscription, cancelled_at=self._clock.now())
        await self._uow.subscriptions.update(cancelled)
        return await self._commit_and_view(cancelled.id)

    async def record_payment(
        self, caller: Principal, subscription_id: UUID | str, paid_at: datetime | None = None, periods: Any = None
    ) -> SubscriptionView:
        """The EA's creator (or an admin) records a payment; the subscriber may not pay themself in."""
        view = await self._view(subscription_id, for_update=True)
        is_subscriber = view.subscription.user_id == caller.id
        if not (is_subscriber or caller.role is Role.ADMIN or view.expert.created_by == caller.id):
            raise NotFound(SUBSCRIPTION_NOT_FOUND)
        if is_subscriber:
            raise PermissionDenied("Payments are recorded by the Expert Advisor's creator, not the subscriber.")
        paid = rules.with_payment(view.subscription, paid_at or self._clock.now(), rules.read_periods(periods))
        await self._uow.subscriptions.update(paid)
        return await self._commit_and_view(paid.id)

    async def _own_view(
        self, caller: Principal, subscription_id: UUID | str, for_update: bool = False
    ) -> SubscriptionView:
        view = await self._view(subscription_id, for_update)
        if view.subscription.user_id != caller.id and caller.role is not Role.ADMIN:
            raise NotFound(SUBSCRIPTION_NOT_FOUND)
        return view

    async def _view(self, subscription_id: UUID | str, for_update: bool = False) -> SubscriptionView:
        try:
            key = subscription_id if isinstance(subscription_id, UUID) else UUID(subscription_id)
        except ValueError:
            raise NotFound(SUBSCRIPTION_NOT_FOUND) from None
        view = await self._uow.subscriptions.view(key, for_update)
        if view is None:
            raise NotFound(SUBSCRIPTION_NOT_FOUND)
        return view

    async def _commit_and_view(self, subscription_id: UUID) -> SubscriptionView:
        await self._uow.commit()
        view = await self._uow.subscriptions.view(subscription_id)
        if view is None:  # pragma: no cover - it was just written
            raise NotFound(SUBSCRIPTION_NOT_FOUND)
        return view


def _magic_from_body(value: int | str) -> int:
    try:
        return parse_magic_number(value)
    except ValueError as error:
        raise ValidationFailed([FieldError("expert", str(error))]) from None
