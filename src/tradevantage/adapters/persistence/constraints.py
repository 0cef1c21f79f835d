"""Unique-constraint violations become domain conflicts here, and only here."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from advanced_alchemy.exceptions import IntegrityError as RepositoryIntegrityError
from sqlalchemy.exc import IntegrityError

from tradevantage.domain.errors import Conflict
from tradevantage.domain.users import rules


@dataclass(frozen=True, slots=True)
class UniqueRule:
    constraint: str
    """The constraint's name, as PostgreSQL reports it."""
    sqlite_columns: str
    """SQLite names the columns instead: `UNIQUE constraint failed: users.email_key`."""
    conflict: Callable[[], Conflict]

    def matches(self, message: str) -> bool:
        return self.constraint in message or f"UNIQUE constraint failed: {self.sqlite_columns}" in message


UNIQUE_RULES = (UniqueRule("uq_users_email_key", "users.email_key", rules.email_taken),)


@contextmanager
def unique_violations_as_conflicts() -> Iterator[None]:
    """Turn a violated unique constraint into the domain's `Conflict` for it; re-raise anything else."""
    try:
        yield
    except (IntegrityError, RepositoryIntegrityError) as error:
        message = f"{error} {error.__cause__}"
        for rule in UNIQUE_RULES:
            if rule.matches(message):
                raise rule.conflict() from None
        raise
