"""The working set of a batch of blocks (``Batch``) and the cache of committed state rows it
starts from (``Store``): how applied events become rows, exact and in bulk.

How a batch of blocks is applied (all of it in ONE database transaction, with the cursor):

1. the rows the batch will touch are loaded in a few ``SELECT ... WHERE key IN (...)`` queries
   (``Store`` keeps a write-through cache of state rows, complete while it fits in memory, so
   a long catch-up does not read at all);
2. every event is applied in (block, log index) order to copies of those rows in memory: plain
   Python on lists, no ORM, no per-event SQL (``Batch``; what each event does is
   ``indexer.projections``);
3. the history rows (raw logs, transfers, payments, ...) are written with one insert per table
   (``write_history``, after each range of a batch that spans several: see ``indexer.sync``),
   and the changed state rows as absolute values with one upsert per table, once per batch
   (``write_state``).

Writing absolute values computed from the committed state makes a batch idempotent: replaying it
after a crash starts from the same committed rows and writes the same values. For blocks near the
head, the first change of each row in each block is journaled (the row as it was) so that a
reorganisation can be rolled back exactly (``indexer.reorg``).

The same code computes the pending state: the unconfirmed blocks applied on top of the confirmed
rows, written to the ``pending_*`` twins instead and never merged into the cache
(``indexer.pending``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import orjson
from sqlalchemy import Table
from sqlalchemy.engine import Connection, Engine

from indexer import schema
from indexer.db import TableSql, bulk, sql_for
from indexer.decoded import UNDECODABLE, Event, Position, Undecodable
from wesh.events import by_name

LEDGER_KEY = (1,)

Key = tuple[Any, ...]
_MISSING: Any = object()
Row = list[Any]


class IntegrityError(RuntimeError):
    """The events contradict each other (a bug or a node serving a broken chain)."""


class Cols:
    """Column positions of a table: ``ACCOUNT.balance`` is the index of ``balance`` in a row of
    ``accounts`` (state rows are lists, for speed; see ``Batch``)."""

    def __init__(self, table: Table) -> None:
        for i, column in enumerate(table.columns):
            setattr(self, column.name, i)
        defaults: list[Any] = []
        for column in table.columns:
            default = column.default.arg if column.default is not None else None  # type: ignore[attr-defined]
            defaults.append(default)
        self._template = defaults

    def __getattr__(self, name: str) -> int:
        # Only reached for a name that is not a column; declared so that type checkers know
        # every column attribute is an int.
        raise AttributeError(f"no column {name}")

    def new(self, **values: Any) -> Row:
        row = list(self._template)
        for name, value in values.items():
            row[getattr(self, name)] = value
        return row


# The columns of a row of each state table.
ACCOUNT = Cols(schema.accounts)
CITIZEN = Cols(schema.citizens)
MERCHANT = Cols(schema.merchants)
ROLES = Cols(schema.roles)
TASK = Cols(schema.tasks)
CLAIM = Cols(schema.claims)
EARNINGS = Cols(schema.earnings)
REDEMPTION = Cols(schema.redemptions)
APPROVAL = Cols(schema.approvals)
ASSOCIATION = Cols(schema.association_neighbourhoods)
LEDGER = Cols(schema.ledger)

STATE_NAMES = tuple(t.name for t in schema.STATE_TABLES)
HISTORY_NAMES = tuple(t.name for t in schema.HISTORY_TABLES)


class Store:
    """Loads state rows, and caches them between batches (the indexer is the only writer).

    The cache only ever holds committed rows: a batch works on copies and ``commit`` merges them
    after the transaction committed; ``invalidate`` after a rollback or any failure.

    While the state tables hold at most ``MAX_CACHED`` rows (a city's worth: citizens, claims,
    accounts...), the first batch after an invalidation reads them all at once and the cache is
    *complete*: a key it does not hold has no row, so catching up never asks the database for
    rows one key at a time (most keys a batch touches are new: a new claim, a new month). Above
    that, rows are read per batch with ``SELECT ... WHERE key IN (...)``."""

    MAX_CACHED = 2_000_000

    def __init__(self, engine: Engine) -> None:
        self.sql: dict[str, TableSql] = {t.name: sql_for(engine, t) for t in schema.STATE_TABLES}
        self.cache: dict[str, dict[Key, Any]] = {n: {} for n in STATE_NAMES}
        self.size = 0
        #: Every row of every state table is in the cache.
        self.complete = False
        self._warm_tried = False

    def invalidate(self) -> None:
        for part in self.cache.values():
            part.clear()
        self.size = 0
        self.complete = False
        self._warm_tried = False

    def warm(self, conn: Connection) -> None:
        """Reads every state row into the cache if there are at most ``MAX_CACHED`` of them."""
        self._warm_tried = True
        counts = " + ".join(f"(SELECT COUNT(*) FROM {sql.qname})" for sql in self.sql.values())
        total = int(conn.exec_driver_sql(f"SELECT {counts}").scalar_one())
        if total > self.MAX_CACHED:
            return
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            for name, sql in self.sql.items():
                cache, npk = self.cache[name], sql.npk
                cursor.execute(sql.select_all)
                for row in cursor.fetchall():
                    cache[tuple(row[:npk])] = tuple(row)
        finally:
            cursor.close()
        self.size = sum(len(part) for part in self.cache.values())
        self.complete = True

    def warm_once(self, conn: Connection) -> None:
        """``warm`` unless tried since the last invalidation."""
        if not self._warm_tried:
            self.warm(conn)

    def load(self, conn: Connection, name: str, keys: Iterable[Key]) -> None:
        """Puts the committed rows of ``keys`` (None for no row) into an incomplete cache (a
        complete one needs no loading: see ``apply`` and ``Batch.mut``)."""
        cache = self.cache[name]
        missing = [k for k in set(keys) if k not in cache]
        if not missing:
            return
        self.size += len(missing)
        sql = self.sql[name]
        npk = sql.npk
        chunk = 400 if npk == 1 else 200
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            for i in range(0, len(missing), chunk):
                part = missing[i : i + chunk]
                params = [v for key in part for v in key]
                cursor.execute(sql.select_keys(len(part)), params)
                for row in cursor.fetchall():
                    cache[tuple(row[:npk])] = tuple(row)
                for key in part:
                    cache.setdefault(key, None)
        finally:
            cursor.close()

    def commit(self, rows: dict[str, dict[Key, Row | None]]) -> None:
        if self.size > self.MAX_CACHED:
            self.invalidate()
            return
        # The rows the batch changed become the cache's as they are: a batch is discarded after
        # its commit, and the next one copies a row before changing it (``Batch.mut``).
        for name, overlay in rows.items():
            if overlay:
                self.cache[name].update(overlay)
        self.size = sum(len(part) for part in self.cache.values())


class Batch:
    """The working set of one batch of blocks: copies of state rows, new history rows, journal."""

    def __init__(self, store: Store, conn: Connection, journal_above: int | None) -> None:
        self.store = store
        self.conn = conn
        #: Blocks above this number are journaled; None: none are (deep catch-up, pending).
        self.journal_above = journal_above
        #: Every state row the batch changed, by table and key, as it is now (None: a key
        #: ``mut`` found no row for and nothing created), in the order first touched.
        self.rows: dict[str, dict[Key, Row | None]] = {n: {} for n in STATE_NAMES}
        self.history: dict[str, list[tuple[Any, ...]]] = {n: [] for n in HISTORY_NAMES}
        self.journal: list[tuple[int, str, Key, tuple[Any, ...] | None]] = []
        self._journaled: dict[tuple[str, Key], int] = {}
        # Journal rows are numbered per block; a batch written in parts keeps counting.
        self._seq = 0
        self.block = 0
        #: Set per range by ``indexer.sync``: the block hashes, and the events ``apply`` records
        #: as unplaced instead of applying them: position -> (cause, reason).
        self.hashes: Mapping[int, str] = {}
        self.unplaceable: Mapping[Position, tuple[str, str]] = {}
        #: How many events the batch recorded as unplaced.
        self.unplaced = 0

    # ------------------------------------------------------------------ rows
    def mut(self, name: str, key: Key) -> Row | None:
        """The row for changing (the batch's copy, written back at the end; None: no such row
        yet), journaled at its first change in each block."""
        overlay = self.rows[name]
        row = overlay.get(key, _MISSING)
        if row is _MISSING:
            row = self._copy(overlay, name, key)
        above = self.journal_above
        if above is not None and self.block > above:
            mark = (name, key)
            if self._journaled.get(mark) != self.block:
                self._journaled[mark] = self.block
                self.journal.append((self.block, name, key, None if row is None else tuple(row)))
        return row

    def _copy(self, overlay: dict[Key, Row | None], name: str, key: Key) -> Row | None:
        """Copies the committed row of ``key`` (None: no row) into the batch."""
        cache = self.store.cache[name]
        base = cache.get(key, _MISSING)
        if base is _MISSING:
            if self.store.complete:  # not in a complete cache: no such row
                base = None
            else:
                self.store.load(self.conn, name, [key])
                base = cache[key]
        row = list(base) if base is not None else None  # type: ignore[arg-type]
        overlay[key] = row
        return row

    def put(self, name: str, key: Key, row: Row) -> Row:
        """Creates (or replaces) a row."""
        self.mut(name, key)
        self.rows[name][key] = row
        return row

    def must(self, name: str, key: Key) -> Row:
        row = self.mut(name, key)
        if row is None:
            raise IntegrityError(f"block {self.block}: no {name} row {key} for an event about it")
        return row

    def unplace(self, event: Event, cause: str, reason: str) -> None:
        """Records an event as unplaced (a history row: rolled back with its block)."""
        name = event.name
        if name == UNDECODABLE:
            undecodable = Undecodable(*event.args)
            name = undecodable.event
            shown: Any = {"topics": undecodable.topics, "data": undecodable.data}
        else:
            spec = by_name().get(name)
            values = [_json_value(v) for v in event.args]
            shown = dict(zip(spec.arg_names, values, strict=True)) if spec else values
        block = event.block_number
        self.history["unplaced_events"].append(
            (
                block,
                event.log_index,
                event.tx_hash,
                self.hashes.get(block, ""),
                event.timestamp,
                name,
                json.dumps(shown),
                cause,
                reason,
            )
        )
        self.unplaced += 1

    def ledger(self) -> Row:
        """The ledger row for changing (made at its first event), marked changed in this block."""
        row = self.mut("ledger", LEDGER_KEY)
        if row is None:
            row = self.put("ledger", LEDGER_KEY, LEDGER.new(id=1))
        row[LEDGER.updated_block] = self.block
        return row

    def account(self, address: str) -> Row:
        """The account row of ``address`` for changing (made at its first event), marked changed
        in this block."""
        row = self.mut("accounts", (address,))
        if row is None:
            new = ACCOUNT.new(address=address, first_block=self.block)
            row = self.put("accounts", (address,), new)
        row[ACCOUNT.updated_block] = self.block
        return row

    # -------------------------------------------------------------- writing
    def prefetch(self, wanted: dict[str, set[Key]]) -> None:
        for name, keys in wanted.items():
            if keys:
                self.store.load(self.conn, name, keys)

    def write_state(self, conn: Connection) -> int:
        """Writes the changed state rows (their values now); returns the row count."""
        written = 0
        for name in STATE_NAMES:
            # In the order the batch first touched them: close to key order in practice, which
            # keeps SQLite's B-tree writes local, without a sort.
            live = [row for row in self.rows[name].values() if row is not None]
            bulk(conn, self.store.sql[name], "upsert", live)
            written += len(live)
        return written

    def write_history(self, conn: Connection) -> int:
        """Writes the history rows and the journal collected so far, and forgets them (a batch
        that spans several ranges writes them range by range: see ``indexer.sync``)."""
        written = 0
        for name in HISTORY_NAMES:
            rows_h = self.history[name]
            if rows_h:
                bulk(conn, _history_sql(conn, name), "insert_ignore", rows_h)
                written += len(rows_h)
                self.history[name] = []
        if self.journal:
            # One journal row per (block, table): the keys and before-images of every row the
            # block changed in that table, as two JSON lists.
            groups: dict[tuple[int, str], tuple[list[Any], list[Any]]] = {}
            for block, name, key, before in self.journal:
                group_keys, group_befores = groups.setdefault((block, name), ([], []))
                group_keys.append(key)
                group_befores.append(before)
            entries = [
                (block, self._seq + seq, name, orjson.dumps(ks).decode(), orjson.dumps(bs).decode())
                for seq, ((block, name), (ks, bs)) in enumerate(groups.items())
            ]
            self._seq += len(entries)
            bulk(conn, _history_sql(conn, "journal"), "insert", entries)
            self.journal = []
        return written

    def write_pending(self, conn: Connection) -> None:
        """Writes the changed rows and history rows into the pending twins (emptied first)."""
        for name in (*STATE_NAMES, *HISTORY_NAMES):
            conn.exec_driver_sql(f"DELETE FROM {_pending_sql(conn, name).qname}")
        for name in STATE_NAMES:
            live = [row for row in self.rows[name].values() if row is not None]
            bulk(conn, _pending_sql(conn, name), "insert", live)
        for name in HISTORY_NAMES:
            bulk(conn, _pending_sql(conn, name), "insert", self.history[name])

    def commit(self) -> None:
        """After the transaction committed: the new rows become the cache's."""
        self.store.commit(self.rows)


def _json_value(value: Any) -> Any:
    """An argument as JSON shows it exactly (JavaScript reads integers above 2**53 wrongly)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53:
        return str(value)
    return value


_SQL: dict[tuple[str, str], TableSql] = {}


def _history_sql(conn: Connection, name: str) -> TableSql:
    key = (conn.dialect.name, name)
    if key not in _SQL:
        _SQL[key] = sql_for(conn, schema.table(name))
    return _SQL[key]


def _pending_sql(conn: Connection, name: str) -> TableSql:
    key = (conn.dialect.name, "pending_" + name)
    if key not in _SQL:
        _SQL[key] = sql_for(conn, schema.PENDING[name])
    return _SQL[key]
