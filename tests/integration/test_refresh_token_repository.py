"""Refresh-token records on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import UserFactory
from tradevantage.adapters.persistence.unit_of_work import SqlUnitOfWork
from tradevantage.domain.users.entities import RefreshToken

NOW = datetime(2025, 5, 3, 14, 0, tzinfo=UTC)


async def revoked_at(uow: SqlUnitOfWork, token_id: UUID) -> datetime | None:
    stored = await uow.refresh_tokens.get(token_id)
    assert stored is not None
    return stored.revoked_at


def token_of(user_id: UUID, family_id: UUID) -> RefreshToken:
    return RefreshToken(
        id=uuid4(), family_id=family_id, user_id=user_id, issued_at=NOW, expires_at=NOW + timedelta(days=14)
    )


async def test_a_token_can_be_used_once(session: AsyncSession) -> None:
    uow = SqlUnitOfWork(session)
    user = UserFactory.build()
    await uow.users.add(user)
    token = token_of(user.id, uuid4())
    await uow.refresh_tokens.add(token)

    assert await uow.refresh_tokens.use(token.id, NOW) is True
    assert await uow.refresh_tokens.use(token.id, NOW) is False
    stored = await uow.refresh_tokens.get(token.id)
    assert stored is not None
    assert stored.used_at == NOW


async def test_revoking_a_family_leaves_other_families(session: AsyncSession) -> None:
    uow = SqlUnitOfWork(session)
    user = UserFactory.build()
    await uow.users.add(user)
    family, other_family = uuid4(), uuid4()
    tokens = [token_of(user.id, family), token_of(user.id, family), token_of(user.id, other_family)]
    for token in tokens:
        await uow.refresh_tokens.add(token)

    await uow.refresh_tokens.revoke_family(family, NOW)

    assert [await revoked_at(uow, t.id) for t in tokens] == [NOW, NOW, None]
    assert await uow.refresh_tokens.use(tokens[0].id, NOW) is False


async def test_revoking_all_of_a_user_leaves_other_users(session: AsyncSession) -> None:
    uow = SqlUnitOfWork(session)
    alice, bob = UserFactory.build(), UserFactory.build()
    await uow.users.add(alice)
    await uow.users.add(bob)
    alice_tokens = [token_of(alice.id, uuid4()), token_of(alice.id, uuid4())]
    bob_token = token_of(bob.id, uuid4())
    for token in [*alice_tokens, bob_token]:
        await uow.refresh_tokens.add(token)

    await uow.refresh_tokens.revoke_all_of_user(alice.id, NOW)

    assert [await revoked_at(uow, t.id) for t in alice_tokens] == [NOW, NOW]
    assert await revoked_at(uow, bob_token.id) is None
