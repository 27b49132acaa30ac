"""Reviewing: the queue of submissions and appeals, approving, rejecting with a published reason,
deciding appeals."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api import openapi
from api.deps import Reviewer as ReviewerDep
from api.deps import ServicesDep
from api.errors import InvalidInput
from api.prepared import PreparedTx, prepare
from api.responses import json_list
from api.reviews.schemas import (
    QUEUE,
    AppealDecisionIn,
    BatchIn,
    QueueItem,
    ReasonOut,
    RejectIn,
    ReviewItem,
)
from wesh import reasons

router = APIRouter()


@router.get("/reasons", response_model=list[ReasonOut], tags=[openapi.PUBLIC])
def list_reasons() -> list[ReasonOut]:
    """The rejection reason codes and their texts."""
    return [ReasonOut(code=r.code, key=r.key, nl=r.nl, en=r.en) for r in reasons.REASONS]


@router.get("/city/review-queue", response_model=list[QueueItem], tags=[openapi.CITY])
def review_queue(caller: ReviewerDep, svc: ServicesDep) -> Response:
    """Submissions and appeals waiting for a reviewer, oldest first."""
    return json_list(QUEUE, svc.reviews.queue())


@router.post("/city/reviews/approve", response_model=PreparedTx, tags=[openapi.CITY])
def approve(body: ReviewItem, caller: ReviewerDep, svc: ServicesDep) -> PreparedTx:
    """Prepares approving one submission (pays the reward)."""
    claim = _claim_reward(svc, body)
    return prepare(
        svc.wesh,
        svc.chain_id,
        svc.wesh.approve_submission(body.task_id, body.citizen),
        caller.address,
        "approve_submission",
        task_id=body.task_id,
        reward=claim,
    )


@router.post("/city/reviews/approve-batch", response_model=PreparedTx, tags=[openapi.CITY])
def approve_batch(body: BatchIn, caller: ReviewerDep, svc: ServicesDep) -> PreparedTx:
    """Prepares approving many submissions in one transaction (all or none)."""
    items = [(item.task_id, item.citizen) for item in body.items]
    return prepare(
        svc.wesh,
        svc.chain_id,
        svc.wesh.approve_submissions(items),
        caller.address,
        "approve_submissions",
        count=len(items),
    )


@router.post("/city/reviews/reject", response_model=PreparedTx, tags=[openapi.CITY])
def reject(body: RejectIn, caller: ReviewerDep, svc: ServicesDep) -> PreparedTx:
    """Prepares rejecting a submission with one of the published reason codes."""
    try:
        reasons.lookup(body.reason)
    except reasons.UnknownReason:
        raise InvalidInput(fields=["reason"]) from None
    return prepare(
        svc.wesh,
        svc.chain_id,
        svc.wesh.reject_submission(body.task_id, body.citizen, body.reason),
        caller.address,
        "reject_submission",
        task_id=body.task_id,
        reason=body.reason,
    )


@router.post("/city/appeals/decide", response_model=PreparedTx, tags=[openapi.CITY])
def decide_appeal(body: AppealDecisionIn, caller: ReviewerDep, svc: ServicesDep) -> PreparedTx:
    """Prepares deciding an appeal (a reviewer other than the one who rejected)."""
    if not body.grant:
        try:
            reasons.lookup(body.reason)
        except reasons.UnknownReason:
            raise InvalidInput(fields=["reason"]) from None
    return prepare(
        svc.wesh,
        svc.chain_id,
        svc.wesh.decide_appeal(body.task_id, body.citizen, body.grant, body.reason),
        caller.address,
        "decide_appeal",
        task_id=body.task_id,
        decision_nl="toegekend" if body.grant else "afgewezen",
        decision_en="granted" if body.grant else "denied",
    )


def _claim_reward(svc: ServicesDep, item: ReviewItem) -> int:
    for queued in svc.reviews.queue(limit=1000):
        if queued.task_id == item.task_id and queued.citizen.lower() == item.citizen.lower():
            return queued.reward
    return 0
