"""How far the indexer is: for readiness and metrics."""

from __future__ import annotations

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.engine import Engine

from indexer import schema as s


class IndexerProgress(BaseModel):
    indexed_block: int
    head_block: int
    lag_blocks: int
    updated_at: float
    #: Events the indexer could not place (docs/indexer.md): alert-worthy, not fatal.
    unplaced_events: int


def indexer_progress(engine: Engine) -> IndexerProgress | None:
    """The indexer's cursor and the chain head it last saw (None before it has started)."""
    with engine.connect() as db:
        row = db.execute(sa.select(s.sync_state)).first()
        if row is None:
            return None
        unplaced = db.execute(sa.select(sa.func.count()).select_from(s.unplaced_events))
    return IndexerProgress(
        indexed_block=row.indexed_block,
        head_block=row.head_block,
        lag_blocks=max(0, int(row.head_block) - int(row.indexed_block)),
        updated_at=row.updated_at,
        unplaced_events=unplaced.scalar_one(),
    )
