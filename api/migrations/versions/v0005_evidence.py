"""Evidence that can be trusted: capture time, distance, perceptual hash of hand-in photos.

Capture time and distance travel in the (private) evidence document; this table keeps each
hand-in photo's perceptual hash, so a reviewer is warned when a photo was handed in before.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_evidence_photos",
        sa.Column("evidence_cid", sa.String(100), primary_key=True),
        sa.Column("role", sa.String(10), primary_key=True),
        sa.Column("photo_cid", sa.String(100), nullable=True),
        sa.Column("task_id", sa.BigInteger, nullable=False),
        sa.Column("citizen_id", sa.BigInteger, nullable=False),
        sa.Column("phash", sa.String(16), nullable=True),
        sa.Column("handed_in_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_api_evidence_photos_task_id", "api_evidence_photos", ["task_id"])


def downgrade() -> None:
    op.drop_table("api_evidence_photos")
