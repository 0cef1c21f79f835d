"""Domain errors: one hierarchy, translated to HTTP answers or CLI messages at the entry points only."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem with one input field, named as the client spelled it."""

    field: str
    message: str


class DomainError(Exception):
    """Base of every error a domain rule raises."""

    def __init__(self, detail: str, errors: Iterable[FieldError] = ()) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = tuple(errors)


class ValidationFailed(DomainError):
    """The input breaks a rule; `errors` names every bad field."""

    def __init__(self, errors: Iterable[FieldError], detail: str | None = None) -> None:
        errors = tuple(errors)
        names = ", ".join(error.field for error in errors)
        super().__init__(detail or f"Invalid input: {names}.", errors)


class NotFound(DomainError):
    """The object does not exist, or the caller may not know that it does."""


class Conflict(DomainError):
    """The request contradicts what is already stored (a duplicate, a changed fixed field)."""


class PermissionDenied(DomainError):
    """The caller is known but lacks the right to do this."""


class AuthenticationFailed(DomainError):
    """Credentials or a token were refused."""


def require_valid(errors: list[FieldError]) -> None:
    """Raise `ValidationFailed` when any field error was collected."""
    if errors:
        raise ValidationFailed(errors)
