"""The pending tables: the unconfirmed blocks (above the confirmed tip, up to the head) applied
on top of the confirmed rows and written to the ``pending_*`` twins (``PendingTables``).

They are rebuilt whole at every poll at the tip in which the head or the cursor moved, with the
same code that applies confirmed blocks, and never merged into the confirmed tables or the
cache: a reorganisation of unconfirmed blocks only changes what the next rebuild writes.
"""

from __future__ import annotations

import time

from sqlalchemy.engine import Connection, Engine

from indexer import schema
from indexer.batch import Batch, Store
from indexer.db import bulk, sql_for
from indexer.projections import Unplaceable, apply
from indexer.range_reader import RangeReader
from indexer.ranges import BlockRow, ChainMoved
from indexer.unplaceable import Unplaceables


class PendingTables:
    """Rebuilds the pending tables (from the indexer's thread)."""

    #: What the tables hold when there are no unconfirmed blocks.
    _EMPTY = (0, "", 0)

    def __init__(
        self,
        engine: Engine,
        store: Store,
        reader: RangeReader,
        unplaceable: Unplaceables,
        confirmations: int,
    ) -> None:
        self.engine = engine
        self.store = store
        self.reader = reader
        self.unplaceable = unplaceable
        self.confirmations = confirmations
        #: (head, head hash, indexed block) of the last rebuild: unchanged, nothing to do.
        self._built: tuple[int, str, int] | None = None

    def forget(self) -> None:
        """The confirmed tables changed under the pending ones (a rollback): rebuild next."""
        self._built = None

    def update(self, head: int, indexed_block: int, indexed_hash: str) -> int | None:
        """Rebuilds the tables for the blocks above ``indexed_block`` up to ``head`` unless they
        are as at the last rebuild; returns how many blocks they hold (None: not rebuilt with
        blocks)."""
        first = indexed_block + 1
        if self.confirmations == 0 or first > head:
            if self._built != self._EMPTY:
                with self.engine.begin() as conn:
                    self._write(conn, None, [], first, head, "")
                self._built = self._EMPTY
            return None
        top = self.reader.rpc.header(head)
        if top is None:
            raise ChainMoved(f"head block {head} vanished")
        key = (head, top["hash"].lower(), indexed_block)
        if key == self._built:
            return None
        fetched = self.reader.fetch(first, head, deep=False)
        headers = fetched.headers
        if headers[first]["parentHash"].lower() != indexed_hash:
            return None  # the next step sees the reorganisation
        hashes = fetched.hashes
        for n in range(first + 1, head + 1):
            if headers[n]["parentHash"].lower() != hashes[n - 1]:
                raise ChainMoved(f"block {n} does not follow block {n - 1}")
        rows = fetched.block_rows()
        while True:  # once more for each event found unplaceable (a finite number)
            try:
                with self.engine.begin() as conn:
                    batch = Batch(self.store, conn, None)
                    batch.hashes, batch.unplaceable = hashes, self.unplaceable.in_blocks(hashes)
                    apply(batch, fetched.events)
                    batch.history["raw_logs"] = fetched.raw
                    self._write(conn, batch, rows, first, head, hashes[head])
                break
            except Unplaceable as error:  # rolled back; the batch was never merged
                self.unplaceable.found(error, hashes, confirmed=False)
        self._built = key
        return head - first + 1

    def _write(
        self,
        conn: Connection,
        batch: Batch | None,
        rows: list[BlockRow],
        first: int,
        head: int,
        head_hash: str,
    ) -> None:
        """Replaces the pending tables' rows with the batch's (none: emptied), the pending block
        log with ``rows``, and ``pending_state``."""
        if batch is None:
            for table in schema.PENDING.values():
                conn.execute(table.delete())
        else:
            batch.write_pending(conn)
        pending_blocks = schema.pending(schema.blocks)
        conn.execute(pending_blocks.delete())
        bulk(conn, sql_for(conn, schema.blocks, pending_blocks.name), "insert", rows)
        conn.execute(schema.pending_state.delete())
        conn.execute(
            schema.pending_state.insert().values(
                id=1, from_block=first, head_block=head, head_hash=head_hash, built_at=time.time()
            )
        )
