"""How decimals and timestamps are read and written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from tradevantage.domain.values import format_decimal, format_timestamp, parse_decimal, parse_timestamp


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (150, Decimal(150)),
        (Decimal("150.5"), Decimal("150.5")),
        ("150.50", Decimal("150.50")),
        (" 0.015 ", Decimal("0.015")),
        ("-12.34", Decimal("-12.34")),
        ("1.123456780", Decimal("1.12345678")),
        ("9999999999.99999999", Decimal("9999999999.99999999")),
    ],
)
def test_parse_decimal_keeps_the_exact_value(given: Decimal | int | str, expected: Decimal) -> None:
    assert parse_decimal(given) == expected


@pytest.mark.parametrize(
    "given",
    ["NaN", "Infinity", "-inf", "1.123456789", "10000000000", "-10000000000", "abc", "", True, "1_000", "\u0661\u0662"],
)
def test_parse_decimal_refuses(given: str | bool) -> None:
    with pytest.raises(ValueError, match=r"."):
        parse_decimal(given)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("150.5", "150.50"),
        ("150.50000000", "150.50"),
        ("0.1", "0.10"),
        ("0.015", "0.015"),
        ("100", "100.00"),
        ("1E+2", "100.00"),
        ("-12.34", "-12.34"),
        ("0", "0.00"),
        ("-0.00", "0.00"),
        ("0.00000001", "0.00000001"),
        ("-0E-8", "0.00"),
        ("-0.5", "-0.50"),
        ("1.5E+3", "1500.00"),
        ("123456789.12345678", "123456789.12345678"),
        ("-7.00000000", "-7.00"),
    ],
)
def test_format_decimal_is_shortest_with_two_places(value: str, text: str) -> None:
    assert format_decimal(Decimal(value)) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-05-03T14:00:00Z", datetime(2025, 5, 3, 14, 0, tzinfo=UTC)),
        ("2025-05-03T16:00:00+02:00", datetime(2025, 5, 3, 14, 0, tzinfo=UTC)),
        ("2025-05-03T14:00:00", datetime(2025, 5, 3, 14, 0, tzinfo=UTC)),
        ("2025-05-03", datetime(2025, 5, 3, tzinfo=UTC)),
        ("2025.05.03 14:00", datetime(2025, 5, 3, 14, 0, tzinfo=UTC)),
        ("2025.05.03 14:00:07", datetime(2025, 5, 3, 14, 0, 7, tzinfo=UTC)),
    ],
)
def test_parse_timestamp_reads_iso_and_metatrader_forms(text: str, expected: datetime) -> None:
    assert parse_timestamp(text) == expected


def test_naive_times_are_read_at_the_given_offset_explicit_ones_as_given() -> None:
    broker = timedelta(hours=3)
    assert parse_timestamp("2025.05.03 17:00:00", broker) == datetime(2025, 5, 3, 14, 0, tzinfo=UTC)
    assert parse_timestamp("2025-05-03T17:00:00", broker) == datetime(2025, 5, 3, 14, 0, tzinfo=UTC)
    assert parse_timestamp("2025-05-03T14:00:00Z", broker) == datetime(2025, 5, 3, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize("text", ["", "yesterday", "2025.13.01 10:00", "2025-02-30", "03/05/2025 14:00", "14:00"])
def test_parse_timestamp_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="ISO 8601"):
        parse_timestamp(text)


def test_format_timestamp_is_utc_with_z() -> None:
    moment = datetime(2025, 5, 3, 16, 0, tzinfo=UTC).astimezone()
    assert format_timestamp(moment) == "2025-05-03T16:00:00Z"


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("2999-12-31T23:30:00-05:00", timedelta(0)),
        ("1970-01-01T00:30:00+05:00", timedelta(0)),
        ("1970.01.01 01:00", timedelta(hours=3)),
        ("9999-12-31T23:59:59-05:00", timedelta(0)),
        ("0001-01-01T00:00:00+05:00", timedelta(0)),
    ],
)
def test_an_instant_outside_the_years_is_refused_once_in_utc(text: str, offset: timedelta) -> None:
    with pytest.raises(ValueError, match="between the years 1970 and 2999"):
        parse_timestamp(text, offset)


def test_the_edges_of_the_years_are_accepted_in_utc() -> None:
    assert parse_timestamp("2999-12-31T18:29:59-05:00") == datetime(2999, 12, 31, 23, 29, 59, tzinfo=UTC)
    assert parse_timestamp("1970.01.01 03:00", timedelta(hours=3)) == datetime(1970, 1, 1, tzinfo=UTC)
