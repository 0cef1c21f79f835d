"""Subscription arithmetic and field rules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from tradevantage.domain.errors import Conflict, FieldError, ValidationFailed
from tradevantage.domain.subscriptions.entities import PERIOD, Subscription
from tradevantage.domain.values import is_symbol

MAX_ACCOUNT_NUMBER_LENGTH = 32
MIN_UTC_OFFSET, MAX_UTC_OFFSET = -720, 840
MAX_PERIODS = 120


def first_term_end(is_free: bool, now: datetime) -> datetime | None:
    """A free EA is active for one period at once; a paid one waits for its first payment."""
    return now + PERIOD if is_free else None


def with_payment(subscription: Subscription, paid_at: datetime, periods: int) -> Subscription:
    """Extend by `periods` times 30 days from the later of the current end and the payment."""
    start = max(subscription.expires_at, paid_at) if subscription.expires_at else paid_at
    last_paid = max(subscription.last_paid_at, paid_at) if subscription.last_paid_at else paid_at
    return replace(subscription, expires_at=start + PERIOD * periods, last_paid_at=last_paid)


def read_account_number(value: Any, field: str = "account_number") -> str | None:
    """A MetaTrader login: up to 32 characters, given as a string or a number; blank means none."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ValidationFailed([FieldError(field, "Expected a string or a number.")])
    text = value.strip()
    if len(text) > MAX_ACCOUNT_NUMBER_LENGTH:
        raise ValidationFailed([FieldError(field, f"At most {MAX_ACCOUNT_NUMBER_LENGTH} characters.")])
    if text and not is_symbol(text):
        raise ValidationFailed([FieldError(field, "No spaces, control or invisible characters.")])
    return text or None


def read_changes(subscription: Subscription, fields: Mapping[str, Any]) -> Subscription:
    """Apply a subscriber's changes: `account_number` and `broker_utc_offset`, nothing else."""
    errors: list[FieldError] = []
    changes: dict[str, Any] = {}
    if "account_number" in fields:
        try:
            changes["account_number"] = read_account_number(fields["account_number"])
        except ValidationFailed as failure:
            errors += failure.errors
    if "broker_utc_offset" in fields:
        offset = fields["broker_utc_offset"]
        if offset is not None and (
            not isinstance(offset, int) or isinstance(offset, bool) or not MIN_UTC_OFFSET <= offset <= MAX_UTC_OFFSET
        ):
            errors.append(
                FieldError("broker_utc_offset", f"Minutes east of UTC, from {MIN_UTC_OFFSET} to {MAX_UTC_OFFSET}.")
            )
        else:
            changes["broker_utc_offset"] = offset
    if errors:
        raise ValidationFailed(errors)
    return replace(subscription, **changes)


def read_periods(value: Any) -> int:
    if value is None:
        return 1
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_PERIODS:
        raise ValidationFailed([FieldError("periods", f"A whole number from 1 to {MAX_PERIODS}.")])
    return value


def already_subscribed() -> Conflict:
    return Conflict(
        "You are already subscribed to this Expert Advisor.",
        [FieldError("expert", "You already have a subscription to this Expert Advisor.")],
    )
