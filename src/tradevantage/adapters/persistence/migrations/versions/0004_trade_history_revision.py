"""A revision number per user's trade history, raised by every trade write.

Figures derived from a history (its statistics, its row counts) are kept by the service with the
revision they were computed at, and reused until the revision moves.

Revision ID: 0004_trade_history_revision
Revises: 0003_trades
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_trade_history_revision"
down_revision = "0003_trades"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as users:
        users.add_column(sa.Column("trades_revision", sa.BigInteger(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("users") as users:
        users.drop_column("trades_revision")
