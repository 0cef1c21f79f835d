"""A port for values kept between requests, and the key of figures derived from a trade history."""

from __future__ import annotations

from typing import Protocol, TypeVar

K_contra = TypeVar("K_contra", contravariant=True)
V = TypeVar("V")


class Cache(Protocol[K_contra, V]):
    """Values kept between use cases, bounded by the adapter. A key must say everything the value
    depends on, so an entry is never wrong, only unused once its key stops being asked for."""

    def get(self, key: K_contra) -> V | None: ...

    def put(self, key: K_contra, value: V) -> None: ...
