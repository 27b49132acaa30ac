"""The database the API shares with the indexer, and who owns which table.

The indexer owns its schema (``indexer.schema``): it creates and upgrades its tables, and the
API only reads them. At start-up the API checks that the indexer's tables are of the version
this code reads (``IndexState``); when the indexer has not made them yet, the API starts anyway
and answers 503 until it has (``api.deps.require_index``, run by every ``IndexedRoute``).

The API's own tables (``api.tables``) are migrated with Alembic (``api/migrations``): ``migrate``
brings them to the newest revision at start-up, one process at a time.
"""

from __future__ import annotations

import time
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from indexer import schema

#: The largest integer the index's BIGINT columns hold: an id above it cannot be in the index
#: (the contracts allow task ids up to 64 bits; the index has never seen one that large).
MAX_BIGINT = 2**63 - 1
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: The PostgreSQL advisory lock held while migrating ("WESHAPI1"): workers that start together
#: migrate one after the other.
MIGRATION_LOCK = 0x5745534841504931
#: Until the indexer has made its tables, they are looked for at most this often (seconds).
INDEX_RECHECK_S = 1.0


# ----------------------------------------------------------------- the API's own tables
def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str | None:
    """The newest revision of the API's tables."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database's API tables are at (None: never migrated)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: Engine) -> None:
    """Brings the API's own tables to the newest revision (a database made before Alembic is
    adopted as it is, see the first revision). Several workers may start at once: each takes
    the migration lock first, so the first migrates and the others find nothing left to do."""
    config = alembic_config()
    with engine.connect() as conn:
        _lock(conn)
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
        conn.commit()


def _lock(conn: Connection) -> None:
    """Opens the migration's transaction holding a lock that only one process gets at a time
    (released when it commits)."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(MIGRATION_LOCK)))
    elif conn.dialect.name == "sqlite":
        # A write lock from the start (SQLite makes DDL part of the transaction); another
        # process waits for it (busy_timeout).
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        raise RuntimeError(f"unsupported database {conn.dialect.name}: use SQLite or PostgreSQL")


# --------------------------------------------------------------------- the indexer's
class IndexVersionError(schema.SchemaError):
    """The indexer's tables are of a version this API cannot read."""

    def __init__(self, found: int) -> None:
        super().__init__(
            f"the database has indexer schema version {found}, this API reads version "
            f"{schema.SCHEMA_VERSION}: run the indexer and the API of the same release "
            "(`python -m indexer reset` re-indexes an older index)"
        )
        self.found = found
        self.expected = schema.SCHEMA_VERSION


class IndexState:
    """Whether the indexer has made its tables, of the schema version this code reads.

    ``check`` is called on every request that reads the index, so it costs an attribute read
    once the tables are there; until then it looks at most every ``recheck_s`` seconds."""

    def __init__(self, engine: Engine, recheck_s: float = INDEX_RECHECK_S) -> None:
        self.engine = engine
        self.recheck_s = recheck_s
        self.ready = False
        self._checked_at = -recheck_s

    def check(self) -> bool:
        """True once the indexer's tables are there; raises ``IndexVersionError`` when they are
        of another version (the API cannot read them)."""
        if self.ready:
            return True
        now = time.monotonic()
        if now - self._checked_at < self.recheck_s:
            return False
        self._checked_at = now
        found = schema.version(self.engine)
        if found is not None and found != schema.SCHEMA_VERSION:
            raise IndexVersionError(found)
        self.ready = found is not None
        return self.ready


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
