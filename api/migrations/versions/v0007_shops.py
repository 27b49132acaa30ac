"""Shops: what the shops' day overview, refunds and exports keep (issue #15).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Which payment a shop's refund was for (api.tables.shop_refunds).
    op.create_table(
        "api_shop_refunds",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("merchant_id", sa.BigInteger, nullable=False),
        sa.Column("payment_tx", sa.String(66), nullable=False),
        sa.Column("payment_log", sa.Integer, nullable=False),
        sa.Column("citizen_id", sa.BigInteger, nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_api_shop_refunds_merchant_id", "api_shop_refunds", ["merchant_id"])


def downgrade() -> None:
    op.drop_table("api_shop_refunds")
