"""Database rows. They are not the domain model: repositories map them to entities."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from advanced_alchemy.base import convention
from advanced_alchemy.types import GUID, DateTimeUTC
from sqlalchemy import Boolean, ForeignKey, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Tables with UUID keys, named by advanced-alchemy's constraint naming convention."""

    metadata = MetaData(naming_convention=convention)

    id: Mapped[UUID] = mapped_column(GUID, primary_key=True)


class UserRow(Base):
    __tablename__ = "users"

    email: Mapped[str] = mapped_column(String(254))
    email_key: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(150))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    date_joined: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))


class RefreshTokenRow(Base):
    __tablename__ = "refresh_tokens"

    family_id: Mapped[UUID] = mapped_column(GUID, index=True)
    user_id: Mapped[UUID] = mapped_column(GUID, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    issued_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
