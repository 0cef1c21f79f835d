"""`users set-role`, `users deactivate` and `subscriptions list`, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar
from uuid import UUID, uuid4

from click.testing import CliRunner

from tests.factories import ExpertFactory, UserFactory
from tradevantage.adapters.persistence.database import create_engine, create_session_factory
from tradevantage.adapters.persistence.unit_of_work import SqlUnitOfWork
from tradevantage.domain.subscriptions.entities import Subscription
from tradevantage.domain.users.entities import RefreshToken, Role, User
from tradevantage.entrypoints.cli.main import cli

T = TypeVar("T")


def in_database(url: str, use: Callable[[SqlUnitOfWork], Awaitable[T]]) -> T:
    async def run() -> T:
        engine = create_engine(url)
        try:
            async with create_session_factory(engine)() as session:
                return await use(SqlUnitOfWork(session))
        finally:
            await engine.dispose()

    return asyncio.run(run())


def stored_user(url: str) -> tuple[User, UUID]:
    """A user holding one refresh token, and the token's id."""
    user = UserFactory.build()
    now = datetime.now(UTC)
    token = RefreshToken(id=uuid4(), family_id=uuid4(), user_id=user.id, issued_at=now, expires_at=now + timedelta(1))

    async def add(uow: SqlUnitOfWork) -> tuple[User, UUID]:
        await uow.users.add(user)
        await uow.refresh_tokens.add(token)
        await uow.commit()
        return user, token.id

    return in_database(url, add)


def test_set_role_changes_the_role(cli_env: str) -> None:
    user, _ = stored_user(cli_env)

    result = CliRunner().invoke(cli, ["users", "set-role", user.email.upper(), "programmer"])

    assert result.exit_code == 0, result.output
    assert f"{user.email} is now programmer." in result.output
    stored = in_database(cli_env, lambda uow: uow.users.get(user.id))
    assert stored is not None
    assert stored.role is Role.PROGRAMMER


def test_set_role_of_an_unknown_email_says_so(cli_env: str) -> None:
    result = CliRunner().invoke(cli, ["users", "set-role", "nobody@example.com", "admin"])
    assert result.exit_code == 1
    assert "No account has the email 'nobody@example.com'." in result.output


def test_deactivate_stops_the_account_and_revokes_its_tokens(cli_env: str) -> None:
    user, token_id = stored_user(cli_env)

    result = CliRunner().invoke(cli, ["users", "deactivate", user.email])

    assert result.exit_code == 0, result.output
    stored = in_database(cli_env, lambda uow: uow.users.get(user.id))
    token = in_database(cli_env, lambda uow: uow.refresh_tokens.get(token_id))
    assert stored is not None
    assert stored.is_active is False
    assert token is not None
    assert token.revoked_at is not None


def test_subscriptions_expiring_within_a_window(cli_env: str) -> None:
    author, trader = UserFactory.build(role=Role.PROGRAMMER), UserFactory.build()
    expert = ExpertFactory.build(created_by=author.id)
    now = datetime.now(UTC)

    async def seed(uow: SqlUnitOfWork) -> None:
        await uow.users.add(author)
        await uow.users.add(trader)
        await uow.experts.add(expert)
        for days in (3, 20):
            other = UserFactory.build()
            await uow.users.add(other)
            await uow.subscriptions.add(
                Subscription(
                    id=uuid4(),
                    user_id=other.id,
                    expert_id=expert.id,
                    subscribed_at=now,
                    expires_at=now + timedelta(days=days),
                )
            )
        await uow.commit()

    in_database(cli_env, seed)

    soon = CliRunner().invoke(cli, ["subscriptions", "list", "--expiring-within", "7"])
    later = CliRunner().invoke(cli, ["subscriptions", "list", "--expiring-within", "30"])

    assert soon.exit_code == 0, soon.output
    assert "1 subscription(s) end within 7 day(s)." in soon.output
    assert str(expert.magic_number) in soon.output
    assert "2 subscription(s) end within 30 day(s)." in later.output
