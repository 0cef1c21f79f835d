"""Market: Expert Advisors and subscriptions.

Revision ID: 0002_market
Revises: 0001_accounts
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from advanced_alchemy.types import GUID, DateTimeUTC
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from tradevantage.adapters.persistence.types import Money

revision = "0002_market"
down_revision = "0001_accounts"
branch_labels = None
depends_on = None

JSON_VALUE = sa.JSON().with_variant(JSONB(), "postgresql")
MONEY = Money()


def upgrade() -> None:
    op.create_table(
        "experts",
        sa.Column("id", GUID(length=16), primary_key=True),
        sa.Column("magic_number", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("version", sa.String(32), nullable=False),
        sa.Column("author", sa.String(150), nullable=False),
        sa.Column("supported_pairs", JSON_VALUE, nullable=False),
        sa.Column("timeframes", JSON_VALUE, nullable=False),
        sa.Column("minimum_deposit", MONEY, nullable=False),
        sa.Column("price", MONEY, nullable=False),
        sa.Column("instructions", sa.Text(), nullable=False),
        sa.Column("image_url", sa.String(2048), nullable=True),
        sa.Column("file_url", sa.String(2048), nullable=True),
        sa.Column("parameters", JSON_VALUE, nullable=False),
        sa.Column(
            "created_by", GUID(length=16), sa.ForeignKey("users.id", name="fk_experts_created_by_users"), nullable=False
        ),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("created_at", DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", DateTimeUTC(timezone=True), nullable=False),
        sa.UniqueConstraint("magic_number", name="uq_experts_magic_number"),
        sa.UniqueConstraint("created_by", "name", name="uq_experts_created_by_name"),
    )
    op.create_index("ix_experts_created_by", "experts", ["created_by"])
    op.create_index("ix_experts_created_at", "experts", ["created_at"])
    op.create_table(
        "subscriptions",
        sa.Column("id", GUID(length=16), primary_key=True),
        sa.Column(
            "user_id", GUID(length=16), sa.ForeignKey("users.id", name="fk_subscriptions_user_id_users"), nullable=False
        ),
        sa.Column(
            "expert_id",
            GUID(length=16),
            sa.ForeignKey("experts.id", name="fk_subscriptions_expert_id_experts"),
            nullable=False,
        ),
        sa.Column("subscribed_at", DateTimeUTC(timezone=True), nullable=False),
        sa.Column("last_paid_at", DateTimeUTC(timezone=True), nullable=True),
        sa.Column("expires_at", DateTimeUTC(timezone=True), nullable=True),
        sa.Column("cancelled_at", DateTimeUTC(timezone=True), nullable=True),
        sa.Column("account_number", sa.String(32), nullable=True),
        sa.Column("broker_utc_offset", sa.Integer(), nullable=True),
        sa.UniqueConstraint("user_id", "expert_id", name="uq_subscriptions_user_id_expert_id"),
    )
    op.create_index("ix_subscriptions_expert_id", "subscriptions", ["expert_id"])


def downgrade() -> None:
    op.drop_index("ix_subscriptions_expert_id", table_name="subscriptions")
    op.drop_table("subscriptions")
    op.drop_index("ix_experts_created_at", table_name="experts")
    op.drop_index("ix_experts_created_by", table_name="experts")
    op.drop_table("experts")
