"""Unique-constraint violations become domain conflicts here, and only here."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from tradevantage.domain.errors import Conflict
from tradevantage.domain.market import rules as market_rules
from tradevantage.domain.subscriptions import rules as subscription_rules
from tradevantage.domain.users import rules as user_rules


@dataclass(frozen=True, slots=True)
class UniqueRule:
    constraint: str
    """The constraint's name, as PostgreSQL reports it."""
    sqlite_columns: str
    """SQLite names the columns instead: `UNIQUE constraint failed: users.email_key`."""
    conflict: Callable[[], Conflict]

    def matches(self, message: str) -> bool:
        return self.constraint in message or f"UNIQUE constraint failed: {self.sqlite_columns}" in message


UNIQUE_RULES = (
    UniqueRule("uq_users_email_key", "users.email_key", user_rules.email_taken),
    UniqueRule("uq_experts_magic_number", "experts.magic_number", market_rules.magic_number_taken),
    UniqueRule("uq_experts_created_by_name", "experts.created_by, experts.name", market_rules.name_taken),
    UniqueRule(
        "uq_subscriptions_user_id_expert_id",
        "subscriptions.user_id, subscriptions.expert_id",
        subscription_rules.already_subscribed,
    ),
)


@contextmanager
def unique_violations_as_conflicts() -> Iterator[None]:
    """Turn a violated unique constraint into the domain's `Conflict` for it; re-raise anything else."""
    try:
        yield
    except IntegrityError as error:
        message = " ".join(_describe(e) for e in (error, error.__cause__, getattr(error, "orig", None)))
        for rule in UNIQUE_RULES:
            if rule.matches(message):
                raise rule.conflict() from None
        raise


def _describe(error: BaseException | None) -> str:
    """An error's message, never failing: some drivers' exceptions cannot be turned into a string."""
    if error is None:
        return ""
    try:
        return str(error)
    except Exception:  # noqa: BLE001 - a broken __str__ must not hide the original error
        return repr(error.args)
