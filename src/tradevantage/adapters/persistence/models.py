"""Database rows. They are not the domain model: repositories map them to entities."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, cast
from uuid import UUID

from advanced_alchemy.base import convention
from advanced_alchemy.types import GUID, DateTimeUTC
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from tradevantage.adapters.persistence.types import Money


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
    trades_revision: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    """Raised by every write to the user's trades (see SqlTradeRepository)."""


class RefreshTokenRow(Base):
    __tablename__ = "refresh_tokens"

    family_id: Mapped[UUID] = mapped_column(GUID, index=True)
    user_id: Mapped[UUID] = mapped_column(GUID, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    issued_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)


JSON_VALUE = JSON().with_variant(JSONB(), "postgresql")
MONEY = Money()


class ExpertRow(Base):
    __tablename__ = "experts"
    __table_args__ = (UniqueConstraint("created_by", "name", name="uq_experts_created_by_name"),)

    magic_number: Mapped[int] = mapped_column(BigInteger, unique=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text)
    version: Mapped[str] = mapped_column(String(32))
    author: Mapped[str] = mapped_column(String(150))
    supported_pairs: Mapped[list[str]] = mapped_column(JSON_VALUE)
    timeframes: Mapped[list[str]] = mapped_column(JSON_VALUE)
    minimum_deposit: Mapped[Decimal] = mapped_column(MONEY)
    price: Mapped[Decimal] = mapped_column(MONEY)
    instructions: Mapped[str] = mapped_column(Text)
    image_url: Mapped[str | None] = mapped_column(String(2048))
    file_url: Mapped[str | None] = mapped_column(String(2048))
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON_VALUE)
    created_by: Mapped[UUID] = mapped_column(GUID, ForeignKey("users.id"), index=True)
    archived: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True), index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))


class SubscriptionRow(Base):
    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("user_id", "expert_id", name="uq_subscriptions_user_id_expert_id"),)

    user_id: Mapped[UUID] = mapped_column(GUID, ForeignKey("users.id"))
    expert_id: Mapped[UUID] = mapped_column(GUID, ForeignKey("experts.id"), index=True)
    subscribed_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    last_paid_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    account_number: Mapped[str | None] = mapped_column(String(32))
    broker_utc_offset: Mapped[int | None] = mapped_column(Integer)


class TradeRow(Base):
    __tablename__ = "trades"
    __table_args__ = (
        UniqueConstraint("user_id", "ticket_number", name="uq_trades_user_id_ticket_number"),
        # "This user's trades, newest first" and the statistics' walk in closing order.
        Index("ix_trades_user_id_open_time_id", "user_id", "open_time", "id"),
        Index("ix_trades_user_id_close_time_id", "user_id", "close_time", "id"),
    )

    user_id: Mapped[UUID] = mapped_column(GUID, ForeignKey("users.id"))
    expert_id: Mapped[UUID] = mapped_column(GUID, ForeignKey("experts.id"), index=True)
    ticket_number: Mapped[int] = mapped_column(BigInteger)
    ticker: Mapped[str] = mapped_column(String(32))
    direction: Mapped[str] = mapped_column(String(4))
    lot_size: Mapped[Decimal] = mapped_column(MONEY)
    open_time: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    open_time_stamped_by_server: Mapped[bool] = mapped_column(Boolean)
    close_time: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    open_price: Mapped[Decimal | None] = mapped_column(MONEY)
    close_price: Mapped[Decimal | None] = mapped_column(MONEY)
    stop_loss: Mapped[Decimal | None] = mapped_column(MONEY)
    take_profit: Mapped[Decimal | None] = mapped_column(MONEY)
    commission: Mapped[Decimal] = mapped_column(MONEY)
    swap: Mapped[Decimal] = mapped_column(MONEY)
    profit: Mapped[Decimal] = mapped_column(MONEY)
    account_number: Mapped[str | None] = mapped_column(String(32))
    comment: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))


# The tables themselves, for statements built once on columns (no ORM entities to load).
USERS, EXPERTS, SUBSCRIPTIONS, TRADES = (
    cast(Table, row.__table__) for row in (UserRow, ExpertRow, SubscriptionRow, TradeRow)
)
