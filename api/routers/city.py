"""What city staff do in the dashboard: commission tasks, review, settle, watch the money."""

from __future__ import annotations

import time
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, Field

from api.deps import CityStaff, ServicesDep, TaskManager, Treasurer
from api.deps import Reviewer as ReviewerDep
from api.errors import InvalidInput
from api.prepared import PreparedTx, prepare
from api.routers.public import json_response
from wesh import neighbourhoods, reasons
from wesh.metadata import put_document, task_document

router = APIRouter(prefix="/city", tags=["city"])

ADDRESS = r"^0x[0-9a-fA-F]{40}$"


class TaskIn(BaseModel):
    title: str = Field(min_length=3, max_length=120)
    title_en: str | None = Field(None, max_length=120)
    description: str = Field(min_length=3, max_length=4000)
    description_en: str | None = Field(None, max_length=4000)
    category: Literal[
        "schilderen", "stickers", "onkruid", "zwerfafval", "graffiti", "groen", "overig"
    ] = "overig"
    neighbourhood: int = Field(ge=1, le=65535)
    street: str = Field(min_length=2, max_length=200)
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    reward: int = Field(ge=1, le=150_000, description="cents per slot")
    slots: int = Field(ge=1, le=1000)
    claim_deadline: int = Field(ge=0, le=2**40 - 1, description="unix time")
    claim_duration: int = Field(ge=3600, le=365 * 86400, description="seconds")


class CommissionOut(BaseModel):
    metadata_cid: str
    tx: PreparedTx


class ReviewItem(BaseModel):
    task_id: int = Field(ge=1, le=2**63 - 1)
    citizen: str = Field(pattern=ADDRESS)


class BatchIn(BaseModel):
    items: list[ReviewItem] = Field(min_length=1, max_length=100)


class RejectIn(ReviewItem):
    reason: int = Field(ge=1, le=255)


class AppealDecisionIn(ReviewItem):
    grant: bool
    reason: int = Field(0, ge=0, le=255)


class AmountIn(BaseModel):
    amount: int = Field(ge=1, le=10**12, description="cents")


class MarkPaidIn(BaseModel):
    redemption_ids: list[Annotated[int, Field(ge=1, le=2**63 - 1)]] = Field(
        min_length=1, max_length=100
    )
    payment_reference: str = Field(
        min_length=1, max_length=35, pattern=r"^[A-Za-z0-9/\-?:().,'+ ]+$"
    )


class QueueItem(BaseModel):
    task_id: int
    citizen_id: int
    citizen: str
    status: str
    reward: int
    evidence_cid: str | None
    rejected_by: str | None
    reason: int
    title: str


@router.post("/tasks", response_model=CommissionOut)
def commission(body: TaskIn, caller: TaskManager, svc: ServicesDep) -> CommissionOut:
    """Stores the task's public document and prepares commissioning it (locks the reward)."""
    try:
        hood = neighbourhoods.by_code(body.neighbourhood)
    except neighbourhoods.UnknownNeighbourhood:
        raise InvalidInput(fields=["neighbourhood"]) from None
    if neighbourhoods.check_location(hood, body.lat, body.lon):
        raise InvalidInput(fields=["lat", "lon"])
    if body.claim_deadline <= time.time():
        raise InvalidInput(fields=["claim_deadline"])
    document: dict[str, Any] = task_document(
        title=body.title,
        description=body.description,
        neighbourhood=body.neighbourhood,
        street=body.street,
        lat=body.lat,
        lon=body.lon,
        reward=body.reward,
        slots=body.slots,
        claim_deadline=body.claim_deadline,
        claim_duration=body.claim_duration,
        title_en=body.title_en,
        description_en=body.description_en,
        category=body.category,
    )
    cid = put_document(svc.content, document)
    tx = prepare(
        svc.wesh,
        svc.chain_id,
        svc.wesh.commission_task(
            cid,
            body.reward,
            body.slots,
            body.claim_deadline,
            body.claim_duration,
            body.neighbourhood,
        ),
        caller.address,
        "commission_task",
        title=body.title,
        slots=body.slots,
        reward=body.reward,
    )
    return CommissionOut(metadata_cid=cid, tx=tx)


@router.post("/tasks/{task_id}/cancel", response_model=PreparedTx)
def cancel(
    task_id: Annotated[int, Path(ge=1, le=2**63 - 1)], caller: TaskManager, svc: ServicesDep
) -> PreparedTx:
    """Prepares cancelling a task (open slots go back to the budget; claimed work stays paid)."""
    return prepare(
        svc.wesh,
        svc.chain_id,
        svc.wesh.cancel_task(task_id),
        caller.address,
        "cancel_task",
        task_id=task_id,
    )


@router.get("/review-queue", response_model=list[QueueItem])
def review_queue(caller: ReviewerDep, svc: ServicesDep) -> Response:
    """Submissions and appeals waiting for a reviewer, oldest first."""
    return json_response(svc.views.review_queue())


@router.post("/reviews/approve", response_model=PreparedTx)
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


@router.post("/reviews/approve-batch", response_model=PreparedTx)
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


@router.post("/reviews/reject", response_model=PreparedTx)
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


@router.post("/appeals/decide", response_model=PreparedTx)
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


@router.get("/budget")
def budget(caller: CityStaff, svc: ServicesDep) -> dict[str, Any]:
    """Budget granted and available, escrow, Heitjes outstanding (the euro liability), cash-outs
    still to pay."""
    ledger = svc.views.ledger()
    open_cashouts = sum(r["amount"] for r in svc.views.redemptions(status=1))
    return {**ledger, "liability": ledger.get("total_supply", 0), "cashouts_open": open_cashouts}


@router.post("/budget/grant", response_model=PreparedTx)
def grant_budget(body: AmountIn, caller: Treasurer, svc: ServicesDep) -> PreparedTx:
    """Prepares granting budget."""
    return prepare(
        svc.wesh,
        svc.chain_id,
        svc.wesh.grant_budget(body.amount),
        caller.address,
        "grant_budget",
        amount=body.amount,
    )


@router.get("/redemptions")
def redemptions(
    caller: Treasurer,
    svc: ServicesDep,
    status: Annotated[Literal["open", "paid", "all"], Query()] = "open",
) -> Response:
    """Merchants' cash-out requests."""
    code = {"open": 1, "paid": 2, "all": None}[status]
    return json_response(svc.views.redemptions(status=code))


@router.post("/redemptions/mark-paid", response_model=PreparedTx)
def mark_paid(body: MarkPaidIn, caller: Treasurer, svc: ServicesDep) -> PreparedTx:
    """Prepares recording that cash-outs were paid by bank transfer."""
    return prepare(
        svc.wesh,
        svc.chain_id,
        svc.wesh.mark_paid(body.redemption_ids, body.payment_reference),
        caller.address,
        "mark_paid",
        count=len(body.redemption_ids),
        reference=body.payment_reference,
    )


def _claim_reward(svc: ServicesDep, item: ReviewItem) -> int:
    for queued in svc.views.review_queue(limit=1000):
        if queued["task_id"] == item.task_id and queued["citizen"].lower() == item.citizen.lower():
            return int(queued["reward"])
    return 0
