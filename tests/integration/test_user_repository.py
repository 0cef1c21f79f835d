"""Users and the unit of work on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.factories import UserFactory
from tradevantage.adapters.persistence.unit_of_work import SqlUnitOfWork
from tradevantage.domain.errors import Conflict
from tradevantage.domain.users.entities import Role


async def test_added_user_is_read_back_after_commit(
    session: AsyncSession, fresh_session: async_sessionmaker[AsyncSession]
) -> None:
    user = UserFactory.build(role=Role.PROGRAMMER)
    uow = SqlUnitOfWork(session)
    await uow.users.add(user)
    await uow.commit()

    async with fresh_session() as other:
        assert await SqlUnitOfWork(other).users.get(user.id) == user


async def test_nothing_is_kept_without_commit(
    session: AsyncSession, fresh_session: async_sessionmaker[AsyncSession]
) -> None:
    user = UserFactory.build()
    await SqlUnitOfWork(session).users.add(user)
    await session.close()

    async with fresh_session() as other:
        assert await SqlUnitOfWork(other).users.get(user.id) is None


async def test_email_is_found_whatever_its_case(session: AsyncSession) -> None:
    user = UserFactory.build(email="Trader@Example.com")
    uow = SqlUnitOfWork(session)
    await uow.users.add(user)

    found = await uow.users.get_by_email("trader@EXAMPLE.com")

    assert found is not None
    assert found.email == "Trader@Example.com"


async def test_second_user_with_same_email_in_other_case_is_a_conflict(
    session: AsyncSession, fresh_session: async_sessionmaker[AsyncSession]
) -> None:
    uow = SqlUnitOfWork(session)
    await uow.users.add(UserFactory.build(email="trader@example.com"))
    await uow.commit()

    async with fresh_session() as other:
        with pytest.raises(Conflict) as error:
            await SqlUnitOfWork(other).users.add(UserFactory.build(email="TRADER@example.com"))
    assert [e.field for e in error.value.errors] == ["email"]


async def test_update_changes_the_stored_user(
    session: AsyncSession, fresh_session: async_sessionmaker[AsyncSession]
) -> None:
    user = UserFactory.build()
    uow = SqlUnitOfWork(session)
    await uow.users.add(user)
    await uow.commit()

    changed = replace(user, full_name="New Name", role=Role.ADMIN, password_hash="other", is_active=False)
    await uow.users.update(changed)
    await uow.commit()

    async with fresh_session() as other:
        assert await SqlUnitOfWork(other).users.get(user.id) == changed
