"""Stadsbeheer's tasks: the reference photos task managers upload at commissioning (issue #15).

The categories the city keeps are a file (wesh/task_categories.py), not a table: see there.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_reference_photos",
        sa.Column("cid", sa.String(100), primary_key=True),
        sa.Column("uploaded_by", sa.String(42), nullable=False),
        sa.Column("media_type", sa.String(40), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("api_reference_photos")
