"""What a shop does: ask for an amount with a QR code, see payments arrive live, cash in."""

from __future__ import annotations

import asyncio
import io
import secrets
import time
from collections.abc import AsyncIterator
from typing import Annotated

import orjson
import segno
from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from api.deps import Merchant, ServicesDep
from api.errors import NotFound
from api.prepared import PreparedTx, prepare
from api.routers.citizen import bytes32_of
from api.routers.public import json_response
from api.state import PaymentRequest

router = APIRouter(prefix="/merchant", tags=["merchant"])

#: A payment request is valid for this long: long enough to queue at a counter.
REQUEST_TTL_S = 30 * 60


class PaymentRequestIn(BaseModel):
    amount: int = Field(ge=1, le=100_000_00, description="cents")
    note: str = Field("", max_length=140)


class PaymentRequestCreated(BaseModel):
    reference: str
    amount: int
    note: str
    link: str
    qr_svg: str
    expires_at: int


class PaymentOut(BaseModel):
    block_number: int
    log_index: int
    tx_hash: str
    payer: str
    amount: int
    reference: str | None
    confirmed: bool


class PaymentRequestStatus(BaseModel):
    reference: str
    amount: int = Field(description="cents asked")
    received: int = Field(description="cents paid to this shop quoting this reference")
    remaining: int = Field(description="cents still to pay (0 once paid)")
    paid: bool = Field(description="received >= amount")
    payments: list[PaymentOut] = Field(description="the payments that count, oldest first")


class CashoutIn(BaseModel):
    amount: int = Field(ge=1, le=10**15, description="cents")


class CashoutOut(BaseModel):
    redemption_id: int
    merchant: str
    amount: int
    status: str
    payment_reference: str | None
    requested_tx: str
    paid_tx: str | None


@router.post("/payment-requests", response_model=PaymentRequestCreated, status_code=201)
def create_payment_request(
    body: PaymentRequestIn, caller: Merchant, svc: ServicesDep
) -> PaymentRequestCreated:
    """A payment request: a reference, a link a phone camera opens, and its QR code."""
    reference = secrets.token_hex(8)
    now = int(time.time())
    svc.payment_requests.create(
        PaymentRequest(
            reference=reference,
            merchant=caller.address,
            amount=body.amount,
            note=body.note,
            created_at=now,
            expires_at=now + REQUEST_TTL_S,
        )
    )
    return PaymentRequestCreated(
        reference=reference,
        amount=body.amount,
        note=body.note,
        link=f"{svc.settings.public_url}/betalen/{reference}",
        qr_svg=f"/merchant/payment-requests/{reference}/qr.svg",
        expires_at=now + REQUEST_TTL_S,
    )


@router.get(
    "/payment-requests/{reference}/qr.svg",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}}},
)
def payment_request_qr(
    reference: Annotated[str, Path(pattern=r"^[0-9a-f]{16}$")], svc: ServicesDep
) -> Response:
    """The QR code of a payment request, as SVG (it holds only the payment link)."""
    if svc.payment_requests.get(reference) is None:
        raise NotFound("payment_request_unknown")
    out = io.BytesIO()
    segno.make(f"{svc.settings.public_url}/betalen/{reference}", error="m").save(
        out, kind="svg", scale=8, border=2, title="Betaalverzoek / payment request"
    )
    return Response(out.getvalue(), media_type="image/svg+xml")


@router.get("/payments", response_model=list[PaymentOut])
def payments(caller: Merchant, svc: ServicesDep) -> Response:
    """Recent payments to this shop, confirmed and on their way."""
    return json_response(svc.views.payments_to(caller.address))


@router.get(
    "/payments/stream",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
async def payment_stream(
    request: Request,
    caller: Merchant,
    svc: ServicesDep,
    seconds: Annotated[int, Query(ge=1, le=3600)] = 600,
) -> StreamingResponse:
    """Server-Sent Events: one ``payment`` event for every new payment (first while on its way,
    again when confirmed), for ``seconds`` seconds (the browser reconnects by itself). A payment
    quoting a request's reference may pay only part of it: whether the request is paid is the
    answer of ``/merchant/payment-requests/{reference}/status``."""
    merchant = caller.address
    seen: set[tuple[str, int, bool]] = {
        (p["tx_hash"], p["log_index"], p["confirmed"]) for p in svc.views.payments_to(merchant)
    }

    async def events() -> AsyncIterator[bytes]:
        yield b"retry: 2000\n\n"
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if await request.is_disconnected():
                return
            fresh = await asyncio.to_thread(svc.views.payments_to, merchant)
            for payment in fresh:
                key = (payment["tx_hash"], payment["log_index"], payment["confirmed"])
                if key not in seen:
                    seen.add(key)
                    yield b"event: payment\ndata: " + orjson.dumps(payment) + b"\n\n"
            yield b": keep-alive\n\n"
            await asyncio.sleep(0.5)

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


@router.get("/payment-requests/{reference}/status", response_model=PaymentRequestStatus)
def payment_request_status(
    reference: Annotated[str, Path(pattern=r"^[0-9a-f]{16}$")], caller: Merchant, svc: ServicesDep
) -> PaymentRequestStatus:
    """How much of a payment request of this shop has been paid, and by whom: payments to this
    shop quoting its reference add up; it is paid when they reach the amount asked."""
    request = svc.payment_requests.get(reference)
    if request is None or request.merchant.lower() != caller.address.lower():
        raise NotFound("payment_request_unknown")
    progress = svc.views.request_progress(request.merchant, bytes32_of(reference), request.amount)
    return PaymentRequestStatus(reference=reference, **progress)


@router.get("/cashouts", response_model=list[CashoutOut])
def cashouts(caller: Merchant, svc: ServicesDep) -> Response:
    """This shop's cash-out requests and whether the city has paid them."""
    return json_response(svc.views.redemptions(merchant=caller.address))


@router.post("/cashouts", response_model=PreparedTx)
def cash_out(body: CashoutIn, caller: Merchant, svc: ServicesDep) -> PreparedTx:
    """Prepares cashing Heitjes in for euros (they are burned; the city pays by bank)."""
    return prepare(
        svc.wesh,
        svc.chain_id,
        svc.wesh.redeem(body.amount),
        caller.address,
        "redeem",
        amount=body.amount,
    )
