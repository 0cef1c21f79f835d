"""Entities of subscriptions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

PERIOD = timedelta(days=30)
"""What one payment buys, and what a free EA gives at once."""


class SubscriptionStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class Subscription:
    id: UUID
    user_id: UUID
    expert_id: UUID
    subscribed_at: datetime
    last_paid_at: datetime | None = None
    expires_at: datetime | None = None
    cancelled_at: datetime | None = None
    account_number: str | None = None
    """The MetaTrader login it is bound to, if any."""
    broker_utc_offset: int | None = None
    """Minutes east of UTC of the broker's server clock, for reading naive trade times."""

    def status(self, now: datetime) -> SubscriptionStatus:
        """Pending until first paid (or granted, for a free EA), active until it expires."""
        if self.expires_at is None:
            return SubscriptionStatus.PENDING
        if now < self.expires_at:
            return SubscriptionStatus.ACTIVE
        return SubscriptionStatus.EXPIRED


@dataclass(frozen=True, slots=True)
class ExpertSummary:
    """The EA as a subscription shows it."""

    id: UUID
    magic_number: int
    name: str
    version: str
    created_by: UUID
    archived: bool = False


@dataclass(frozen=True, slots=True)
class SubscriptionView:
    """A subscription with what its answers show: the EA and the subscriber's email."""

    subscription: Subscription
    expert: ExpertSummary
    user_email: str


@dataclass(frozen=True, slots=True)
class ExpertStanding:
    """An EA as a user's request names it, with that user's subscription to it: what a trade report
    is checked against, read in one query."""

    expert_id: UUID
    magic_number: int
    subscription: Subscription | None
    """None when the user has never subscribed to the EA."""
    user_email: str
