"""Refresh-token records in SQL, shared by every worker and replica."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast
from uuid import UUID

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tradevantage.adapters.persistence.models import RefreshTokenRow
from tradevantage.domain.users.entities import RefreshToken


class SqlRefreshTokenRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, token: RefreshToken) -> None:
        self._session.add(
            RefreshTokenRow(
                id=token.id,
                family_id=token.family_id,
                user_id=token.user_id,
                issued_at=token.issued_at,
                expires_at=token.expires_at,
                used_at=token.used_at,
                revoked_at=token.revoked_at,
            )
        )
        await self._session.flush()

    async def get(self, token_id: UUID) -> RefreshToken | None:
        row = await self._session.scalar(select(RefreshTokenRow).where(RefreshTokenRow.id == token_id))
        if row is None:
            return None
        return RefreshToken(
            id=row.id,
            family_id=row.family_id,
            user_id=row.user_id,
            issued_at=row.issued_at,
            expires_at=row.expires_at,
            used_at=row.used_at,
            revoked_at=row.revoked_at,
        )

    async def use(self, token_id: UUID, at: datetime) -> bool:
        result = await self._session.execute(
            update(RefreshTokenRow)
            .where(
                RefreshTokenRow.id == token_id,
                RefreshTokenRow.used_at.is_(None),
                RefreshTokenRow.revoked_at.is_(None),
            )
            .values(used_at=at)
        )
        return cast("CursorResult[Any]", result).rowcount == 1

    async def revoke_family(self, family_id: UUID, at: datetime) -> None:
        await self._session.execute(
            update(RefreshTokenRow)
            .where(RefreshTokenRow.family_id == family_id, RefreshTokenRow.revoked_at.is_(None))
            .values(revoked_at=at)
        )

    async def family_revoked(self, family_id: UUID) -> bool:
        revoked = await self._session.scalar(
            select(RefreshTokenRow.id)
            .where(RefreshTokenRow.family_id == family_id, RefreshTokenRow.revoked_at.is_not(None))
            .limit(1)
        )
        return revoked is not None

    async def revoke_all_of_user(self, user_id: UUID, at: datetime) -> None:
        await self._session.execute(
            update(RefreshTokenRow)
            .where(RefreshTokenRow.user_id == user_id, RefreshTokenRow.revoked_at.is_(None))
            .values(revoked_at=at)
        )
