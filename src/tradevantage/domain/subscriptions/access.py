"""The EA bridge's question: may this user trade this EA now, from this account?"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tradevantage.domain.subscriptions.entities import SubscriptionStatus, SubscriptionView


class SubscriptionAccess(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    AWAITING_PAYMENT = "awaiting_payment"
    OTHER_ACCOUNT = "other_account"
    NOT_FOUND = "not_found"


@dataclass(frozen=True, slots=True)
class AccessFacts:
    """What one query finds for a user and a magic number."""

    subscription: SubscriptionView | None
    creator_email: str | None
    """Of the EA's creator; None when the EA does not exist."""


def decide_access(
    facts: AccessFacts, now: datetime, account_number: str | None = None, creator_email: str | None = None
) -> SubscriptionAccess:
    """Not found (no EA, no subscription, or another creator) before a wrong account, before the status.

    Archiving an EA does not end access: existing subscriptions keep working until they expire.
    """
    if facts.creator_email is None or facts.subscription is None:
        return SubscriptionAccess.NOT_FOUND
    # A blank creator email (an EA setting left empty) means none was given.
    if creator_email and creator_email.strip() and creator_email.strip().lower() != facts.creator_email.lower():
        return SubscriptionAccess.NOT_FOUND
    bound_to = facts.subscription.subscription.account_number
    if bound_to is not None and (account_number or "").strip() != bound_to:
        return SubscriptionAccess.OTHER_ACCOUNT
    status = facts.subscription.subscription.status(now)
    if status is SubscriptionStatus.PENDING:
        return SubscriptionAccess.AWAITING_PAYMENT
    if status is SubscriptionStatus.EXPIRED:
        return SubscriptionAccess.EXPIRED
    return SubscriptionAccess.ACTIVE
