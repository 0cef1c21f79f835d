"""Reading trade reports and deciding what contradicts a stored trade."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from tradevantage.domain.errors import ValidationFailed
from tradevantage.domain.trades import rules
from tradevantage.domain.trades.entities import Direction, Trade

OPEN = datetime(2025, 5, 3, 14, 0, tzinfo=UTC)


def stored(stamped: bool = False) -> Trade:
    return Trade(
        id=uuid4(),
        user_id=uuid4(),
        expert_id=uuid4(),
        ticket_number=12345678,
        ticker="EURUSD.m",
        direction=Direction.BUY,
        lot_size=Decimal("0.10"),
        open_time=OPEN,
        open_time_stamped_by_server=stamped,
        created_at=OPEN,
        updated_at=OPEN,
    )


@pytest.mark.parametrize(
    ("given", "direction"),
    [
        ("BUY", Direction.BUY),
        ("buy", Direction.BUY),
        (" Sell ", Direction.SELL),
        (0, Direction.BUY),
        ("1", Direction.SELL),
    ],
)
def test_direction_spellings(given: object, direction: Direction) -> None:
    assert rules.read_direction(given) is direction


@pytest.mark.parametrize("given", ["LONG", 2, -1, True, None, "", "01"])
def test_unknown_directions_are_refused(given: object) -> None:
    with pytest.raises(ValueError, match="BUY or SELL"):
        rules.read_direction(given)


def test_expert_is_a_magic_number_or_a_uuid() -> None:
    key = uuid4()
    assert rules.read_expert_reference(123) == 123
    assert rules.read_expert_reference("123") == 123
    assert rules.read_expert_reference(str(key)) == key
    with pytest.raises(ValueError, match="magic number"):
        rules.read_expert_reference("not-a-uuid-and-not-a-number-at-all!")


def test_fields_are_read_with_broker_time_and_every_bad_one_named() -> None:
    values = rules.read_fields(
        {"open_time": "2025.05.03 17:00", "lot_size": 0.1, "profit": None, "comment": None, "unknown": 1},
        timedelta(hours=3),
    )
    assert values == {"open_time": OPEN, "lot_size": Decimal("0.1"), "profit": Decimal(0), "comment": ""}
    with pytest.raises(ValidationFailed) as error:
        rules.read_fields({"lot_size": -1, "ticker": "A B", "open_time": 5, "account_number": "9" * 40}, timedelta(0))
    assert [e.field for e in error.value.errors] == ["lot_size", "ticker", "open_time", "account_number"]


def test_restating_fixed_fields_in_other_spellings_changes_nothing() -> None:
    trade = stored()
    values = rules.read_fields(
        {
            "ticket_number": "12345678",
            "ticker": "EURUSD.m",
            "direction": 0,
            "lot_size": "0.1",
            "open_time": "2025-05-03T16:00:00+02:00",
        },
        timedelta(0),
    )
    assert rules.changed_fixed_fields(trade, trade.expert_id, values) == []


def test_changed_fixed_fields_are_listed() -> None:
    trade = stored()
    values = rules.read_fields(
        {"ticker": "GBPUSD", "direction": "SELL", "open_time": "2025-05-03T15:00:00Z"}, timedelta(0)
    )
    assert rules.changed_fixed_fields(trade, UUID(int=1), values) == ["expert", "ticker", "direction", "open_time"]


def test_an_open_time_stamped_by_the_server_is_no_contradiction() -> None:
    values = rules.read_fields({"open_time": "2025-05-03T15:00:00Z"}, timedelta(0))
    assert rules.changed_fixed_fields(stored(stamped=True), None, values) == []


def test_close_before_open_is_refused_unless_the_server_stamped_the_open() -> None:
    early = OPEN - timedelta(hours=1)
    with pytest.raises(ValidationFailed):
        rules.check_close_after_open(replace(stored(), close_time=early))
    rules.check_close_after_open(replace(stored(stamped=True), close_time=early))
