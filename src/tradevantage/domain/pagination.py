"""Pages of results, the way every list endpoint and report asks for them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

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
