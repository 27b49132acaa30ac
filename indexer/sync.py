"""Catching up and following the head: applying the ranges the reader reads.

One ``step()`` is one poll:

1. ask the node for the head; the confirmed tip is ``head - confirmations``;
2. if the last indexed block is no longer canonical, roll back to the common ancestor
   (``indexer.reorg``) and carry on from there;
3. if behind the confirmed tip, take the next range of blocks (``indexer.range_reader`` reads
   it; while catching up, the read-ahead process has read it already: ``indexer.read_ahead``)
   and apply it in a transaction together with the cursor, the block hashes and (near the head)
   the undo journal (while catching up, consecutive ranges share one transaction for up to
   ``commit_seconds``: see ``_apply_checked``);
4. once at the confirmed tip, rebuild the pending tables from the unconfirmed blocks.

An event the projections cannot place never stops the indexer: its range's transaction (and the
ranges before it in the same transaction) is rolled back, the event is remembered
(``indexer.unplaceable``), and the ranges are applied again from the last commit with that event
recorded in ``unplaced_events`` instead of applied (docs/indexer.md, "Events it cannot place").

Everything here runs in the indexer's one thread; the read-ahead hands its ranges over whole.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Connection, Engine

from indexer import schema
from indexer.batch import Batch, Store
from indexer.db import Checkpointer, bulk, sql_for
from indexer.pending import PendingTables
from indexer.projections import Unplaceable, apply, count_unplaced
from indexer.range_reader import RangeReader
from indexer.ranges import ChainMoved, Fetched
from indexer.read_ahead import Prefetcher
from indexer.reorg import find_ancestor, rollback
from indexer.rpc import Rpc
from indexer.startup import open_index
from indexer.unplaceable import Unplaceables
from wesh.deployment import Deployment
from wesh.settings import IndexerSettings

log = logging.getLogger("indexer.sync")


@dataclass
class Cursor:
    """Where the index stands (``sync_state``): the last block applied and its hash, the
    journal floor (blocks at or below it cannot be rolled back), and the events applied."""

    indexed_block: int
    indexed_hash: str
    journal_floor: int
    events_total: int


@dataclass
class Progress:
    """What the running indexer knows of itself (for logs, /metrics and tests)."""

    head: int = 0
    indexed: int = 0
    confirmations: int = 0
    events_total: int = 0
    reorgs: int = 0
    #: Confirmed events recorded in ``unplaced_events`` (alert-worthy, not fatal).
    unplaced: int = 0
    batches: int = 0
    pending_blocks: int = 0
    last_poll: float = 0.0
    started: float = field(default_factory=time.time)

    @property
    def lag(self) -> int:
        return max(0, self.head - self.confirmations - self.indexed)


@dataclass
class _Unit:
    """Ranges applied in one open transaction, not committed yet (see ``Indexer._apply_checked``):
    their history rows, block hashes and journal are written range by range, the state rows
    they changed once, at the commit, with the cursor."""

    conn: Connection
    batch: Batch
    #: The cursor as committed (put back if the transaction is rolled back).
    committed: Cursor
    opened: float = field(default_factory=time.monotonic)
    head: int = 0


class Indexer:
    """The applying side: polls the node, takes each next range (read here by ``reader``, or by
    the read-ahead process while catching up), checks that it continues the index, applies it
    in a transaction with the cursor, and rolls back after a reorganisation. One thread."""

    def __init__(
        self,
        settings: IndexerSettings,
        deployment: Deployment,
        engine: Engine,
        rpc: Rpc,
    ) -> None:
        self.settings = settings
        self.deployment = deployment
        self.engine = engine
        self.rpc = rpc
        self.addresses = [deployment.heitje.lower(), deployment.redemption.lower()]
        if deployment.neighbourhood_desk:
            self.addresses.append(deployment.neighbourhood_desk.lower())
        confirmations = settings.confirmations
        self.confirmations = deployment.confirmations if confirmations is None else confirmations
        self.depth = max(settings.max_reorg_depth, self.confirmations + 1)
        self.reader = RangeReader(settings, self.addresses, self.depth, rpc)
        self.store = Store(engine)
        self.progress = Progress(confirmations=self.confirmations)
        #: Where the next range starts: the last block applied (committed, or in ``_unit``).
        self.cursor: Cursor | None = None
        self._unit: _Unit | None = None
        self._prefetch: Prefetcher | None = None
        self._state_sql = sql_for(engine, schema.blocks)
        self.on_commit: Callable[[int], None] | None = None
        self._stop_event: threading.Event | None = None
        # Missing secondary indexes are built at the tip, once per run (after a first catch-up,
        # also one a crash interrupted).
        self._indexes_checked = False
        self._recorded_head: int | None = None
        #: Events found unplaceable above the last commit (applied again, they are recorded).
        self._unplaceable = Unplaceables()
        self.pending = PendingTables(
            engine, self.store, self.reader, self._unplaceable, self.confirmations
        )

    # ---------------------------------------------------------------- set-up
    def initialise(self) -> None:
        """Creates the schema and the cursor, and checks that database, manifest and chain
        describe the same deployment (``indexer.startup``); reads the cursor."""
        open_index(self.settings, self.deployment, self.engine, self.rpc)
        self.store.invalidate()  # the index may have been dropped and made anew
        self.cursor = self._read_cursor()
        self.progress.indexed = self.cursor.indexed_block
        self.progress.events_total = self.cursor.events_total
        with self.engine.connect() as conn:
            self.progress.unplaced = count_unplaced(conn)
        if self.cursor.indexed_block < self.deployment.start_block:
            # An empty index: its first catch-up writes every row, and a B-tree built once from
            # all of them costs less than one kept up to date row by row. The API's queries
            # need these indexes, but an empty index has nothing to show yet.
            schema.drop_secondary_indexes(self.engine)
            log.info("first catch-up: secondary indexes are built when it reaches the tip")

    def _read_cursor(self) -> Cursor:
        with self.engine.connect() as conn:
            row = conn.execute(select(schema.sync_state)).mappings().one()
        return Cursor(
            int(row["indexed_block"]),
            str(row["indexed_hash"]),
            int(row["journal_floor"]),
            int(row["events_total"]),
        )

    # ---------------------------------------------------------------- the loop
    def run(self, *, once: bool = False, stop: threading.Event | None = None) -> None:
        """Catches up, then follows the head until ``stop`` is set (or, with ``once``, returns
        when the confirmed tip and the pending tables are up to date)."""
        if self.cursor is None:
            self.initialise()
        stop = stop or threading.Event()
        self._stop_event = stop
        try:
            with Checkpointer(self.engine):
                try:
                    self._loop(once, stop)
                finally:
                    # Stopped (or failed) between two ranges: what was applied is whole and
                    # checked (a range that failed half-way was rolled back at once).
                    self._commit_unit()
        finally:
            self._stop_prefetch()

    def _loop(self, once: bool, stop: threading.Event) -> None:
        last_report = 0.0
        while not stop.is_set():
            busy = self.step()
            now = time.monotonic()
            if busy and now - last_report > 5:
                last_report = now
                p = self.progress
                log.info(
                    "catching up: block %d of %d (%d behind), %d events",
                    p.indexed,
                    p.head - p.confirmations,
                    p.lag,
                    p.events_total,
                )
            if not busy:
                if once:
                    return
                stop.wait(self.settings.poll_interval)

    def step(self) -> bool:
        """One poll. Returns True when there is more confirmed work to do right away."""
        assert self.cursor is not None
        cur = self.cursor
        head = self._poll_head()
        safe = head - self.confirmations
        try:
            # At the confirmed tip: is the last indexed block still canonical? (While behind,
            # the parent hash of the next range's first block tells.)
            if safe <= cur.indexed_block and cur.indexed_block >= self.deployment.start_block:
                tip = self.rpc.header(cur.indexed_block)
                if tip is None or tip["hash"].lower() != cur.indexed_hash:
                    self._reorg(head)
                    return True
            if cur.indexed_block < safe:
                self._advance(head, safe)
                return True
            self._commit_unit()
            if not self._indexes_checked:
                self._ensure_indexes()
            self._record_head(head)
            blocks = self.pending.update(head, cur.indexed_block, cur.indexed_hash)
            if blocks is not None:
                self.progress.pending_blocks = blocks
            return False
        except ChainMoved as moved:
            self._stop_prefetch()
            self._commit_unit()
            log.info("the chain changed while it was being read (%s): reading again", moved)
            time.sleep(min(self.settings.poll_interval, 0.5))
            return True

    def _poll_head(self) -> int:
        """The head: asked of the node, unless catching up to a tip the read-ahead is reading
        towards (the node answers it only after the read-ahead's current eth_getLogs, a tenth
        of a second; a reorganisation in between shows in the next range's parent hash)."""
        assert self.cursor is not None
        p = self.progress
        pf = self._prefetch
        if pf is not None and self.cursor.indexed_block < pf.safe:
            p.last_poll = time.time()
            return p.head
        head = self.rpc.block_number()
        p.head, p.last_poll = head, time.time()
        return head

    def _ensure_indexes(self) -> None:
        began = time.monotonic()
        created = schema.create_secondary_indexes(self.engine)
        if created:
            log.info("built %d secondary indexes in %.2f s", created, time.monotonic() - began)
        self._indexes_checked = True

    def _record_head(self, head: int) -> None:
        if head == self._recorded_head:
            return
        self._recorded_head = head
        with self.engine.begin() as conn:
            conn.execute(
                update(schema.sync_state)
                .where(schema.sync_state.c.id == 1)
                .values(head_block=head, head_seen_at=time.time())
            )

    # ---------------------------------------------------------------- confirmed blocks
    def _advance(self, head: int, safe: int) -> None:
        """Applies the next range below the confirmed tip ``safe``; commits when due."""
        assert self.cursor is not None
        first = self.cursor.indexed_block + 1
        last, deep = self.reader.plan(first, head, safe)
        fetched = self._read_ahead(first, last, head, safe)
        if fetched is None:
            fetched = self.reader.fetch(first, last, deep)
        self._apply_range(fetched, head)
        unit = self._unit
        if unit is not None and (
            self._prefetch is None
            or fetched.last >= safe
            or time.monotonic() - unit.opened >= self.settings.commit_seconds
            # An event found unplaceable is committed as soon as it is recorded: the next one
            # found then rolls back only the ranges after it.
            or self._unplaceable.any_through(fetched.last)
        ):
            self._commit_unit()

    def _read_ahead(self, first: int, last: int, head: int, safe: int) -> Fetched | None:
        """The range from ``first`` as the read-ahead read it; None when it is read here.

        With more than one range to go (``last < safe``) the indexer is catching up: the ranges
        are read ahead, this one included, by a process started once per catch-up. Following
        the head, one range per poll is read here."""
        pf = self._prefetch
        if pf is not None and pf.next_first != first:
            self._stop_prefetch()
            pf = None
        if pf is None and last < safe:
            pf = self._prefetch = Prefetcher(self.reader, first, head, safe, self._stop_event)
        if pf is None:
            return None
        try:
            fetched = _without_gc(pf.take)
        except BaseException:
            self._stop_prefetch()  # it is finished: what it raised is raised here
            raise
        if fetched is None:  # the read-ahead reached the tip it planned for: read here
            self._stop_prefetch()
            return None
        # Its RPC counters join the indexer's, and its range size is the one planned with next.
        stats = self.rpc.stats
        requests, retries, splits = fetched.rpc_counts
        stats.requests, stats.retries = stats.requests + requests, stats.retries + retries
        stats.splits += splits
        self.reader.size = fetched.next_size
        return fetched

    def _stop_prefetch(self) -> None:
        if self._prefetch is not None:
            self._prefetch.stop()
            self._prefetch = None

    def _apply_range(self, f: Fetched, head: int) -> None:
        """Checks that the range continues the index (else the chain was reorganised: rolled
        back) and that its blocks are linked, then applies it."""
        assert self.cursor is not None
        cur = self.cursor
        headers = f.headers
        first = headers[f.first]
        if first["parentHash"].lower() != cur.indexed_hash:
            # The block we built on is gone: a reorganisation below this range.
            self._stop_prefetch()
            self._reorg(head)
            return
        hashes = f.hashes
        if f.contiguous:
            for n in range(f.first + 1, f.last + 1):
                if headers[n]["parentHash"].lower() != hashes[n - 1]:
                    raise ChainMoved(f"block {n} does not follow block {n - 1}")
        _without_gc(self._apply_checked, f, head)

    def _apply_checked(self, f: Fetched, head: int) -> None:
        """Applies a checked range in the open transaction (opening one if needed). While
        catching up, ranges accumulate in it for up to ``commit_seconds`` (``_advance``); the
        state rows they change are written once, at the commit (``_commit_unit``)."""
        assert self.cursor is not None
        cur = self.cursor
        hashes = f.hashes
        # Near the head every block is journaled (all of them lie above the journal floor);
        # a deep range is not, and moves the floor up to its end.
        new_floor = max(cur.journal_floor, f.last - self.depth) if f.contiguous else f.last
        block_rows = f.block_rows()
        unit = self._unit
        try:
            if unit is None:
                conn = self.engine.connect()
                conn.begin()
                unit = self._unit = _Unit(conn, Batch(self.store, conn, None), cur)
            batch, conn = unit.batch, unit.conn
            batch.journal_above = cur.journal_floor if f.contiguous else None
            batch.hashes, batch.unplaceable = hashes, self._unplaceable.in_blocks(hashes)
            apply(batch, f.events)
            batch.history["raw_logs"] = f.raw
            batch.write_history(conn)
            bulk(conn, self._state_sql, "upsert", block_rows)
            self._prune(conn, new_floor)
        except Unplaceable as error:
            # The batch is half-changed: everything since the last commit is dropped, and read
            # and applied again (the next step starts from the committed cursor), this event
            # recorded instead of applied.
            self._abort_unit()
            self._unplaceable.found(error, hashes, confirmed=True)
            return
        except BaseException:
            self._abort_unit()
            raise
        self.cursor = Cursor(f.last, hashes[f.last], new_floor, cur.events_total + f.log_count)
        unit.head = head

    def _commit_unit(self) -> None:
        """Writes the open transaction's state rows and the cursor, and commits."""
        unit, cur = self._unit, self.cursor
        if unit is None:
            return
        assert cur is not None
        now = time.time()
        try:
            _without_gc(unit.batch.write_state, unit.conn)
            unit.conn.execute(
                update(schema.sync_state)
                .where(schema.sync_state.c.id == 1)
                .values(
                    indexed_block=cur.indexed_block,
                    indexed_hash=cur.indexed_hash,
                    journal_floor=cur.journal_floor,
                    head_block=unit.head,
                    head_seen_at=now,
                    events_total=cur.events_total,
                    updated_at=now,
                )
            )
            unit.conn.commit()
        except BaseException:
            self._abort_unit()
            raise
        self._unit = None
        unit.conn.close()
        unit.batch.commit()
        p = self.progress
        p.indexed, p.events_total, p.batches = cur.indexed_block, cur.events_total, p.batches + 1
        p.unplaced += unit.batch.unplaced
        self._unplaceable.forget_through(cur.indexed_block)  # recorded now
        if self.on_commit is not None:
            self.on_commit(cur.indexed_block)

    def _abort_unit(self) -> None:
        """Rolls the open transaction back: the index is as last committed, and so is the
        cursor (the ranges are read again)."""
        unit = self._unit
        if unit is None:
            return
        self._unit = None
        self.store.invalidate()
        self.cursor = unit.committed
        with contextlib.suppress(Exception):
            unit.conn.rollback()
        with contextlib.suppress(Exception):
            unit.conn.close()

    def _prune(self, conn: Connection, floor: int) -> None:
        """Forgets journal entries and hashes of event-less blocks that can no longer be rolled
        back (at or below the journal floor; the floor block's own hash is kept)."""
        conn.exec_driver_sql(f"DELETE FROM journal WHERE block_number <= {int(floor)}")
        conn.exec_driver_sql(
            f"DELETE FROM blocks WHERE number < {int(floor)} AND has_events = "
            f"{'0' if conn.dialect.name == 'sqlite' else 'false'}"
        )

    # ---------------------------------------------------------------- reorgs
    def _reorg(self, head: int) -> None:
        self._stop_prefetch()
        # Ranges applied since the last commit are on the branch that is gone (or on top of
        # it): dropped, the rollback starts from the committed index.
        self._abort_unit()
        assert self.cursor is not None
        cur = self.cursor
        with self.engine.connect() as conn:
            ancestor, ancestor_hash = find_ancestor(
                conn, self.rpc, cur.indexed_block, cur.journal_floor
            )
        try:
            with self.engine.begin() as conn:
                counts = rollback(conn, ancestor)
                events_total = conn.exec_driver_sql(
                    "SELECT COALESCE(SUM(log_count), 0) FROM raw_logs"
                ).scalar_one()
                unplaced = count_unplaced(conn)
                conn.execute(
                    update(schema.sync_state)
                    .where(schema.sync_state.c.id == 1)
                    .values(
                        indexed_block=ancestor,
                        indexed_hash=ancestor_hash,
                        journal_floor=min(cur.journal_floor, ancestor),
                        events_total=events_total,
                        updated_at=time.time(),
                    )
                )
        finally:
            self.store.invalidate()
        depth = cur.indexed_block - ancestor
        log.warning(
            "reorganisation: blocks %d-%d were replaced; rolled back %d block(s) to the common "
            "ancestor %d (%d rows restored, %d history rows removed); replaying the new branch",
            ancestor + 1,
            cur.indexed_block,
            depth,
            ancestor,
            counts["restored"],
            counts["deleted"],
        )
        self.cursor = Cursor(
            ancestor, ancestor_hash, min(cur.journal_floor, ancestor), int(events_total)
        )
        self.progress.reorgs += 1
        self.progress.indexed = ancestor
        self.progress.events_total = int(events_total)
        self.progress.unplaced = unplaced
        self.pending.forget()


def _without_gc(fn: Callable[..., Any], *args: Any) -> Any:
    """Runs ``fn`` with the cyclic garbage collector off: a batch allocates hundreds of thousands
    of small acyclic objects that all live until it is written (or, received from the
    read-ahead process, until it is applied); the collector would scan them again and again."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        return fn(*args)
    finally:
        if was_on:
            gc.enable()
