"""Bodies as MetaTrader's WebRequest sends them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from litestar.exceptions import ClientException

from tradevantage.entrypoints.http.body import decode_json_body


def test_trailing_nul_bytes_are_ignored() -> None:
    assert decode_json_body(b'{"a":1}\x00') == {"a": 1}
    assert decode_json_body(b'{"a":1}\x00\x00\x00') == {"a": 1}


def test_numbers_with_a_fraction_become_exact_decimals() -> None:
    body = decode_json_body(b'{"lot_size":0.10,"price":12345678.12345678,"n":3}')
    assert body == {"lot_size": Decimal("0.10"), "price": Decimal("12345678.12345678"), "n": 3}
    assert isinstance(body["n"], int)


def test_windows_1252_body_is_read_when_not_utf8() -> None:
    assert decode_json_body('{"ticker":"EURUSD.£"}'.encode("cp1252")) == {"ticker": "EURUSD.£"}


def test_utf8_body_with_byte_order_mark_is_read() -> None:
    assert decode_json_body('\ufeff{"ticker":"EURUSD.£"}'.encode()) == {"ticker": "EURUSD.£"}


@pytest.mark.parametrize("body", [b"", b"   ", b"\x00"])
def test_empty_body_is_refused(body: bytes) -> None:
    with pytest.raises(ClientException, match="body is required"):
        decode_json_body(body)


def test_malformed_json_says_where() -> None:
    with pytest.raises(ClientException, match=r"Malformed JSON: .*byte"):
        decode_json_body(b'{"a": 1,, "b": 2}')
