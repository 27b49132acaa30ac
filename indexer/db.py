"""Database engines and the hand-built SQL of the bulk paths.

The hot path (tens of thousands of rows a second) skips SQLAlchemy's per-row parameter handling:
it sends ``INSERT ... VALUES (?, ...)`` / ``ON CONFLICT (...) DO UPDATE`` text with tuples straight
to the driver's ``executemany``. Both SQLite (>= 3.24) and PostgreSQL speak the same upsert syntax;
only the parameter marker differs. On PostgreSQL, large batches are COPYed into a temporary
table and moved with one ``INSERT ... SELECT ... ON CONFLICT`` instead (``bulk``): same rows,
same result, without a network round trip per row.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Table, create_engine, event
from sqlalchemy.engine import Connection, Engine, make_url

log = logging.getLogger("indexer.db")


def normalise_url(url: str) -> str:
    """``postgresql://`` and ``postgres://`` mean psycopg 3 here."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite files get WAL and synchronous=NORMAL (safe with WAL: a crash
    can lose the last commits but never corrupts, and the cursor is committed with the data)."""
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: sqlite3.Connection, _record: object) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA busy_timeout=30000")
            _use_wal(cur)
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA cache_size=-65536")
            cur.execute("PRAGMA temp_store=MEMORY")
            # Checkpoint the WAL every ~40 MB rather than every 4 MB: fewer copies during a
            # long catch-up; readers are unaffected. (The indexer also checkpoints in a
            # background thread: ``Checkpointer``; this is the backstop.)
            cur.execute("PRAGMA wal_autocheckpoint=10000")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def _use_wal(cur: sqlite3.Cursor) -> None:
    """Puts the file in WAL mode (it stays so: later connections find it set). Switching needs
    the file to itself, and SQLite answers "database is locked" at once, without waiting on the
    busy timeout, when two processes or threads open a new file together (the API and the
    relayer at start-up): so wait and try again for up to ten seconds."""
    deadline = time.monotonic() + 10
    while True:
        if str(cur.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
            return
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def is_sqlite(engine: Engine | Connection) -> bool:
    return engine.dialect.name == "sqlite"


def describe(url: str) -> str:
    """The URL without a password, for log lines."""
    return make_url(normalise_url(url)).render_as_string(hide_password=True)


class TableSql:
    """The bulk statements of one table (or of its pending twin, under ``name``)."""

    def __init__(self, table: Table, dialect_paramstyle: str, quote: Any, name: str) -> None:
        self.table = table
        self.columns = [c.name for c in table.columns]
        self.pk = [c.name for c in table.primary_key.columns]
        if self.columns[: len(self.pk)] != self.pk:
            raise ValueError(f"{table.name}: primary key columns must come first")
        self.npk = len(self.pk)
        mark = "?" if dialect_paramstyle == "qmark" else "%s"
        qname = quote(name)
        cols = ", ".join(quote(c) for c in self.columns)
        marks = ", ".join([mark] * len(self.columns))
        pk = ", ".join(quote(c) for c in self.pk)
        updates = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in self.columns[self.npk :])
        self.insert = f"INSERT INTO {qname} ({cols}) VALUES ({marks})"
        self.insert_ignore = f"{self.insert} ON CONFLICT ({pk}) DO NOTHING"
        self.upsert = f"{self.insert} ON CONFLICT ({pk}) DO UPDATE SET {updates}"
        self.delete_key = f"DELETE FROM {qname} WHERE " + " AND ".join(
            f"{quote(c)} = {mark}" for c in self.pk
        )
        self.select_all = f"SELECT {cols} FROM {qname}"
        self.mark = mark
        self.qname = qname
        self.quote = quote
        # PostgreSQL bulk path (``bulk``): COPY into a temporary twin, then one set-based
        # INSERT ... SELECT with the same conflict clause.
        temp = quote(f"wesh_tmp_{name}")
        self.temp_create = (
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {temp} (LIKE {qname}) ON COMMIT DELETE ROWS"
        )
        self.temp_copy = f"COPY {temp} ({cols}) FROM STDIN"
        self.temp_empty = f"TRUNCATE {temp}"
        from_temp = f"INSERT INTO {qname} ({cols}) SELECT {cols} FROM {temp}"
        self.from_temp = {
            "insert": from_temp,
            "insert_ignore": f"{from_temp} ON CONFLICT ({pk}) DO NOTHING",
            "upsert": f"{from_temp} ON CONFLICT ({pk}) DO UPDATE SET {updates}",
        }

    def select_keys(self, n: int) -> str:
        """SELECT the rows whose primary key is one of ``n`` keys (flattened parameters)."""
        if self.npk == 1:
            marks = ", ".join([self.mark] * n)
            return f"{self.select_all} WHERE {self.quote(self.pk[0])} IN ({marks})"
        one = "(" + ", ".join([self.mark] * self.npk) + ")"
        cols = "(" + ", ".join(self.quote(c) for c in self.pk) + ")"
        return f"{self.select_all} WHERE {cols} IN (VALUES {', '.join([one] * n)})"


def sql_for(conn: Connection | Engine, table: Table, name: str | None = None) -> TableSql:
    dialect = conn.dialect
    return TableSql(
        table, dialect.paramstyle, dialect.identifier_preparer.quote, name or table.name
    )


#: From this many rows on, ``bulk`` uses COPY on PostgreSQL (below it, executemany is as fast).
COPY_FROM_ROWS = 200


def bulk(conn: Connection, sql: TableSql, kind: str, rows: Sequence[Sequence[Any]]) -> None:
    """Writes ``rows`` with ``sql``'s ``kind`` statement ("insert", "insert_ignore" or
    "upsert"). SQLite: the driver's executemany (in-process, already the fastest). PostgreSQL:
    a round trip per row costs far more than the row, so large batches are COPYed into a
    temporary table and moved with one INSERT ... SELECT (same conflict clause, same result)."""
    if not rows:
        return
    if conn.dialect.name != "postgresql" or len(rows) < COPY_FROM_ROWS:
        executemany(conn, getattr(sql, kind), rows)
        return
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql.temp_create)
        with cursor.copy(sql.temp_copy) as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(sql.from_temp[kind])
        cursor.execute(sql.temp_empty)  # the same table may be written again before commit
    finally:
        cursor.close()


def executemany(conn: Connection, sql: str, rows: Sequence[Sequence[Any]]) -> None:
    """The driver's own executemany on the connection's transaction (rows may be lists)."""
    if rows:
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.executemany(sql, rows)
        finally:
            cursor.close()


class Checkpointer:
    """Copies a SQLite file's write-ahead log back into the database in a background thread.

    In WAL mode the connection that commits past ``wal_autocheckpoint`` pages does the copy (and
    its fsync) itself, inside its commit: while catching up, that is the indexer's only writing
    thread. A PASSIVE checkpoint never blocks the writer or the readers, and SQLite releases the
    interpreter lock while it copies, so here it runs beside the writer instead of in its way.
    The automatic checkpoint stays on as the backstop."""

    def __init__(self, engine: Engine, interval: float = 0.25) -> None:
        database = engine.url.database
        on_disk = is_sqlite(engine) and database not in (None, "", ":memory:")
        self.path = database if on_disk else None
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Checkpointer:
        if self.path is not None:
            self._thread = threading.Thread(target=self._run, name="sqlite-checkpoint", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        assert self.path is not None
        try:
            conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
        except sqlite3.Error as error:
            log.warning("no background WAL checkpoints (%s): SQLite does them on commit", error)
            return
        try:
            while not self._stop.wait(self.interval):
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error as error:  # busy or gone: the next round, or the backstop
                    log.debug("WAL checkpoint skipped: %s", error)
        finally:
            conn.close()
