"""Shops' bank accounts for cash-outs, kept city side with who changed them and when.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_bank_accounts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("wallet", sa.String(42), nullable=False),
        sa.Column("holder", sa.String(70), nullable=False),
        sa.Column("iban", sa.String(34), nullable=False),
        sa.Column("bic", sa.String(11), nullable=True),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("changed_by", sa.String(42), nullable=False),
        sa.Column("changed_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_api_bank_accounts_wallet", "api_bank_accounts", ["wallet"])


def downgrade() -> None:
    op.drop_table("api_bank_accounts")
