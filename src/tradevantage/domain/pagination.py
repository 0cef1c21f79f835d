"""Pages of results, the way every list endpoint and report asks for them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from uuid import UUID

from tradevantage.domain.errors import FieldError, NotFound, ValidationFailed

T = TypeVar("T")
DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class PageRequest:
    number: int = 1
    """1-based."""
    size: int = DEFAULT_PAGE_SIZE

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @classmethod
    def of(cls, number: int | None, size: int | None) -> PageRequest:
        """A page request from client input: sizes are capped at 100; below 1 is refused."""
        errors = []
        if number is not None and number < 1:
            errors.append(FieldError("page", "Must be 1 or more."))
        if size is not None and size < 1:
            errors.append(FieldError("page_size", "Must be 1 or more."))
        if errors:
            raise ValidationFailed(errors)
        return cls(number=number or 1, size=min(size or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE))


@dataclass(frozen=True, slots=True)
class Ordering:
    """One field to sort by, ties always broken by id."""

    field: str
    descending: bool = False

    @classmethod
    def parse(cls, text: str | None, allowed: Sequence[str], default: str) -> Ordering:
        """Read `name` or `-name`; anything but an allowed field is refused, naming `ordering`."""
        value = (text or default).strip()
        field = value.removeprefix("-")
        if field not in allowed:
            choices = ", ".join(f"{name}, -{name}" for name in allowed)
            raise ValidationFailed([FieldError("ordering", f"Unknown ordering {value!r}; use one of: {choices}.")])
        return cls(field=field, descending=value.startswith("-"))


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    request: PageRequest

    @property
    def has_next(self) -> bool:
        return self.request.offset + len(self.items) < self.total

    @property
    def has_previous(self) -> bool:
        return self.request.number > 1

    def or_not_found(self) -> Page[T]:
        """A page past the end is 404 (the first page of nothing is an empty page)."""
        if self.request.number > 1 and not self.items:
            raise NotFound("Invalid page.")
        return self


@dataclass(frozen=True, slots=True)
class Bookmark:
    """Where one row stood in an ordered list: its offset and its sort key (the ordering field's
    value, then the id). A later page can be read from it through the index, instead of the database
    walking every row before the page."""

    offset: int
    value: Any
    id: UUID


class Bookmarks:
    """The bookmarks left in one list (one history revision, filter and ordering), at most
    `max_entries`, the oldest dropped first."""

    def __init__(self, max_entries: int = 64) -> None:
        self._max_entries = max_entries
        self._by_offset: dict[int, Bookmark] = {}

    def add(self, bookmark: Bookmark) -> None:
        self._by_offset.pop(bookmark.offset, None)
        self._by_offset[bookmark.offset] = bookmark
        while len(self._by_offset) > self._max_entries:
            del self._by_offset[next(iter(self._by_offset))]

    def nearest_before(self, offset: int) -> Bookmark | None:
        """The bookmark closest to `offset` without passing it."""
        candidates = [b for b in self._by_offset.values() if b.offset <= offset]
        return max(candidates, key=lambda b: b.offset, default=None)
