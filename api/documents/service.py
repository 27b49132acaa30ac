"""Public documents: the task and shop documents whose CIDs are on chain (never evidence)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from api.errors import NotFound
from indexer import schema as s
from wesh.metadata import ContentStore, is_cid


class DocumentService:
    def __init__(self, engine: Engine, content: ContentStore) -> None:
        self.engine = engine
        self.content = content

    def public(self, cid: str) -> bytes:
        """A task's or a shop's document by CID; anything else is not found (evidence, or a CID
        no task or shop names)."""
        if not is_cid(cid) or not self.is_public(cid):
            raise NotFound()
        return self.content.get(cid)

    def is_public(self, cid: str) -> bool:
        """Task and merchant documents are public; evidence is not."""
        with self.engine.connect() as db:
            for column in (s.tasks.c.metadata_cid, s.merchants.c.metadata_cid):
                found = db.execute(sa.select(sa.literal(1)).where(column == cid).limit(1)).first()
                if found:
                    return True
        return False
