"""The database the API shares with the indexer: creating tables, and small helpers every domain
uses (the indexed block, a dialect's upsert)."""

from __future__ import annotations

import time

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from api import tables
from indexer import schema

#: The largest integer the index's BIGINT columns hold: an id above it cannot be in the index
#: (the contracts allow task ids up to 64 bits; the index has never seen one that large).
MAX_BIGINT = 2**63 - 1


def create_tables(engine: Engine, attempts: int = 5) -> None:
    """Creates the indexer's and the API's tables where missing. Several workers (and the
    indexer) may start at once and race to create the same table; the loser's CREATE fails, and
    a second look finds the table there."""
    for attempt in range(attempts):
        try:
            schema.create(engine)
            tables.metadata.create_all(engine)
            return
        except (ProgrammingError, IntegrityError, OperationalError):
            if attempt == attempts - 1:
                raise
            time.sleep(0.2 * (attempt + 1))


def indexed_block(engine: Engine) -> int | None:
    """The last block the indexer applied (None before its first)."""
    with engine.connect() as db:
        return db.execute(sa.select(schema.sync_state.c.indexed_block)).scalar()


def upsert(engine: Engine, table: sa.Table) -> sa.Insert:
    """``INSERT ... ON CONFLICT`` of the engine's dialect."""
    dialect = engine.dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise RuntimeError(f"unsupported database {dialect}: use SQLite or PostgreSQL")
