"""Payment arithmetic and subscription field rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from tradevantage.domain.errors import ValidationFailed
from tradevantage.domain.subscriptions import rules
from tradevantage.domain.subscriptions.entities import Subscription, SubscriptionStatus

NOW = datetime(2025, 5, 3, 14, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def subscription(expires_at: datetime | None = None, last_paid_at: datetime | None = None) -> Subscription:
    return Subscription(
        id=uuid4(),
        user_id=uuid4(),
        expert_id=uuid4(),
        subscribed_at=NOW - 60 * DAY,
        expires_at=expires_at,
        last_paid_at=last_paid_at,
    )


def test_first_payment_starts_at_the_payment() -> None:
    paid = rules.with_payment(subscription(), NOW, 1)
    assert paid.expires_at == NOW + 30 * DAY
    assert paid.last_paid_at == NOW


def test_payment_before_expiry_extends_from_the_current_end() -> None:
    paid = rules.with_payment(subscription(expires_at=NOW + 10 * DAY, last_paid_at=NOW - 20 * DAY), NOW, 1)
    assert paid.expires_at == NOW + 40 * DAY


def test_payment_after_expiry_starts_at_the_payment() -> None:
    paid = rules.with_payment(subscription(expires_at=NOW - 5 * DAY, last_paid_at=NOW - 35 * DAY), NOW, 1)
    assert paid.expires_at == NOW + 30 * DAY


def test_several_periods_extend_by_thirty_days_each() -> None:
    assert rules.with_payment(subscription(), NOW, 3).expires_at == NOW + 90 * DAY


def test_a_late_recorded_older_payment_keeps_the_latest_paid_at() -> None:
    paid = rules.with_payment(subscription(expires_at=NOW + 30 * DAY, last_paid_at=NOW), NOW - 3 * DAY, 1)
    assert paid.last_paid_at == NOW
    assert paid.expires_at == NOW + 60 * DAY


def test_free_expert_is_active_for_thirty_days_at_once_paid_one_waits() -> None:
    assert rules.first_term_end(is_free=True, now=NOW) == NOW + 30 * DAY
    assert rules.first_term_end(is_free=False, now=NOW) is None


@pytest.mark.parametrize(
    ("expires_at", "status"),
    [
        (None, SubscriptionStatus.PENDING),
        (NOW + DAY, SubscriptionStatus.ACTIVE),
        (NOW, SubscriptionStatus.EXPIRED),
        (NOW - DAY, SubscriptionStatus.EXPIRED),
    ],
)
def test_status_follows_the_clock(expires_at: datetime | None, status: SubscriptionStatus) -> None:
    assert subscription(expires_at=expires_at).status(NOW) is status


@pytest.mark.parametrize(("given", "expected"), [(None, None), ("", None), (" 12345 ", "12345"), (12345, "12345")])
def test_account_number_is_a_trimmed_string(given: object, expected: str | None) -> None:
    assert rules.read_account_number(given) == expected


def test_account_number_longer_than_32_is_refused() -> None:
    with pytest.raises(ValidationFailed):
        rules.read_account_number("1" * 33)


def test_changes_take_account_and_offset_and_name_every_bad_field() -> None:
    changed = rules.read_changes(subscription(), {"account_number": "42", "broker_utc_offset": 180})
    assert (changed.account_number, changed.broker_utc_offset) == ("42", 180)
    with pytest.raises(ValidationFailed) as error:
        rules.read_changes(subscription(), {"account_number": "1" * 40, "broker_utc_offset": 841})
    assert [e.field for e in error.value.errors] == ["account_number", "broker_utc_offset"]


@pytest.mark.parametrize("periods", [0, -1, 121, True])
def test_periods_out_of_range_are_refused(periods: object) -> None:
    with pytest.raises(ValidationFailed):
        rules.read_periods(periods)
