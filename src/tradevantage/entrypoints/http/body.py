"""Reading JSON bodies as MetaTrader's `WebRequest` sends them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec
from litestar import Request
from litestar.exceptions import ClientException
from litestar.types import Empty

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
        return _DECODER.decode(text.removeprefix(_UTF8_BOM))
    except msgspec.DecodeError as error:
        raise ClientException(f"Malformed JSON: {error}.") from None


class TolerantRequest(Request[Any, Any, Any]):
    """A request whose JSON body is read whatever its `Content-Type`, with MetaTrader's quirks."""

    async def json(self) -> Any:
        if self._json is Empty:
            self._json = decode_json_body(await self.body())
        return self._json
