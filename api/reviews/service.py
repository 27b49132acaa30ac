"""The reviewers' queue: submitted and appealed claims, oldest first, with their evidence."""

from __future__ import annotations

import sqlalchemy as sa
from eth_utils import to_checksum_address
from sqlalchemy.engine import Engine

from api.reviews.schemas import QueueItem
from api.tables import task_meta
from api.tasks.texts import TaskTexts
from indexer import schema as s
from wesh.rules import AWAITING_REVIEW, ClaimStatus

#: Claims in one look at the queue.
QUEUE_SHOWN = 100


class ReviewService:
    def __init__(self, engine: Engine, texts: TaskTexts) -> None:
        self.engine = engine
        self.texts = texts

    def queue(self, limit: int = QUEUE_SHOWN) -> list[QueueItem]:
        """Submitted and appealed claims, oldest first, with their evidence."""
        c = s.claims
        self.texts.sync()
        with self.engine.connect() as db:
            rows = db.execute(
                sa.select(c, task_meta.c.title_nl)
                .select_from(c.outerjoin(task_meta, task_meta.c.task_id == c.c.task_id))
                .where(c.c.status.in_(sorted(AWAITING_REVIEW)))
                .order_by(c.c.updated_block, c.c.task_id, c.c.citizen_id)
                .limit(limit)
            ).all()
        return [
            QueueItem(
                task_id=row.task_id,
                citizen_id=row.citizen_id,
                citizen=to_checksum_address(row.wallet),
                status=ClaimStatus(row.status).name.lower(),
                reward=row.reward,
                evidence_cid=row.evidence_cid,
                rejected_by=to_checksum_address(row.rejected_by)
                if int(row.rejected_by, 16)
                else None,
                reason=row.reason,
                rejections=row.rejections,
                title=row.title_nl or f"Klus {row.task_id}",
            )
            for row in rows
        ]
