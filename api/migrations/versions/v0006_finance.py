"""Financiën: SEPA payout files made from the web and the cash-outs they paid (issue #15).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_payout_files",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("message_id", sa.String(35), nullable=False, unique=True),
        sa.Column("created_by", sa.String(42), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("execution_date", sa.String(10), nullable=False),
        sa.Column("transfers", sa.Integer, nullable=False),
        sa.Column("total", sa.BigInteger, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("replaced_by", sa.Integer, nullable=True),
    )
    op.create_table(
        "api_payout_file_items",
        sa.Column("file_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("redemption_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("merchant_id", sa.BigInteger, nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("holder", sa.String(70), nullable=False),
        sa.Column("iban", sa.String(34), nullable=False),
    )
    op.create_table(
        "api_payout_filed",
        sa.Column("redemption_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("file_id", sa.Integer, nullable=False),
    )
    op.create_index("ix_api_payout_filed_file_id", "api_payout_filed", ["file_id"])


def downgrade() -> None:
    op.drop_table("api_payout_filed")
    op.drop_table("api_payout_file_items")
    op.drop_table("api_payout_files")
