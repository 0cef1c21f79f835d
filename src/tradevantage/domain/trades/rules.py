"""How a trade report is read, field by field, and what makes a repeat contradict a stored trade."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from tradevantage.domain.errors import Conflict, FieldError, ValidationFailed
from tradevantage.domain.subscriptions.rules import read_account_number
from tradevantage.domain.trades.entities import ZERO, Direction, Trade
from tradevantage.domain.values import is_symbol, parse_decimal, parse_positive_id, parse_timestamp, text_problem

MAX_TICKER_LENGTH = 32
MAX_COMMENT_LENGTH = 255
FIXED_FIELDS = ("ticket_number", "ticker", "direction", "lot_size", "open_time")
"""With `expert`: fixed once reported. A repeat may restate them, never change them."""
CLOSING_FIELDS = ("close_time", "close_price", "profit", "commission", "swap")
"""What a repeated report may bring: the trade closing."""
REQUIRED_ON_REPORT = ("expert", "ticket_number", "ticker", "direction", "lot_size")
_METATRADER_ORDER_TYPES = {0: Direction.BUY, 1: Direction.SELL}


def read_direction(value: Any) -> Direction:
    """`BUY`/`SELL` in any case, or MetaTrader's order types 0 (buy) and 1 (sell), as numbers or strings."""
    if isinstance(value, bool):
        raise ValueError("Expected BUY or SELL.")
    if isinstance(value, int) and value in _METATRADER_ORDER_TYPES:
        return _METATRADER_ORDER_TYPES[value]
    if isinstance(value, str):
        text = value.strip().upper()
        if text in ("0", "1"):
            return _METATRADER_ORDER_TYPES[int(text)]
        if text in Direction.__members__:
            return Direction(text)
    raise ValueError("Expected BUY or SELL (or MetaTrader's order type 0 or 1).")


def read_expert_reference(value: Any) -> int | UUID:
    """An EA named by its magic number or, as some deployed EAs do, by its UUID."""
    if isinstance(value, str) and len(value.strip()) == 36:
        try:
            return UUID(value.strip())
        except ValueError:
            pass
    try:
        return parse_positive_id(value)
    except ValueError:
        raise ValueError("Expected the EA's magic number (or its id).") from None


def read_fields(raw: Mapping[str, Any], broker_offset: timedelta) -> dict[str, Any]:
    """Every known field of `raw` read into its value; all bad ones named at once.

    Naive timestamps are read as broker server time, `broker_offset` east of UTC.
    """
    readers = _readers(broker_offset)
    values: dict[str, Any] = {}
    errors: list[FieldError] = []
    for name, value in raw.items():
        reader = readers.get(name)
        if reader is None:
            continue
        try:
            values[name] = reader(value)
        except ValueError as error:
            errors.append(FieldError(name, str(error)))
        except ValidationFailed as failure:
            errors += failure.errors
    if errors:
        raise ValidationFailed(errors)
    return values


def missing_on_report(raw: Mapping[str, Any]) -> list[FieldError]:
    return [FieldError(name, "This field is required.") for name in REQUIRED_ON_REPORT if raw.get(name) is None]


def changed_fixed_fields(stored: Trade, expert_id: UUID | None, values: Mapping[str, Any]) -> list[str]:
    """The fixed fields `values` gives differently from `stored` (in any accepted spelling).

    An open time the server stamped was never reported, so a later one is no contradiction.
    """
    changed = ["expert"] if expert_id is not None and expert_id != stored.expert_id else []
    for name in FIXED_FIELDS:
        if name not in values:
            continue
        if name == "open_time" and stored.open_time_stamped_by_server:
            continue
        if values[name] != getattr(stored, name):
            changed.append(name)
    return changed


def contradiction(fields: list[str]) -> Conflict:
    return Conflict(
        "This ticket was already reported with other values.",
        [FieldError(name, "Differs from the trade already reported for this ticket.") for name in fields],
    )


def check_close_after_open(trade: Trade) -> None:
    """A close before the open is refused, unless the server stamped the open (the EA's clock may differ)."""
    if trade.close_time is not None and trade.close_time < trade.open_time and not trade.open_time_stamped_by_server:
        raise ValidationFailed([FieldError("close_time", "Must not be before open_time.")])


def _readers(broker_offset: timedelta) -> dict[str, Callable[[Any], Any]]:
    def moment(value: Any) -> datetime:
        if not isinstance(value, str):
            raise ValueError("Expected a timestamp string.")
        return parse_timestamp(value, broker_offset)

    def optional_moment(value: Any) -> datetime | None:
        return None if value is None else moment(value)

    return {
        "ticket_number": parse_positive_id,
        "ticker": _ticker,
        "direction": read_direction,
        "lot_size": _lot_size,
        "open_time": moment,
        "close_time": optional_moment,
        "open_price": _price,
        "close_price": _price,
        "stop_loss": _price,
        "take_profit": _price,
        "commission": _amount,
        "swap": _amount,
        "profit": _amount,
        "account_number": read_account_number,
        "comment": _comment,
    }


def _ticker(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("Expected the symbol as a string.")
    text = value.strip()
    if len(text) > MAX_TICKER_LENGTH or not is_symbol(text):
        raise ValueError(f"A symbol of 1 to {MAX_TICKER_LENGTH} characters without spaces, as the broker spells it.")
    return text


def _lot_size(value: Any) -> Decimal:
    lots = parse_decimal(value)
    if lots <= 0:
        raise ValueError("Must be greater than 0.")
    return lots


def _price(value: Any) -> Decimal | None:
    if value is None:
        return None
    price = parse_decimal(value)
    if price < 0:
        raise ValueError("Must not be negative.")
    return price


def _amount(value: Any) -> Decimal:
    return ZERO if value is None else parse_decimal(value)


def _comment(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError("Expected a string.")
    if problem := text_problem(value):
        raise ValueError(problem)
    if len(value) > MAX_COMMENT_LENGTH:
        raise ValueError(f"At most {MAX_COMMENT_LENGTH} characters.")
    return value
