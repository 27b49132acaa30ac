"""How far the indexer is: for readiness and metrics."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from indexer import schema as s


def indexer_progress(engine: Engine) -> dict[str, Any]:
    with engine.connect() as db:
        row = db.execute(sa.select(s.sync_state)).first()
        if row is None:
            return {"indexed_block": None, "head_block": None, "lag_blocks": None}
        # Events the indexer could not place (docs/indexer.md): alert-worthy, not fatal.
        unplaced = db.execute(sa.select(sa.func.count()).select_from(s.unplaced_events))
    return {
        "indexed_block": int(row.indexed_block),
        "head_block": int(row.head_block),
        "lag_blocks": max(0, int(row.head_block) - int(row.indexed_block)),
        "updated_at": float(row.updated_at),
        "unplaced_events": int(unplaced.scalar_one()),
    }
