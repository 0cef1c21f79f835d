"""Every branch of the EA bridge's access decision, with a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from tradevantage.domain.subscriptions.access import AccessFacts, SubscriptionAccess, decide_access
from tradevantage.domain.subscriptions.entities import ExpertSummary, Subscription, SubscriptionView

NOW = datetime(2025, 5, 3, 14, 0, tzinfo=UTC)
CREATOR = "author@example.com"


def facts(
    expires_at: datetime | None = NOW + timedelta(days=1),
    account_number: str | None = None,
    archived: bool = False,
    subscribed: bool = True,
) -> AccessFacts:
    user_id, expert_id = uuid4(), uuid4()
    subscription = Subscription(
        id=uuid4(),
        user_id=user_id,
        expert_id=expert_id,
        subscribed_at=NOW - timedelta(days=10),
        last_paid_at=NOW - timedelta(days=10) if expires_at else None,
        expires_at=expires_at,
        account_number=account_number,
    )
    expert = ExpertSummary(
        id=expert_id, magic_number=123, name="EA", version="1", created_by=uuid4(), archived=archived
    )
    view = SubscriptionView(subscription, expert, "trader@example.com") if subscribed else None
    return AccessFacts(subscription=view, creator_email=CREATOR)


def test_active_subscription_may_trade() -> None:
    assert decide_access(facts(), NOW) is SubscriptionAccess.ACTIVE


def test_unknown_expert_is_not_found() -> None:
    assert decide_access(AccessFacts(subscription=None, creator_email=None), NOW) is SubscriptionAccess.NOT_FOUND


def test_no_subscription_is_not_found() -> None:
    assert decide_access(facts(subscribed=False), NOW) is SubscriptionAccess.NOT_FOUND


def test_creator_email_is_compared_case_insensitively() -> None:
    assert decide_access(facts(), NOW, creator_email=" Author@Example.COM ") is SubscriptionAccess.ACTIVE


def test_another_creator_email_is_not_found() -> None:
    assert decide_access(facts(), NOW, creator_email="someone@example.com") is SubscriptionAccess.NOT_FOUND


@pytest.mark.parametrize("sent", [None, "", "999"])
def test_bound_subscription_refuses_other_or_missing_account(sent: str | None) -> None:
    assert decide_access(facts(account_number="12345"), NOW, account_number=sent) is SubscriptionAccess.OTHER_ACCOUNT


def test_bound_subscription_accepts_its_account() -> None:
    assert decide_access(facts(account_number="12345"), NOW, account_number="12345") is SubscriptionAccess.ACTIVE


def test_unbound_subscription_accepts_any_account() -> None:
    assert decide_access(facts(), NOW, account_number="777") is SubscriptionAccess.ACTIVE


def test_never_paid_awaits_payment() -> None:
    assert decide_access(facts(expires_at=None), NOW) is SubscriptionAccess.AWAITING_PAYMENT


def test_expired_at_the_exact_instant() -> None:
    assert decide_access(facts(expires_at=NOW), NOW) is SubscriptionAccess.EXPIRED
    assert decide_access(facts(expires_at=NOW + timedelta(microseconds=1)), NOW) is SubscriptionAccess.ACTIVE


def test_archived_expert_keeps_existing_subscriptions_working() -> None:
    assert decide_access(facts(archived=True), NOW) is SubscriptionAccess.ACTIVE


def test_wrong_account_is_decided_before_the_status() -> None:
    assert decide_access(facts(expires_at=None, account_number="1"), NOW, "2") is SubscriptionAccess.OTHER_ACCOUNT
