"""Reorganisations: finding the common ancestor and rolling the projections back to it.

The indexer keeps a block-hash log (``blocks``) of every block it applied near the head (and of
every block with WESH events), and an undo journal (``journal``) of the rows each of those blocks
changed, as they were before. When a block's parent hash no longer matches the hash the indexer
recorded, the chain was reorganised:

1. the recorded blocks are compared, newest first, with the node's canonical blocks of the same
   numbers; the newest one that still matches is the common ancestor (a block hash commits to its
   whole past, so everything up to it is unchanged);
2. in one transaction, the journal of every block above the ancestor is replayed backwards (each
   row put back as it was, or deleted if the block created it), the history rows and block hashes
   above it are deleted, and the cursor is set to the ancestor;
3. the indexer then simply carries on from the ancestor and replays the new branch.

Blocks deeper than ``max_reorg_depth`` below the head are not journaled (that is what makes a
long catch-up fast). A reorganisation below that is refused with ``ReorgTooDeep``: the only exact
answer then is a re-index (``python -m indexer reset``).
"""

from __future__ import annotations

import logging
from typing import Any

import orjson
from sqlalchemy.engine import Connection

from indexer import schema
from indexer.db import executemany, sql_for
from indexer.rpc import Rpc

log = logging.getLogger("indexer.reorg")


class ReorgTooDeep(RuntimeError):
    """The chain changed below the deepest block the indexer can roll back."""


def find_ancestor(
    conn: Connection, rpc: Rpc, top: int, floor: int, chunk: int = 64
) -> tuple[int, str]:
    """The newest recorded block at or below ``top`` that is still canonical, not below
    ``floor`` (the journal floor)."""
    upper = top
    while True:
        rows = conn.exec_driver_sql(
            f"SELECT number, hash FROM blocks WHERE number <= {int(upper)} "
            f"AND number >= {int(floor)} ORDER BY number DESC LIMIT {int(chunk)}"
        ).all()
        if not rows:
            raise ReorgTooDeep(
                f"the chain was reorganised below block {floor}, deeper than the indexer keeps "
                "an undo journal for: run `python -m indexer reset` to re-index"
            )
        canonical = rpc.headers([int(n) for n, _ in rows])
        for (number, stored), header in zip(rows, canonical, strict=True):
            if header is not None and header["hash"].lower() == stored:
                return int(number), str(stored)
        upper = int(rows[-1][0]) - 1


def rollback(conn: Connection, ancestor: int) -> dict[str, int]:
    """Undoes every block above ``ancestor`` (in the caller's transaction). Returns the number of
    rows restored and deleted, for the log line."""
    restored = 0
    entries = conn.exec_driver_sql(
        f"SELECT table_name, pk, {conn.dialect.identifier_preparer.quote('before')} FROM journal "
        f"WHERE block_number > {int(ancestor)} ORDER BY block_number DESC, seq DESC"
    ).all()
    sqls: dict[str, Any] = {}
    for name, keys_json, befores_json in entries:
        if name not in sqls:
            sqls[name] = sql_for(conn, schema.table(name))
        sql = sqls[name]
        keys = orjson.loads(keys_json)
        befores = orjson.loads(befores_json)
        # A block journals each row once (its first change), so the order inside a group does
        # not matter; blocks are undone newest first.
        executemany(conn, sql.delete_key, [tuple(k) for k in keys])
        executemany(conn, sql.insert, [tuple(b) for b in befores if b is not None])
        restored += len(keys)
    deleted = 0
    for table in schema.HISTORY_TABLES:
        result = conn.exec_driver_sql(
            f"DELETE FROM {table.name} WHERE block_number > {int(ancestor)}"
        )
        deleted += max(result.rowcount, 0)
    conn.exec_driver_sql(f"DELETE FROM journal WHERE block_number > {int(ancestor)}")
    conn.exec_driver_sql(f"DELETE FROM blocks WHERE number > {int(ancestor)}")
    return {"restored": restored, "deleted": deleted}
