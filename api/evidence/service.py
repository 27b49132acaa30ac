"""Evidence: who handed in which photos and documents, and who may see them."""

from __future__ import annotations

import time

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from api.tables import evidence_owners
from indexer import schema as s


class EvidenceService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def record(self, cid: str, owner: str, media_type: str) -> None:
        with self.engine.begin() as db:
            exists = db.execute(
                sa.select(evidence_owners.c.cid).where(evidence_owners.c.cid == cid)
            ).first()
            if exists is None:
                db.execute(
                    evidence_owners.insert().values(
                        cid=cid,
                        owner=owner.lower(),
                        media_type=media_type,
                        created_at=int(time.time()),
                    )
                )

    def claims_evidence(self, cid: str, wallet: str) -> bool:
        """Whether ``cid`` is the evidence document of one of ``wallet``'s claims."""
        with self.engine.connect() as db:
            found = db.execute(
                sa.select(sa.literal(1))
                .where(s.claims.c.evidence_cid == cid, s.claims.c.wallet == wallet.lower())
                .limit(1)
            ).first()
        return found is not None

    def record_of(self, cid: str) -> tuple[str, str] | None:
        with self.engine.connect() as db:
            row = db.execute(
                sa.select(evidence_owners.c.owner, evidence_owners.c.media_type).where(
                    evidence_owners.c.cid == cid
                )
            ).first()
        return (row.owner, row.media_type) if row else None
