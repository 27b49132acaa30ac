"""Reviewing: the queue of submitted and appealed claims, and the decisions on them (approve,
reject with a published reason, decide an appeal)."""

from __future__ import annotations

import sqlalchemy as sa
from eth_utils import to_checksum_address
from sqlalchemy.engine import Engine

from api.database import MAX_BIGINT
from api.errors import InvalidInput
from api.prepared import PreparedTx, Transactions
from api.reviews.schemas import AppealDecisionIn, QueueItem, RejectIn, ReviewItem
from api.tables import task_meta
from api.tasks.texts import TaskTexts
from indexer import schema as s
from wesh import reasons
from wesh.rules import AWAITING_REVIEW, ClaimStatus

#: Claims in one look at the queue.
QUEUE_SHOWN = 100


class ReviewService:
    def __init__(self, engine: Engine, texts: TaskTexts, txs: Transactions) -> None:
        self.engine = engine
        self.texts = texts
        self.txs = txs

    def queue(self, limit: int = QUEUE_SHOWN) -> list[QueueItem]:
        """Submitted and appealed claims, oldest first, with their evidence."""
        c = s.claims
        self.texts.sync()
        with self.engine.connect() as db:
            rows = db.execute(
                sa.select(c, task_meta.c.title_nl, s.citizens.c.neighbourhood)
                .select_from(
                    c.outerjoin(task_meta, task_meta.c.task_id == c.c.task_id).outerjoin(
                        s.citizens, s.citizens.c.citizen_id == c.c.citizen_id
                    )
                )
                .where(c.c.status.in_(sorted(AWAITING_REVIEW)))
                .order_by(c.c.updated_block, c.c.task_id, c.c.citizen_id)
                .limit(limit)
            ).all()
        return [
            QueueItem(
                task_id=row.task_id,
                citizen_id=row.citizen_id,
                citizen=to_checksum_address(row.wallet),
                neighbourhood=row.neighbourhood,
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

    def reward_awaiting_review(self, task_id: int, citizen: str) -> int:
        """The reward of ``citizen``'s claim on ``task_id`` if it awaits review (else 0): what
        approving it pays, for the description."""
        if task_id > MAX_BIGINT:
            return 0
        c = s.claims.c
        with self.engine.connect() as db:
            reward = db.execute(
                sa.select(c.reward).where(
                    c.task_id == task_id,
                    c.wallet == citizen.lower(),
                    c.status.in_(sorted(AWAITING_REVIEW)),
                )
            ).scalar()
        return int(reward or 0)

    def approve(self, item: ReviewItem, sender: str) -> PreparedTx:
        """Approving one submission pays its reward."""
        return self.txs.prepare(
            self.txs.wesh.approve_submission(item.task_id, item.citizen),
            sender,
            "approve_submission",
            task_id=item.task_id,
            reward=self.reward_awaiting_review(item.task_id, item.citizen),
        )

    def approve_batch(self, items: list[ReviewItem], sender: str) -> PreparedTx:
        """Approving many submissions in one transaction: all or none."""
        pairs = [(item.task_id, item.citizen) for item in items]
        return self.txs.prepare(
            self.txs.wesh.approve_submissions(pairs),
            sender,
            "approve_submissions",
            count=len(pairs),
        )

    def reject(self, item: RejectIn, sender: str) -> PreparedTx:
        """Rejecting a submission, with one of the published reason codes."""
        _published(item.reason)
        return self.txs.prepare(
            self.txs.wesh.reject_submission(item.task_id, item.citizen, item.reason),
            sender,
            "reject_submission",
            task_id=item.task_id,
            reason=item.reason,
        )

    def decide_appeal(self, item: AppealDecisionIn, sender: str) -> PreparedTx:
        """Granting an appeal pays; denying it needs a published reason."""
        if not item.grant:
            _published(item.reason)
        return self.txs.prepare(
            self.txs.wesh.decide_appeal(item.task_id, item.citizen, item.grant, item.reason),
            sender,
            "decide_appeal",
            task_id=item.task_id,
            decision_nl="toegekend" if item.grant else "afgewezen",
            decision_en="granted" if item.grant else "denied",
        )


def _published(reason: int) -> None:
    """Refuses a reason code that is not one of the published ones (wesh.reasons)."""
    try:
        reasons.lookup(reason)
    except reasons.UnknownReason:
        raise InvalidInput(fields=["reason"]) from None
