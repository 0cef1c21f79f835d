"""Shapes of the subscription endpoints and the EA bridge's check."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec

from tradevantage.domain.subscriptions.entities import SubscriptionView
from tradevantage.domain.values import format_timestamp
from tradevantage.entrypoints.http.schemas.partial import PartialBody

Unset = msgspec.UnsetType
UNSET = msgspec.UNSET


def _moment(value: datetime | None) -> str | None:
    return None if value is None else format_timestamp(value)


class SubscribeRequest(msgspec.Struct):
    expert: int | str
    """The EA's magic number."""
    account_number: str | int | None = None


class SubscriptionChange(PartialBody):
    account_number: str | int | Unset | None = UNSET
    broker_utc_offset: int | Unset | None = UNSET


class PaymentRequest(msgspec.Struct):
    paid_at: str | None = None
    periods: int | None = None


class ExpertBrief(msgspec.Struct):
    id: UUID
    magic_number: int
    name: str
    version: str


class SubscriptionResponse(msgspec.Struct):
    id: UUID
    expert: ExpertBrief
    user: str
    subscribed_at: str
    last_paid_at: str | None
    expires_at: str | None
    cancelled_at: str | None
    account_number: str | None
    broker_utc_offset: int | None
    status: str

    @classmethod
    def of(cls, view: SubscriptionView, now: datetime) -> SubscriptionResponse:
        subscription = view.subscription
        return cls(
            id=subscription.id,
            expert=ExpertBrief(
                id=view.expert.id,
                magic_number=view.expert.magic_number,
                name=view.expert.name,
                version=view.expert.version,
            ),
            user=view.user_email,
            subscribed_at=format_timestamp(subscription.subscribed_at),
            last_paid_at=_moment(subscription.last_paid_at),
            expires_at=_moment(subscription.expires_at),
            cancelled_at=_moment(subscription.cancelled_at),
            account_number=subscription.account_number,
            broker_utc_offset=subscription.broker_utc_offset,
            status=subscription.status(now).value,
        )


class SubscriptionPage(msgspec.Struct):
    count: int
    next: str | None
    previous: str | None
    results: list[SubscriptionResponse]


class TradeAuthResponse(msgspec.Struct):
    """The EA bridge's answer for an active subscription."""

    user: str
    expert: ExpertBrief
    status: str
    subscribed_at: str
    last_paid_at: str | None
    expires_at: str | None
    account_number: str | None

    @classmethod
    def of(cls, view: SubscriptionView, now: datetime) -> TradeAuthResponse:
        full = SubscriptionResponse.of(view, now)
        return cls(
            user=full.user,
            expert=full.expert,
            status=full.status,
            subscribed_at=full.subscribed_at,
            last_paid_at=full.last_paid_at,
            expires_at=full.expires_at,
            account_number=full.account_number,
        )
