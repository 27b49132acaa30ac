"""Statistics and liveability: the city's resident-survey ratings by neighbourhood (issue #16).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_liveability_ratings",
        sa.Column("neighbourhood", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("period", sa.String(7), primary_key=True),
        sa.Column("period_start", sa.String(7), nullable=False),
        sa.Column("period_end", sa.String(7), nullable=False),
        sa.Column("rating_centi", sa.Integer, nullable=False),
        sa.Column("respondents", sa.Integer, nullable=False),
        sa.Column("source_file", sa.String(200), nullable=False),
        sa.Column("imported_by", sa.String(42), nullable=False),
        sa.Column("imported_at", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("api_liveability_ratings")
