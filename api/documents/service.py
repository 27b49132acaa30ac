"""Public documents: the task and shop documents whose CIDs are on chain (never evidence)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from indexer import schema as s


class DocumentService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def is_public(self, cid: str) -> bool:
        """Task and merchant documents are public; evidence is not."""
        with self.engine.connect() as db:
            for column in (s.tasks.c.metadata_cid, s.merchants.c.metadata_cid):
                found = db.execute(sa.select(sa.literal(1)).where(column == cid).limit(1)).first()
                if found:
                    return True
        return False
