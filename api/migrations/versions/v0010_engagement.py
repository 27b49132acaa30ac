"""Engagement: the monthly goals the city sets per neighbourhood, shops' offers (issue #16).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_neighbourhood_goals",
        sa.Column("neighbourhood", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("target", sa.Integer, nullable=False),
        sa.Column("set_by", sa.String(42), nullable=False),
        sa.Column("set_at", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "api_shop_offers",
        sa.Column("merchant_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("text_nl", sa.String(80), nullable=False),
        sa.Column("text_en", sa.String(80), nullable=False, server_default=""),
        sa.Column("set_by", sa.String(42), nullable=False),
        sa.Column("set_at", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("api_shop_offers")
    op.drop_table("api_neighbourhood_goals")
