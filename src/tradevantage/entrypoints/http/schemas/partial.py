"""Bodies of partial updates: fields the client did not send stay UNSET."""

from __future__ import annotations

from typing import Any

import msgspec


class PartialBody(msgspec.Struct):
    def given(self) -> dict[str, Any]:
        """The fields the client sent, by name."""
        return {name: value for name in self.__struct_fields__ if (value := getattr(self, name)) is not msgspec.UNSET}
