"""The trade filters of the API and the command line, read from text the same way for both."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from tradevantage.domain.errors import FieldError, ValidationFailed
from tradevantage.domain.trades.entities import TradeFilter, TradeStatus
from tradevantage.domain.trades.rules import read_direction
from tradevantage.domain.values import parse_decimal, parse_positive_id, parse_timestamp, text_problem

T = TypeVar("T")


def build_trade_filter(
    expert: str | None = None,
    ticker: str | None = None,
    direction: str | None = None,
    status: str | None = None,
    account_number: str | None = None,
    open_time_after: str | None = None,
    open_time_before: str | None = None,
    close_time_after: str | None = None,
    close_time_before: str | None = None,
    profit_min: str | None = None,
    profit_max: str | None = None,
    lot_size_min: str | None = None,
    lot_size_max: str | None = None,
) -> TradeFilter:
    """A `TradeFilter` from text; every bad value is named by its parameter, all at once."""
    errors: list[FieldError] = []

    def read(name: str, value: str | None, reader: Callable[[str], T]) -> T | None:
        if value is None or not value.strip():
            return None
        try:
            return reader(value)
        except ValueError as error:
            errors.append(FieldError(name, str(error)))
        except ValidationFailed as failure:
            errors.extend(failure.errors)
        return None

    where = TradeFilter(
        magic_number=read("expert", expert, parse_positive_id),
        ticker=read("ticker", ticker, _text),
        direction=read("direction", direction, read_direction),
        status=read("status", status, _status),
        account_number=read("account_number", account_number, _text),
        open_after=read("open_time_after", open_time_after, parse_timestamp),
        open_before=read("open_time_before", open_time_before, parse_timestamp),
        close_after=read("close_time_after", close_time_after, parse_timestamp),
        close_before=read("close_time_before", close_time_before, parse_timestamp),
        profit_min=read("profit_min", profit_min, parse_decimal),
        profit_max=read("profit_max", profit_max, parse_decimal),
        lot_size_min=read("lot_size_min", lot_size_min, parse_decimal),
        lot_size_max=read("lot_size_max", lot_size_max, parse_decimal),
    )
    if errors:
        raise ValidationFailed(errors)
    return where


def _text(value: str) -> str:
    if problem := text_problem(value):
        raise ValueError(problem)
    return value.strip()


def _status(value: str) -> TradeStatus:
    try:
        return TradeStatus(value.strip().lower())
    except ValueError:
        raise ValueError("Expected open or closed.") from None
