"""Reading JSON bodies as MetaTrader's `WebRequest` sends them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec
from litestar import Request
from litestar.exceptions import ClientException
from litestar.types import Empty

from tradevantage.domain.errors import FieldError, ValidationFailed

EMPTY_BODY = "A JSON request body is required."
_UTF8_BOM = "\ufeff"
_DECODER = msgspec.json.Decoder(float_hook=Decimal)


def decode_json_body(raw: bytes) -> Any:
    """Decode a request body, tolerating what MetaTrader terminals send.

    Trailing NUL bytes are dropped (MQL's `StringToCharArray` counts the terminating zero), a
    body that is not UTF-8 is read as Windows-1252 (MetaTrader's default code page), and JSON
    numbers with a fraction become exact `Decimal`s, never floats.
    """
    body = raw.rstrip(b"\x00")
    if not body.strip():
        raise ClientException(EMPTY_BODY)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = body.decode("cp1252")
        except UnicodeDecodeError:
            raise ClientException("The request body is neither UTF-8 nor Windows-1252 text.") from None
    try:
        document = _DECODER.decode(text.removeprefix(_UTF8_BOM))
    except msgspec.DecodeError as error:
        message = str(error)
        if "truncated" in message:
            # msgspec says this both for a body cut short and for a string holding a lone \\ud800-style
            # escape, which is no valid Unicode.
            message = f"the JSON ends early or holds an invalid \\u escape (the body has {len(body)} bytes)"
        raise ClientException(f"Malformed JSON: {message}.") from None
    except RecursionError:
        raise ClientException("Malformed JSON: nested too deeply.") from None
    _refuse_nul_characters(document)
    return document


def _refuse_nul_characters(document: Any) -> None:
    """No database column can hold a NUL character; say which field carries one."""
    if not isinstance(document, dict):
        return
    fields = [key for key, value in document.items() if _holds_nul(value)]
    if fields:
        raise ValidationFailed([FieldError(field, "Must not contain NUL (\\u0000) characters.") for field in fields])


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


class TolerantRequest(Request[Any, Any, Any]):
    """A request whose JSON body is read whatever its `Content-Type`, with MetaTrader's quirks."""

    async def json(self) -> Any:
        if self._json is Empty:
            self._json = decode_json_body(await self.body())
        return self._json
