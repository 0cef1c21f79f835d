"""Trades reported by EAs, with 64-bit tickets and exact money.

Revision ID: 0003_trades
Revises: 0002_market
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from advanced_alchemy.types import GUID, DateTimeUTC
from alembic import op

from tradevantage.adapters.persistence.types import Money

revision = "0003_trades"
down_revision = "0002_market"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trades",
        sa.Column("id", GUID(length=16), primary_key=True),
        sa.Column(
            "user_id", GUID(length=16), sa.ForeignKey("users.id", name="fk_trades_user_id_users"), nullable=False
        ),
        sa.Column(
            "expert_id",
            GUID(length=16),
            sa.ForeignKey("experts.id", name="fk_trades_expert_id_experts"),
            nullable=False,
        ),
        sa.Column("ticket_number", sa.BigInteger(), nullable=False),
        sa.Column("ticker", sa.String(32), nullable=False),
        sa.Column("direction", sa.String(4), nullable=False),
        sa.Column("lot_size", Money(), nullable=False),
        sa.Column("open_time", DateTimeUTC(timezone=True), nullable=False),
        sa.Column("open_time_stamped_by_server", sa.Boolean(), nullable=False),
        sa.Column("close_time", DateTimeUTC(timezone=True), nullable=True),
        sa.Column("open_price", Money(), nullable=True),
        sa.Column("close_price", Money(), nullable=True),
        sa.Column("stop_loss", Money(), nullable=True),
        sa.Column("take_profit", Money(), nullable=True),
        sa.Column("commission", Money(), nullable=False),
        sa.Column("swap", Money(), nullable=False),
        sa.Column("profit", Money(), nullable=False),
        sa.Column("account_number", sa.String(32), nullable=True),
        sa.Column("comment", sa.String(255), nullable=False),
        sa.Column("created_at", DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", DateTimeUTC(timezone=True), nullable=False),
        sa.UniqueConstraint("user_id", "ticket_number", name="uq_trades_user_id_ticket_number"),
    )
    op.create_index("ix_trades_user_id_open_time_id", "trades", ["user_id", "open_time", "id"])
    op.create_index("ix_trades_user_id_close_time_id", "trades", ["user_id", "close_time", "id"])
    op.create_index("ix_trades_expert_id", "trades", ["expert_id"])


def downgrade() -> None:
    op.drop_index("ix_trades_expert_id", table_name="trades")
    op.drop_index("ix_trades_user_id_close_time_id", table_name="trades")
    op.drop_index("ix_trades_user_id_open_time_id", table_name="trades")
    op.drop_table("trades")
