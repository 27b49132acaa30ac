"""Reviewing: the queue of submissions and appeals, approving, rejecting with a published reason,
deciding appeals; and the published reasons."""

from __future__ import annotations

from fastapi import Response

from api import openapi
from api.deps import Reviewer as ReviewerDep
from api.deps import ServicesDep, indexed_router
from api.prepared import PreparedTx
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

router = indexed_router()


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
    return svc.reviews.approve(body, caller.address)


@router.post("/city/reviews/approve-batch", response_model=PreparedTx, tags=[openapi.CITY])
def approve_batch(body: BatchIn, caller: ReviewerDep, svc: ServicesDep) -> PreparedTx:
    """Prepares approving many submissions in one transaction (all or none)."""
    return svc.reviews.approve_batch(body.items, caller.address)


@router.post("/city/reviews/reject", response_model=PreparedTx, tags=[openapi.CITY])
def reject(body: RejectIn, caller: ReviewerDep, svc: ServicesDep) -> PreparedTx:
    """Prepares rejecting a submission with one of the published reason codes."""
    return svc.reviews.reject(body, caller.address)


@router.post("/city/appeals/decide", response_model=PreparedTx, tags=[openapi.CITY])
def decide_appeal(body: AppealDecisionIn, caller: ReviewerDep, svc: ServicesDep) -> PreparedTx:
    """Prepares deciding an appeal (a reviewer other than the one who rejected)."""
    return svc.reviews.decide_appeal(body, caller.address)
