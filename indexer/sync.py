"""Catching up and following the head.

One ``step()`` is one poll:

1. ask the node for the head; the confirmed tip is ``head - confirmations``;
2. if the last indexed block is no longer canonical, roll back to the common ancestor
   (``indexer.reorg``) and carry on from there;
3. if behind the confirmed tip, read the next range of blocks and apply it in a transaction
   together with the cursor, the block hashes and (near the head) the undo journal (while
   catching up, consecutive ranges share one transaction for up to ``commit_seconds``: see
   ``_apply_checked``);
4. once at the confirmed tip, rebuild the pending tables from the unconfirmed blocks.

An event the projections cannot place never stops the indexer: its range's transaction (and the
ranges before it in the same transaction) is rolled back, the event is remembered, and the ranges
are applied again from the last commit with that event recorded in ``unplaced_events`` instead
of applied (``_apply_checked``, ``_unplaceable_found``; docs/indexer.md, "Events it cannot
place").

Ranges far below the head ("deep": more than ``max_reorg_depth`` blocks down) are read with large
eth_getLogs calls (adapted to about ``target_logs`` logs each) and only the headers of blocks that
have events (for their timestamps and hashes) plus both ends of the range. Near the head every
header is read and every parent hash checked, and each row change is journaled so a
reorganisation can be undone. While catching up (more than one range behind), the ranges are
read (by several threads at once) and decoded in a separate process while one is applied
(``indexer.read_ahead``).
"""

from __future__ import annotations

import contextlib
import gc
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Connection, Engine

from indexer import schema
from indexer.archive import Entry, pack
from indexer.db import Checkpointer, bulk, sql_for
from indexer.projections import (
    UNDECODABLE,
    Batch,
    Event,
    Position,
    Store,
    Unplaceable,
    apply,
    count_unplaced,
)
from indexer.ranges import ChainMoved, Fetched, Read
from indexer.read_ahead import Prefetcher
from indexer.reorg import find_ancestor, rollback
from indexer.rpc import Rpc
from wesh.deployment import DEV_CHAIN_ID, Deployment
from wesh.events import DecodeError, specs
from wesh.settings import IndexerSettings

log = logging.getLogger("indexer.sync")
#: Where an event found unplaceable in an unconfirmed block is recorded.
PENDING_NOTE = "pending_unplaced_events (an unconfirmed block; unplaced_events once confirmed)"


class DeploymentMismatch(RuntimeError):
    """The database, the manifest and the chain do not describe the same deployment."""


@dataclass
class Cursor:
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
        confirmations = settings.confirmations
        self.confirmations = deployment.confirmations if confirmations is None else confirmations
        self.depth = max(settings.max_reorg_depth, self.confirmations + 1)
        self.store = Store(engine)
        self.range = settings.batch_blocks
        self.progress = Progress(confirmations=self.confirmations)
        #: Where the next range starts: the last block applied (committed, or in ``_unit``).
        self.cursor: Cursor | None = None
        self._unit: _Unit | None = None
        self._pending_key: tuple[int, str, int] | None = None
        self._prefetch: Prefetcher | None = None
        self._state_sql = sql_for(engine, schema.blocks)
        self.on_commit: Callable[[int], None] | None = None
        self._stop_event: threading.Event | None = None
        # Missing secondary indexes are built at the tip, once per run (after a first catch-up,
        # also one a crash interrupted).
        self._indexes_checked = False
        self._recorded_head: int | None = None
        #: Events found unplaceable above the last commit: (block, block hash, log index) ->
        #: (cause, reason). Applied again, they are recorded instead (``_unplaceable_in``).
        self._unplaceable: dict[tuple[int, str, int], tuple[str, str]] = {}

    # ---------------------------------------------------------------- set-up
    def initialise(self) -> None:
        """Creates the schema and the cursor, and checks that database, manifest and chain
        describe the same deployment."""
        dep = self.deployment
        chain_id = self.rpc.chain_id()
        try:
            schema.create(self.engine)
        except schema.SchemaError as error:
            if chain_id != DEV_CHAIN_ID or not self.settings.reset_dev_chain:
                raise
            # A local chain's index is thrown away with its node anyway (see below).
            log.warning("%s; this is a local chain: re-indexing it from scratch", error)
            schema.drop(self.engine)
            schema.create(self.engine)
        if chain_id != dep.chain_id:
            raise DeploymentMismatch(
                f"the node at the RPC URL serves chain {chain_id}, the manifest is for chain "
                f"{dep.chain_id}: point WESH_RPC_URL at the right node"
            )
        start = self.rpc.header(dep.start_block)
        if start is None:
            raise DeploymentMismatch(
                f"the chain has no block {dep.start_block} (the manifest's start block): was the "
                "chain reset? Deploy again (`ape run deploy`) to write a new manifest"
            )
        start_hash = start["hash"].lower()
        if dep.start_block_hash and dep.start_block_hash.lower() != start_hash:
            raise DeploymentMismatch(
                f"block {dep.start_block} on the chain is {start_hash}, the manifest says "
                f"{dep.start_block_hash}: the manifest is from a chain that was reset; deploy again"
            )
        if self._other_dev_deployment(chain_id, start_hash):
            log.warning(
                "the database holds the index of an earlier local chain (chain id %d), which is "
                "gone: dropping it and indexing the new deployment",
                DEV_CHAIN_ID,
            )
            schema.drop(self.engine)
            schema.create(self.engine)
            self.store.invalidate()
        with self.engine.begin() as conn:
            row = conn.execute(select(schema.sync_state)).mappings().first()
            if row is None:
                conn.execute(
                    schema.sync_state.insert().values(
                        id=1,
                        chain_id=chain_id,
                        heitje=self.addresses[0],
                        redemption=self.addresses[1],
                        start_block=dep.start_block,
                        start_block_hash=start_hash,
                        indexed_block=dep.start_block - 1,
                        indexed_hash=start["parentHash"].lower(),
                        journal_floor=dep.start_block - 1,
                        head_block=0,
                        head_seen_at=0.0,
                        events_total=0,
                        updated_at=time.time(),
                    )
                )
                log.info(
                    "new index of %s chain %d from block %d (Heitje %s)",
                    dep.network,
                    chain_id,
                    dep.start_block,
                    dep.heitje,
                )
            else:
                theirs = (
                    row["chain_id"],
                    row["heitje"],
                    row["redemption"],
                    row["start_block"],
                    row["start_block_hash"],
                )
                ours = (chain_id, self.addresses[0], self.addresses[1], dep.start_block, start_hash)
                if theirs != ours:
                    raise DeploymentMismatch(
                        "the database indexes another deployment (chain "
                        f"{row['chain_id']}, Heitje {row['heitje']}, start block "
                        f"{row['start_block']}): use another database, or `--reset` to re-index"
                    )
        self.cursor = self._read_cursor()
        self.progress.indexed = self.cursor.indexed_block
        self.progress.events_total = self.cursor.events_total
        with self.engine.connect() as conn:
            self.progress.unplaced = count_unplaced(conn)
        if self.cursor.indexed_block < dep.start_block:
            # An empty index: its first catch-up writes every row, and a B-tree built once from
            # all of them costs less than one kept up to date row by row. The API's queries
            # need these indexes, but an empty index has nothing to show yet.
            schema.drop_secondary_indexes(self.engine)
            log.info("first catch-up: secondary indexes are built when it reaches the tip")

    def _other_dev_deployment(self, chain_id: int, start_hash: str) -> bool:
        """True when both the database and the node are anvil chains (id 31337) and the database
        indexes another deployment: a dev chain is thrown away with its node (as its manifest
        is), so its index is too. On any other chain a mismatch is an error."""
        if chain_id != DEV_CHAIN_ID or not self.settings.reset_dev_chain:
            return False
        with self.engine.connect() as conn:
            row = conn.execute(select(schema.sync_state)).mappings().first()
        if row is None or row["chain_id"] != DEV_CHAIN_ID:
            return False
        dep = self.deployment
        return (row["heitje"], row["start_block"], row["start_block_hash"]) != (
            self.addresses[0],
            dep.start_block,
            start_hash,
        )

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
        p = self.progress
        cur = self.cursor
        pf = self._prefetch
        if pf is not None and cur.indexed_block < pf.safe:
            # Catching up to a tip the read-ahead is reading towards: no need to ask for the head
            # (the node answers it only after the read-ahead's current eth_getLogs, a tenth of
            # a second). A reorganisation in between shows in the next range's parent hash.
            head, p.last_poll = p.head, time.time()
        else:
            head = self.rpc.block_number()
            p.head, p.last_poll = head, time.time()
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
            self._update_pending(head)
            return False
        except ChainMoved as moved:
            self._stop_prefetch()
            self._commit_unit()
            log.info("the chain changed while it was being read (%s): reading again", moved)
            time.sleep(min(self.settings.poll_interval, 0.5))
            return True

    def _ensure_indexes(self) -> None:
        began = time.monotonic()
        created = schema.create_secondary_indexes(self.engine)
        if created:
            log.info("built %d secondary indexes in %.2f s", created, time.monotonic() - began)
        self._indexes_checked = True

    # ---------------------------------------------------------------- confirmed blocks
    def plan_range(self, first: int, head: int, safe: int) -> tuple[int, bool]:
        """The last block of the range starting at ``first``, and whether it is deep."""
        deep_limit = head - self.depth
        if first <= deep_limit:
            return min(first + self.range - 1, deep_limit, safe), True
        return min(first + self.range - 1, safe), False

    def _fetch(self, first: int, last: int, deep: bool) -> Fetched:
        return self.decode_range(self.read_range(first, last, deep))

    def read_range(self, first: int, last: int, deep: bool, rpc: Rpc | None = None) -> Read:
        """The logs of a range and the headers it needs, as the node sent them (asked with
        ``rpc``: the read-ahead's threads each have their own client)."""
        rpc = rpc or self.rpc
        logs = rpc.get_logs(self.addresses, first, last)
        refused = rpc.refused_span
        if refused:  # the node refused wider ranges: start the next ones at half that
            self.range = max(1, min(self.range, refused // 2))
        else:
            self._adapt(len(logs), last - first + 1)
        if deep:
            numbers = {first, last}
            for lg in logs:
                numbers.add(int(lg["blockNumber"], 16))
            wanted = sorted(numbers)
        else:
            wanted = list(range(first, last + 1))
        got = rpc.headers(wanted, self.settings.header_batch)
        headers: dict[int, dict[str, Any]] = {}
        for number, header in zip(wanted, got, strict=True):
            if header is None:
                raise ChainMoved(f"block {number} is not there (any more)")
            headers[number] = header
        return Read(first, last, deep, logs, headers)

    def decode_range(self, r: Read) -> Fetched:
        hashes = {n: h["hash"].lower() for n, h in r.headers.items()}
        events, raw, with_events = self._decode(r.logs, hashes, r.headers)
        log_count = sum(row[2] for row in raw)
        return Fetched(
            r.first, r.last, r.headers, hashes, not r.deep, events, raw, with_events, log_count
        )

    def _adapt(self, n_logs: int, n_blocks: int) -> None:
        """Sizes the next range to about ``target_logs`` logs at the density just seen (growing
        at most 4x a step, so one dense stretch after an empty one cannot make a huge answer)."""
        if n_blocks < self.range and n_logs <= self.settings.target_logs:
            return  # a short range at the end of the chain says little about density
        estimate = n_blocks * self.settings.target_logs // max(n_logs, 1)
        self.range = max(1, min(estimate, self.range * 4, self.settings.max_batch_blocks))

    def _advance(self, head: int, safe: int) -> None:
        assert self.cursor is not None
        first = self.cursor.indexed_block + 1
        last, deep = self.plan_range(first, head, safe)
        fetched: Fetched | None = None
        pf = self._prefetch
        if pf is not None and pf.next_first != first:
            self._stop_prefetch()
            pf = None
        if pf is None and last < safe:
            # More than one range to go: catching up, so the ranges are read ahead, this one
            # included (by a process, started once per catch-up; following the head, one range
            # per poll is read here).
            pf = self._prefetch = Prefetcher(self, first, head, safe)
        if pf is not None:
            fetched = _without_gc(pf.take)
            if fetched is None:  # the read-ahead reached the tip it planned for: read here
                self._stop_prefetch()
        if fetched is None:
            fetched = self._fetch(first, last, deep=deep)
        self._apply_range(fetched, head)
        unit = self._unit
        if unit is not None and (
            self._prefetch is None
            or fetched.last >= safe
            or time.monotonic() - unit.opened >= self.settings.commit_seconds
            # An event found unplaceable is committed as soon as it is recorded: the next one
            # found then rolls back only the ranges after it.
            or any(block <= fetched.last for block, _, _ in self._unplaceable)
        ):
            self._commit_unit()

    def _stop_prefetch(self) -> None:
        if self._prefetch is not None:
            self._prefetch.stop()
            self._prefetch = None

    def _apply_range(self, f: Fetched, head: int) -> None:
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
        events, raw, with_events, hashes = f.events, f.raw, f.with_events, f.hashes
        # Near the head every block is journaled (all of them lie above the journal floor);
        # a deep range is not, and moves the floor up to its end.
        new_floor = max(cur.journal_floor, f.last - self.depth) if f.contiguous else f.last
        block_rows = [
            (n, hashes[n], h["parentHash"].lower(), int(h["timestamp"], 16), n in with_events)
            for n, h in sorted(f.headers.items())
        ]
        unit = self._unit
        try:
            if unit is None:
                conn = self.engine.connect()
                conn.begin()
                unit = self._unit = _Unit(conn, Batch(self.store, conn, None), cur)
            batch, conn = unit.batch, unit.conn
            batch.journal_above = cur.journal_floor if f.contiguous else None
            batch.hashes, batch.unplaceable = hashes, self._unplaceable_in(hashes)
            apply(batch, events)
            batch.history["raw_logs"] = raw
            batch.write_history(conn)
            bulk(conn, self._state_sql, "upsert", block_rows)
            self._prune(conn, new_floor, f.last)
        except Unplaceable as error:
            # The batch is half-changed: everything since the last commit is dropped, and read
            # and applied again (the next step starts from the committed cursor), this event
            # recorded instead of applied.
            self._abort_unit()
            self._unplaceable_found(error, hashes, confirmed=True)
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
        if self._unplaceable:  # those at or below the cursor are recorded now
            self._unplaceable = {
                key: why for key, why in self._unplaceable.items() if key[0] > cur.indexed_block
            }
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

    def _prune(self, conn: Connection, floor: int, last: int) -> None:
        """Forgets journal entries and hashes of event-less blocks that can no longer be rolled
        back (at or below the journal floor; the floor block's own hash is kept)."""
        conn.exec_driver_sql(f"DELETE FROM journal WHERE block_number <= {int(floor)}")
        conn.exec_driver_sql(
            f"DELETE FROM blocks WHERE number < {int(floor)} AND has_events = "
            f"{'0' if conn.dialect.name == 'sqlite' else 'false'}"
        )

    def _decode(
        self,
        logs: list[dict[str, Any]],
        hashes: dict[int, str],
        headers: dict[int, dict[str, Any]],
    ) -> tuple[list[Event], list[tuple[Any, ...]], set[int]]:
        table = specs()
        mine = set(self.addresses)
        events: list[Event] = []
        by_block: dict[int, list[Entry]] = {}
        keys = ("data", "transactionHash", "blockHash", "address")
        if logs and any(not _is_lower_hex(logs[0][k]) for k in keys):
            logs = [_lowercase(lg) for lg in logs]  # nodes answer in lowercase hex; just in case
        # Per block (logs come in block order): its number, hash, timestamp and archive list.
        block_key = ""
        number, expected, stamp, last_index = -1, "", 0, -1
        kept: list[Entry] = []
        for lg in logs:
            if lg["blockNumber"] != block_key:
                block_key = lg["blockNumber"]
                new_number = int(block_key, 16)
                if new_number <= number:
                    raise ChainMoved(f"logs out of order at block {new_number}")
                number, last_index = new_number, -1
                found = hashes.get(number)
                if found is None:
                    raise ChainMoved(f"a log of block {number} is from a block not read")
                expected = found
                stamp = int(headers[number]["timestamp"], 16)
                kept = by_block[number] = []
            index = int(lg["logIndex"], 16)
            if index <= last_index:
                raise ChainMoved(f"logs out of order at block {number} log {index}")
            last_index = index
            if lg.get("removed"):
                raise ChainMoved(f"removed log in block {number}")
            if lg["blockHash"] != expected:
                raise ChainMoved(f"a log of block {number} is from another branch")
            address = lg["address"]
            if address not in mine:
                log.warning("ignoring a log of %s, not a WESH contract", address)
                continue
            topics = lg["topics"]
            data = lg["data"]
            tx = lg["transactionHash"]
            kept.append((index, tx, int(lg["transactionIndex"], 16), address, topics, data))
            spec = table.get(topics[0]) if topics else None
            if spec is None:
                first_topic = topics[0] if topics else None
                log.warning(
                    "block %d log %d: unknown event %s (kept raw)", number, index, first_topic
                )
                continue
            try:
                args = spec.decode(topics, data)
            except DecodeError as error:  # recorded as unplaced (it is in the archive as it is)
                bad = (spec.name, str(error), list(topics), data)
                events.append((UNDECODABLE, bad, number, index, tx, stamp))
                continue
            events.append((spec.name, args, number, index, tx, stamp))
        by_block = {n: entries for n, entries in by_block.items() if entries}
        # The raw_logs rows: one per block (logs come in block order, so dict order is).
        raw = [(number, hashes[number], len(kept), pack(kept)) for number, kept in by_block.items()]
        return events, raw, set(by_block)

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

    # ---------------------------------------------------------------- unplaceable events
    def _unplaceable_in(self, hashes: Mapping[int, str]) -> dict[Position, tuple[str, str]]:
        """The events found unplaceable in these blocks (of these hashes: a block that was
        replaced by a reorganisation is another block)."""
        if not self._unplaceable:
            return {}
        return {
            (block, log_index): why
            for (block, block_hash, log_index), why in self._unplaceable.items()
            if hashes.get(block) == block_hash
        }

    def _unplaceable_found(
        self, error: Unplaceable, hashes: Mapping[int, str], *, confirmed: bool
    ) -> None:
        name, args, block, log_index, tx, _ = error.event
        self._unplaceable[(block, hashes[block], log_index)] = (error.cause, error.reason)
        log.warning(
            "block %d log %d (%s, tx %s) cannot be placed (%s: %s): its effects are not applied, "
            'it is recorded in %s and indexing goes on (docs/indexer.md, "Events it cannot '
            'place")',
            block,
            log_index,
            args[0] if name == UNDECODABLE else name,
            tx,
            error.cause,
            error.reason,
            "unplaced_events" if confirmed else PENDING_NOTE,
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
        self._pending_key = None

    # ---------------------------------------------------------------- pending
    def _update_pending(self, head: int) -> None:
        assert self.cursor is not None
        cur = self.cursor
        first = cur.indexed_block + 1
        if self.confirmations == 0 or first > head:
            if self._pending_key != (0, "", 0):
                self._write_pending(None, first, head, "")
                self._pending_key = (0, "", 0)
            return
        top = self.rpc.header(head)
        if top is None:
            raise ChainMoved(f"head block {head} vanished")
        key = (head, top["hash"].lower(), cur.indexed_block)
        if key == self._pending_key:
            return
        fetched = self._fetch(first, head, deep=False)
        headers = fetched.headers
        if headers[first]["parentHash"].lower() != cur.indexed_hash:
            return  # the next step sees the reorganisation
        hashes = fetched.hashes
        for n in range(first + 1, head + 1):
            if headers[n]["parentHash"].lower() != hashes[n - 1]:
                raise ChainMoved(f"block {n} does not follow block {n - 1}")
        events, raw, with_events = fetched.events, fetched.raw, fetched.with_events
        block_rows = [
            (n, hashes[n], h["parentHash"].lower(), int(h["timestamp"], 16), n in with_events)
            for n, h in sorted(headers.items())
        ]
        while True:  # once more for each event found unplaceable (a finite number)
            try:
                with self.engine.begin() as conn:
                    batch = Batch(self.store, conn, None)
                    batch.hashes, batch.unplaceable = hashes, self._unplaceable_in(hashes)
                    apply(batch, events)
                    batch.history["raw_logs"] = raw
                    self._write_pending_tx(conn, batch, block_rows, first, head, hashes[head])
                break
            except Unplaceable as error:  # rolled back; the batch was never merged
                self._unplaceable_found(error, hashes, confirmed=False)
        self._pending_key = key
        self.progress.pending_blocks = head - first + 1

    def _write_pending(self, batch: Batch | None, first: int, head: int, head_hash: str) -> None:
        with self.engine.begin() as conn:
            self._write_pending_tx(conn, batch, [], first, head, head_hash)

    def _write_pending_tx(
        self,
        conn: Connection,
        batch: Batch | None,
        block_rows: list[tuple[Any, ...]],
        first: int,
        head: int,
        head_hash: str,
    ) -> None:
        if batch is None:
            for table in schema.PENDING.values():
                conn.execute(table.delete())
        else:
            batch.write_pending(conn)
        pending_blocks = schema.pending(schema.blocks)
        conn.execute(pending_blocks.delete())
        bulk(conn, sql_for(conn, schema.blocks, pending_blocks.name), "insert", block_rows)
        conn.execute(schema.pending_state.delete())
        conn.execute(
            schema.pending_state.insert().values(
                id=1, from_block=first, head_block=head, head_hash=head_hash, built_at=time.time()
            )
        )


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


def _is_lower_hex(value: str) -> bool:
    return value == value.lower()


def _lowercase(lg: dict[str, Any]) -> dict[str, Any]:
    out = dict(lg)
    for key in ("data", "transactionHash", "blockHash", "address"):
        out[key] = lg[key].lower()
    out["topics"] = [t.lower() for t in lg["topics"]]
    return out
