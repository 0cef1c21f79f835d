"""How the service reads and writes money, sizes and instants, whoever sends them.

Clients send decimals as JSON numbers or strings and timestamps in ISO 8601 or MetaTrader's
`TimeToString` forms. These rules are shared by every endpoint and by the offline importers.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation

MAX_DECIMAL_PLACES = 8
# Ten digits before the point: ten billion, with eight places, fits a 64-bit count of 10^-8 units.
DECIMAL_LIMIT = Decimal(10) ** 10
_DECIMAL_TEXT = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$", re.ASCII)
_WHOLE_NUMBER_TEXT = re.compile(r"^[0-9]+$", re.ASCII)
EARLIEST_YEAR, LATEST_YEAR = 1970, 2999
"""Instants outside these years are refused: MetaTrader's clock starts in 1970, and the margin
keeps every date arithmetic (offsets, 30-day periods) inside what Python can represent."""
_METATRADER_TIME = re.compile(r"^(\d{4})\.(\d{2})\.(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$")


def parse_decimal(value: Decimal | int | float | str) -> Decimal:
    """Read a decimal exactly; refuse NaN, infinities, more than 8 places and values out of range.

    Raises:
        ValueError: with a sentence fit to show the client.
    """
    if isinstance(value, bool):
        raise ValueError("Expected a number.")
    try:
        if isinstance(value, float):
            # A binary float means the decimal it prints as (0.1, not 0.1000000000000000055...).
            value = repr(value)
        if isinstance(value, str):
            # Plain ASCII numbers only: Python would also take "1_000" and other scripts' digits.
            text = value.strip()
            if not _DECIMAL_TEXT.match(text):
                raise InvalidOperation
            number = Decimal(text)
        else:
            number = Decimal(value)
    except InvalidOperation:
        raise ValueError("Expected a number, as a JSON number or a numeric string.") from None
    if not number.is_finite():
        raise ValueError("Must be a finite number.")
    normalized = number.normalize()
    exponent = normalized.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_DECIMAL_PLACES:
        raise ValueError(f"At most {MAX_DECIMAL_PLACES} decimal places are kept.")
    if abs(number) >= DECIMAL_LIMIT:
        raise ValueError(f"Must be less than {DECIMAL_LIMIT:,} in absolute value.")
    return number


def format_decimal(value: Decimal) -> str:
    """The shortest exact form with at least two decimals: `150.50`, `0.10`, `0.015`.

    Works on the text, not with Decimal arithmetic: a statistics answer formats thousands of figures.
    """
    whole, _, places = format(value, "f").partition(".")
    places = places.rstrip("0")
    if not places and whole.lstrip("-") == "0":
        return "0.00"
    return f"{whole}.{places.ljust(2, '0')}"


def parse_timestamp(text: str, naive_offset: timedelta = timedelta(0)) -> datetime:
    """Read an instant in ISO 8601 or MetaTrader's `YYYY.MM.DD HH:MM[:SS]`, as UTC.

    A time without an offset is read as wall-clock time `naive_offset` east of UTC (broker
    server time for trade reports, UTC elsewhere); an explicit offset or `Z` is taken as given.
    A bare date means its midnight.

    Raises:
        ValueError: with a sentence fit to show the client.
    """
    stripped = text.strip()
    moment = _parse_metatrader(stripped) or _parse_iso(stripped)
    if moment is None:
        raise ValueError(
            "Expected an ISO 8601 timestamp (2025-05-03T14:00:00Z) or MetaTrader time (2025.05.03 14:00:00)."
        )
    # Checked as written (so that converting cannot overflow), then as the UTC instant it stands for.
    _check_year(moment)
    instant = (moment - naive_offset).replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    _check_year(instant)
    return instant


def _check_year(moment: datetime) -> None:
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise ValueError(f"Must be between the years {EARLIEST_YEAR} and {LATEST_YEAR}.")


def format_timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC with a `Z`: `2025-05-03T14:00:00Z`."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _parse_metatrader(text: str) -> datetime | None:
    match = _METATRADER_TIME.match(text)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(part or 0) for part in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None


def _parse_iso(text: str) -> datetime | None:
    if not text or not text[0].isdigit():
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def parse_positive_id(value: int | str, maximum: int = 2**63 - 1) -> int:
    """Read a magic or ticket number: a positive integer up to 2^63-1, as a JSON number or a numeric string.

    Raises:
        ValueError: with a sentence fit to show the client.
    """
    if isinstance(value, bool):
        raise ValueError("Expected a whole number.")
    if isinstance(value, str):
        text = value.strip()
        if not _WHOLE_NUMBER_TEXT.match(text):
            raise ValueError("Expected a positive whole number.")
        number = int(text)
    elif isinstance(value, int):
        number = value
    else:
        raise ValueError("Expected a positive whole number.")
    if not 1 <= number <= maximum:
        raise ValueError(f"Must be from 1 to {maximum}.")
    return number


_LINE_BREAKS = frozenset("\t\n\r")


def text_problem(text: str, multiline: bool = False) -> str | None:
    """Why `text` cannot be stored as it is, or None: no control characters (line breaks and tabs
    allowed in multi-line text), no lone surrogates (they are not valid Unicode)."""
    for character in text:
        category = unicodedata.category(character)
        if category == "Cs":
            return "Contains an invalid character (a lone surrogate)."
        if category == "Cc" and not (multiline and character in _LINE_BREAKS):
            return "Must not contain control characters."
    return None


def is_symbol(text: str) -> bool:
    """A code like a broker's symbol or an account: letters, digits, punctuation and signs only, no spaces,
    no invisible or direction-changing characters."""
    return bool(text) and all(unicodedata.category(character)[0] in "LNPS" for character in text)


def is_visible(text: str) -> bool:
    """At least one character that shows: not only spaces, zero-width or format characters."""
    return any(unicodedata.category(character)[0] in "LNPS" for character in text)
