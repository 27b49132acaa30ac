"""Residents: the inbox and Web Push subscriptions (issue #15).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_notifications",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("citizen_id", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("task_id", sa.BigInteger, nullable=False),
        sa.Column("source", sa.String(80), nullable=False, unique=True),
        sa.Column("reason", sa.Integer, nullable=False, server_default="0"),
        sa.Column("amount", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("deadline", sa.BigInteger, nullable=True),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("read_at", sa.BigInteger, nullable=True),
        sa.Column("push", sa.SmallInteger, nullable=False, server_default="0"),
    )
    op.create_index("ix_api_notifications_citizen", "api_notifications", ["citizen_id", "id"])
    op.create_index("ix_api_notifications_push", "api_notifications", ["push"])
    op.create_table(
        "api_notify_cursor",
        sa.Column("name", sa.String(20), primary_key=True),
        sa.Column("block_number", sa.BigInteger, nullable=False),
        sa.Column("log_index", sa.Integer, nullable=False),
    )
    op.create_table(
        "api_push_subscriptions",
        sa.Column("endpoint", sa.String(1000), primary_key=True),
        sa.Column("wallet", sa.String(42), nullable=False),
        sa.Column("p256dh", sa.String(120), nullable=False),
        sa.Column("auth", sa.String(60), nullable=False),
        sa.Column("lang", sa.String(2), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_api_push_subscriptions_wallet", "api_push_subscriptions", ["wallet"])


def downgrade() -> None:
    op.drop_table("api_push_subscriptions")
    op.drop_table("api_notify_cursor")
    op.drop_table("api_notifications")
