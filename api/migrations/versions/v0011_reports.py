"""Residents' reports of a spot that needs care, and the tasks the city made of them (issue #16).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_reports",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("citizen_id", sa.BigInteger, nullable=False),
        sa.Column("neighbourhood", sa.Integer, nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("text", sa.String(280), nullable=False),
        sa.Column("photo_cid", sa.String(100), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("state", sa.String(10), nullable=False, server_default="received"),
        sa.Column("reason", sa.String(200), nullable=True),
        sa.Column("decided_by", sa.String(42), nullable=True),
        sa.Column("decided_at", sa.BigInteger, nullable=True),
        sa.Column("task_id", sa.BigInteger, nullable=True, unique=True),
    )
    op.create_index("ix_api_reports_citizen", "api_reports", ["citizen_id", "created_at"])
    op.create_index("ix_api_reports_state", "api_reports", ["state"])
    op.create_table(
        "api_report_commissions",
        sa.Column("metadata_cid", sa.String(100), primary_key=True),
        sa.Column("report_id", sa.Integer, nullable=False, index=True),
        sa.Column("prepared_by", sa.String(42), nullable=False),
        sa.Column("prepared_at", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("api_report_commissions")
    op.drop_index("ix_api_reports_state", "api_reports")
    op.drop_index("ix_api_reports_citizen", "api_reports")
    op.drop_table("api_reports")
