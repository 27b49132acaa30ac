"""The API's own tables as they were made before Alembic: sign-in nonces, sessions, rate-limit
counters, payment requests, the task-document cache and evidence owners.

A database the API made before it used Alembic has these tables already (``create_all`` at
start-up): each table is created only where it is missing, so such a database is adopted as it
is, rows and all, and stamped with this revision.

Revision ID: 0001
Revises:
Create Date: 2026-05-01
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _nonces() -> None:
    op.create_table(
        "api_nonces",
        sa.Column("nonce", sa.String(64), primary_key=True),
        sa.Column("expires_at", sa.BigInteger, nullable=False),
    )


def _sessions() -> None:
    op.create_table(
        "api_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("address", sa.String(42), nullable=False),
        sa.Column("expires_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_api_sessions_address", "api_sessions", ["address"])


def _rate_limits() -> None:
    op.create_table(
        "api_rate_limits",
        sa.Column("bucket", sa.String(200), primary_key=True),
        sa.Column("window", sa.BigInteger, primary_key=True),
        sa.Column("hits", sa.Integer, nullable=False),
    )


def _payment_requests() -> None:
    op.create_table(
        "api_payment_requests",
        sa.Column("reference", sa.String(66), primary_key=True),
        sa.Column("merchant", sa.String(42), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("note", sa.String(140), nullable=False, server_default=""),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("expires_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_api_payment_requests_merchant", "api_payment_requests", ["merchant"])


def _task_meta() -> None:
    op.create_table(
        "api_task_meta",
        sa.Column("task_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("cid", sa.Text, nullable=False),
        sa.Column("title_nl", sa.Text, nullable=False),
        sa.Column("title_en", sa.Text, nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("street", sa.Text, nullable=False),
        sa.Column("lat", sa.Float, nullable=True),
        sa.Column("lon", sa.Float, nullable=True),
        sa.Column("document", sa.Text, nullable=False),
    )
    op.create_index("ix_api_task_meta_category", "api_task_meta", ["category"])
    op.create_index("ix_api_task_meta_latlon", "api_task_meta", ["lat", "lon"])


def _evidence() -> None:
    op.create_table(
        "api_evidence",
        sa.Column("cid", sa.String(100), primary_key=True),
        sa.Column("owner", sa.String(42), nullable=False),
        sa.Column("media_type", sa.String(40), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_api_evidence_owner", "api_evidence", ["owner"])


#: Each table with what makes it (and its indexes).
TABLES: dict[str, Callable[[], None]] = {
    "api_nonces": _nonces,
    "api_sessions": _sessions,
    "api_rate_limits": _rate_limits,
    "api_payment_requests": _payment_requests,
    "api_task_meta": _task_meta,
    "api_evidence": _evidence,
}


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    for name, create in TABLES.items():
        if name not in existing:
            create()


def downgrade() -> None:
    for name in reversed(TABLES):
        op.drop_table(name)
