"""Which version of the index the database holds: a value that changes whenever the indexer
changes anything the API reads, so that what was built from the index can be kept until then.

The indexer writes its tables in two kinds of transaction, and each one rewrites a row the API
can read in one small query:

* confirmed blocks (and the rollback of a reorganisation) change the state and history tables
  and, in the same transaction, ``sync_state``: the indexed block, its hash and ``updated_at``
  (the time of that write; moving only the head leaves it alone);
* every rebuild of the pending tables (the unconfirmed blocks above the confirmed tip) replaces
  ``pending_state`` in the same transaction: the head it was built for and ``built_at``.

A reader that takes the version *before* it reads the index has read rows at least that new
(each statement sees every transaction committed before it began), so a result kept under that
version is never older than the version says.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from api.driver_sql import DriverSelect
from indexer import schema as s

#: (indexed block, its hash, when the confirmed tables were last written, the pending tables'
#: head hash and when they were last rebuilt).
IndexVersion = tuple[Any, ...]

_sync, _pending = s.sync_state.c, s.pending_state.c
_VERSION = sa.select(
    _sync.indexed_block, _sync.indexed_hash, _sync.updated_at, _pending.head_hash, _pending.built_at
).select_from(s.sync_state.outerjoin(s.pending_state, _pending.id == _sync.id))


class IndexVersions:
    """Reads the version of ``engine``'s index (one small query, run on the driver's cursor:
    it is read on every request that keeps something until the index changes)."""

    def __init__(self, engine: Engine) -> None:
        self._select = DriverSelect(engine, _VERSION)

    def current(self) -> IndexVersion | None:
        """The version of the index now (None: the indexer has not started it yet)."""
        return self._select.first()
