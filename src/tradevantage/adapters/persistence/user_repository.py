"""Users in SQL."""

from __future__ import annotations

from uuid import UUID

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tradevantage.adapters.persistence.constraints import unique_violations_as_conflicts
from tradevantage.adapters.persistence.models import UserRow
from tradevantage.domain.users import rules
from tradevantage.domain.users.entities import Role, User


class _UserRows(SQLAlchemyAsyncRepository[UserRow]):
    model_type = UserRow


class SqlUserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        # Unwrapped errors: a lost connection must stay a connection error (503), not become
        # advanced-alchemy's IntegrityError; unique violations are translated below.
        self._rows = _UserRows(session=session, auto_commit=False, auto_refresh=False, wrap_exceptions=False)

    async def add(self, user: User) -> None:
        with unique_violations_as_conflicts():
            await self._rows.add(_to_row(user))

    async def get(self, user_id: UUID) -> User | None:
        row = await self._rows.get_one_or_none(UserRow.id == user_id)
        return None if row is None else _to_entity(row)

    async def get_by_email(self, email: str) -> User | None:
        row = await self._rows.get_one_or_none(UserRow.email_key == rules.email_key(email))
        return None if row is None else _to_entity(row)

    async def first_admin(self) -> User | None:
        row = await self._session.scalar(
            select(UserRow)
            .where(UserRow.role == Role.ADMIN.value, UserRow.is_active.is_(True))
            .order_by(UserRow.date_joined, UserRow.id)
            .limit(1)
        )
        return None if row is None else _to_entity(row)

    async def update(self, user: User) -> None:
        await self._session.execute(
            update(UserRow)
            .where(UserRow.id == user.id)
            .values(
                full_name=user.full_name,
                role=user.role.value,
                password_hash=user.password_hash,
                is_active=user.is_active,
            )
        )


def _to_row(user: User) -> UserRow:
    return UserRow(
        id=user.id,
        email=user.email,
        email_key=rules.email_key(user.email),
        full_name=user.full_name,
        role=user.role.value,
        password_hash=user.password_hash,
        is_active=user.is_active,
        date_joined=user.date_joined,
    )


def _to_entity(row: UserRow) -> User:
    return User(
        id=row.id,
        email=row.email,
        full_name=row.full_name,
        role=Role(row.role),
        password_hash=row.password_hash,
        is_active=row.is_active,
        date_joined=row.date_joined,
    )
