"""What a valid Expert Advisor description is, field by field."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from tradevantage.domain.errors import Conflict, FieldError, ValidationFailed
from tradevantage.domain.market.entities import TIMEFRAMES, ExpertDetails
from tradevantage.domain.values import is_symbol, is_visible, parse_decimal, parse_positive_id, text_problem

REQUIRED = ("magic_number", "name")
MAX_SYMBOL_LENGTH = 32


def build_details(raw: Mapping[str, Any], base: ExpertDetails | None = None) -> ExpertDetails:
    """Details from client input: every given field checked, every bad one named at once.

    With `base`, fields not given keep their value (a partial update); without, `magic_number`
    and `name` are required and the rest take their defaults.
    """
    errors: list[FieldError] = []
    if base is None:
        errors += [FieldError(name, "This field is required.") for name in REQUIRED if raw.get(name) is None]
    values: dict[str, Any] = {}
    for name, value in raw.items():
        reader = _READERS.get(name)
        if reader is None:
            continue
        try:
            values[name] = reader(value)
        except ValueError as error:
            errors.append(FieldError(name, str(error)))
    if errors:
        raise ValidationFailed(errors)
    if base is None:
        return ExpertDetails(**values)
    return replace(base, **values)


def _text(maximum: int, required: bool = False, multiline: bool = False) -> Callable[[Any], str]:
    def read(value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError("Expected a string.")
        text = value.strip()
        if problem := text_problem(text, multiline):
            raise ValueError(problem)
        if required and not is_visible(text):
            raise ValueError("This field may not be blank.")
        if len(text) > maximum:
            raise ValueError(f"At most {maximum} characters.")
        return text

    return read


def _amount(value: Any) -> Decimal:
    if value is None:
        raise ValueError("Expected a number.")
    amount = parse_decimal(value)
    if amount < 0:
        raise ValueError("Must not be negative.")
    return amount


def _url(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > 2048:
        raise ValueError("Expected an http or https URL of at most 2048 characters.")
    url = value.strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - reading it checks the port
    except ValueError:
        raise ValueError("Enter a valid http or https URL.") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or not is_symbol(url):
        raise ValueError("Enter a valid http or https URL (spaces and control characters must be %-encoded).")
    return url


def _symbols(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ValueError("Expected a list of symbols.")
    symbols: dict[str, None] = {}
    for item in value:
        if not isinstance(item, str) or not item.strip() or len(item.strip()) > MAX_SYMBOL_LENGTH:
            raise ValueError(f"Each symbol is a string of 1 to {MAX_SYMBOL_LENGTH} characters.")
        if not is_symbol(item.strip()):
            raise ValueError(f"Symbols hold no spaces or invisible characters: {item.strip()!r}.")
        symbols[item.strip()] = None
    return tuple(symbols)


def _timeframes(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError("Expected a list of timeframes.")
    given = {item.strip().upper() for item in value}
    unknown = sorted(given - set(TIMEFRAMES))
    if unknown:
        raise ValueError(f"Unknown timeframe {unknown[0]!r}; use any of {' '.join(TIMEFRAMES)}.")
    return tuple(tf for tf in TIMEFRAMES if tf in given)


def _parameters(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError("Expected a JSON object.")
    return {key: _as_input_value(item) for key, item in value.items()}


def _as_input_value(value: Any) -> Any:
    """EA inputs are MQL doubles: fractional numbers are kept as floats, like the terminal reads them."""
    if isinstance(value, Decimal):
        number = float(value)
        if not math.isfinite(number):
            raise ValueError("Numbers in parameters must be finite and within a double's range.")
        return number
    if isinstance(value, dict):
        return {key: _as_input_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_input_value(item) for item in value]
    return value


def parse_magic_number(value: Any) -> int:
    """A positive integer up to 2^63-1 (MT5 magic numbers are 64-bit), as a number or numeric string."""
    return parse_positive_id(value)


_READERS: dict[str, Callable[[Any], Any]] = {
    "magic_number": parse_magic_number,
    "name": _text(100, required=True),
    "description": _text(10_000, multiline=True),
    "version": _text(32, required=True),
    "author": _text(150),
    "supported_pairs": _symbols,
    "timeframes": _timeframes,
    "minimum_deposit": _amount,
    "price": _amount,
    "instructions": _text(20_000, multiline=True),
    "image_url": _url,
    "file_url": _url,
    "parameters": _parameters,
}


def magic_number_taken() -> Conflict:
    return Conflict(
        "An Expert Advisor with this magic number already exists.",
        [FieldError("magic_number", "This magic number is already used in the market.")],
    )


def name_taken() -> Conflict:
    return Conflict(
        "You already have an Expert Advisor with this name.",
        [FieldError("name", "You already use this name for another Expert Advisor.")],
    )
