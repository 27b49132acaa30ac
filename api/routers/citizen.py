"""What a signed-in citizen does: see balance and cap, claim, hand in photos, appeal, pay."""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Path, Response, UploadFile
from pydantic import BaseModel, Field

from api import evidence as photos
from api.deps import CallerDep, Citizen, ServicesDep, rate_limit
from api.errors import Forbidden, InvalidInput, NotFound
from api.prepared import PreparedTx, prepare
from api.routers.public import json_response
from wesh.metadata import encode

router = APIRouter(tags=["citizen"])

TaskId = Annotated[int, Path(ge=1, le=2**63 - 1)]
Reference = Annotated[str, Path(pattern=r"^[0-9a-f]{16}$")]


class ClaimOut(BaseModel):
    task_id: int
    status: int
    expires_at: int
    reward: int
    reason: int
    appealed: bool
    # Rejections so far; `final`: the last allowed one was made, so only an appeal is left.
    rejections: int
    final: bool
    evidence_cid: str | None


class MeOut(BaseModel):
    address: str
    balance: int
    pending_incoming: int
    is_citizen: bool
    citizen_id: int | None
    active: bool
    neighbourhood: int | None
    year: int
    month: int
    earned_year: int
    earned_month: int
    reserved: int
    open_claims: int
    max_open_claims: int
    cap_yearly: int
    cap_monthly: int
    cap_left: int
    claims: list[ClaimOut]


class HistoryItem(BaseModel):
    block_number: int
    log_index: int
    tx_hash: str
    timestamp: int | None
    kind: str
    direction: str
    counterparty: str
    amount: int
    reference: str | None


class PhotoOut(BaseModel):
    role: str
    cid: str
    media_type: str
    width: int
    height: int


class EvidenceOut(BaseModel):
    evidence_cid: str
    photos: list[PhotoOut]
    tx: PreparedTx


class PaymentRequestOut(BaseModel):
    reference: str
    merchant: str
    merchant_name: str
    amount: int
    note: str
    expires_at: int
    received: int = Field(description="cents this shop received quoting this reference")
    remaining: int = Field(description="cents still to pay (0 once paid)")
    paid: bool = Field(description="received >= amount")


class PayIn(BaseModel):
    reference: str = Field(pattern=r"^[0-9a-f]{16}$")


@router.get("/me", response_model=MeOut)
async def me(caller: CallerDep, svc: ServicesDep) -> Response:
    """Balance (and payments on their way), earnings this year and month, reservations, how much
    of the cap is left, and open claims."""
    return json_response(svc.views.me(caller.address, time.time()))


@router.get("/me/history", response_model=list[HistoryItem])
def history(caller: CallerDep, svc: ServicesDep) -> Response:
    """Every Heitje in and out: rewards, payments, refunds, cash-outs."""
    return json_response(svc.views.history(caller.address))


@router.post("/me/tasks/{task_id}/claim", response_model=PreparedTx)
def claim(task_id: TaskId, caller: Citizen, svc: ServicesDep) -> PreparedTx:
    """Prepares taking on a task (the reward is reserved against your cap)."""
    task = svc.views.task(task_id)
    if task is None:
        raise NotFound()
    return prepare(
        svc.wesh,
        svc.chain_id,
        svc.wesh.claim_task(task_id),
        caller.address,
        "claim",
        task_id=task_id,
        reward=int(task["reward"]),
    )


@router.post(
    "/me/tasks/{task_id}/evidence",
    response_model=EvidenceOut,
    dependencies=[rate_limit("upload", "uploads_per_minute")],
)
async def upload_evidence(
    task_id: TaskId,
    caller: Citizen,
    svc: ServicesDep,
    before: Annotated[UploadFile, File(description="photo before the work")],
    after: Annotated[UploadFile, File(description="photo after the work")],
    note: Annotated[str, Form(max_length=500)] = "",
) -> EvidenceOut:
    """Checks and cleans two photos (type by content, size, no location or device data), stores
    them and the evidence document by CID, and prepares the submission."""
    limit = svc.settings.upload_max_bytes
    cleaned: list[tuple[str, photos.CleanPhoto]] = []
    for role, upload in (("before", before), ("after", after)):
        data = await upload.read(limit + 1)
        cleaned.append(
            (role, photos.clean(data, upload.content_type, limit, svc.settings.upload_max_pixels))
        )
    # The contract must accept a submission now (the claim is open and valid) before anything
    # is stored: the evidence CID's value does not change that answer.
    prepare(
        svc.wesh,
        svc.chain_id,
        svc.wesh.submit(task_id, "bafkreicheckonly"),
        caller.address,
        "submit",
        task_id=task_id,
    )
    # Only now, with every photo accepted and the claim open, is anything stored.
    stored: list[PhotoOut] = []
    for role, photo in cleaned:
        cid = svc.content.put(photo.data)
        svc.views.record_evidence(cid, caller.address, photo.media_type)
        stored.append(
            PhotoOut(
                role=role,
                cid=cid,
                media_type=photo.media_type,
                width=photo.width,
                height=photo.height,
            )
        )
    document: dict[str, Any] = {
        "schema": "wesh.evidence/1",
        "task_id": task_id,
        "citizen_id": caller.roles.citizen_id,
        "photos": [p.model_dump() for p in stored],
        "note": note.strip(),
    }
    evidence_cid = svc.content.put(encode(document))
    svc.views.record_evidence(evidence_cid, caller.address, "application/json")
    tx = prepare(
        svc.wesh,
        svc.chain_id,
        svc.wesh.submit(task_id, evidence_cid),
        caller.address,
        "submit",
        task_id=task_id,
    )
    return EvidenceOut(evidence_cid=evidence_cid, photos=stored, tx=tx)


@router.post("/me/tasks/{task_id}/appeal", response_model=PreparedTx)
def appeal(task_id: TaskId, caller: Citizen, svc: ServicesDep) -> PreparedTx:
    """Prepares an appeal against a rejection (once; another reviewer decides)."""
    return prepare(
        svc.wesh, svc.chain_id, svc.wesh.appeal(task_id), caller.address, "appeal", task_id=task_id
    )


@router.post("/me/tasks/{task_id}/abandon", response_model=PreparedTx)
def abandon(task_id: TaskId, caller: Citizen, svc: ServicesDep) -> PreparedTx:
    """Prepares giving a claimed task back (frees the slot and your reservation)."""
    return prepare(
        svc.wesh,
        svc.chain_id,
        svc.wesh.abandon(task_id),
        caller.address,
        "abandon",
        task_id=task_id,
    )


@router.get(
    "/evidence/{cid}", response_class=Response, responses={200: {"content": {"image/jpeg": {}}}}
)
def evidence_content(
    cid: Annotated[str, Path(max_length=100)], caller: CallerDep, svc: ServicesDep
) -> Response:
    """An evidence photo or document: only for the citizen who handed it in and for reviewers.

    Evidence uploaded through this API is recorded with its owner. Evidence that reached the
    content store another way (the city's scripts, the demo's seed) has no record: reviewers may
    still see it, and a citizen may see an evidence document their own claim points to."""
    if not svc.content.has(cid) or svc.views.is_public_document(cid):
        raise NotFound()
    record = svc.views.evidence_record(cid)
    reviewer = "reviewer" in caller.roles.names
    if record is not None:
        owner, media_type = record
        allowed = reviewer or owner.lower() == caller.address.lower()
    else:
        data = svc.content.get(cid)
        media_type = photos.media_type_of(data)
        allowed = reviewer or svc.views.claims_evidence(cid, caller.address)
    if not allowed:
        raise Forbidden(role="reviewer")
    return Response(
        svc.content.get(cid), media_type=media_type, headers={"Cache-Control": "private"}
    )


@router.get("/pay/{reference}", response_model=PaymentRequestOut)
def payment_request(reference: Reference, svc: ServicesDep) -> PaymentRequestOut:
    """What a shop's QR code asks: which shop, how much, how much of it that shop has received
    quoting this reference, and whether that is all of it (then it is paid)."""
    request = svc.payment_requests.get(reference)
    if request is None or request.expires_at < time.time():
        raise NotFound("payment_request_unknown")
    merchant = svc.views.merchant(request.merchant)
    progress = svc.views.request_progress(request.merchant, bytes32_of(reference), request.amount)
    return PaymentRequestOut(
        reference=reference,
        merchant=request.merchant,
        merchant_name=merchant["name"] if merchant else request.merchant,
        amount=request.amount,
        note=request.note,
        expires_at=request.expires_at,
        received=progress["received"],
        remaining=progress["remaining"],
        paid=progress["paid"],
    )


@router.post("/me/payments", response_model=PreparedTx)
def pay(body: PayIn, caller: Citizen, svc: ServicesDep) -> PreparedTx:
    """Prepares paying a shop's payment request (from its QR code): what is still to pay of it,
    the whole amount unless part of it has been paid already."""
    request = svc.payment_requests.get(body.reference)
    if request is None or request.expires_at < time.time():
        raise NotFound("payment_request_unknown")
    progress = svc.views.request_progress(
        request.merchant, bytes32_of(body.reference), request.amount
    )
    if progress["paid"]:
        raise InvalidInput("payment_request_paid")
    merchant = svc.views.merchant(request.merchant)
    return prepare(
        svc.wesh,
        svc.chain_id,
        svc.wesh.pay(request.merchant, progress["remaining"], bytes.fromhex(body.reference)),
        caller.address,
        "pay",
        amount=progress["remaining"],
        merchant=merchant["name"] if merchant else request.merchant,
    )


def bytes32_of(reference: str) -> str:
    """The on-chain form of a 16-hex-digit reference: left-aligned in a bytes32."""
    return "0x" + reference.lower().ljust(64, "0")
