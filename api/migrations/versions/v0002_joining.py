"""Joining at the desk: the join codes new accounts show, and the desk's registrations (the person
as a keyed hash only).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_join_codes",
        sa.Column("code", sa.String(8), primary_key=True),
        sa.Column("address", sa.String(42), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("expires_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_api_join_codes_address", "api_join_codes", ["address"])
    op.create_table(
        "api_registrations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("person_hash", sa.String(64), nullable=False),
        sa.Column("address", sa.String(42), nullable=False),
        sa.Column("neighbourhood", sa.Integer, nullable=False),
        sa.Column("registrar", sa.String(42), nullable=False),
        sa.Column("registered_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_api_registrations_person_hash", "api_registrations", ["person_hash"])
    op.create_index("ix_api_registrations_address", "api_registrations", ["address"])


def downgrade() -> None:
    op.drop_table("api_registrations")
    op.drop_table("api_join_codes")
