"""Paying a shop: the shop asks for an amount with a QR code and sees payments arrive live; the
citizen's wallet pays what is still open of it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from http import HTTPStatus
from typing import Annotated

from fastapi import Query, Request, Response
from fastapi.responses import StreamingResponse

from api import openapi
from api.deps import Citizen, Merchant, ServicesDep, indexed_router
from api.params import ReferencePath
from api.payments.schemas import (
    PAYMENTS,
    PayIn,
    PaymentOut,
    PaymentRequestCreated,
    PaymentRequestIn,
    PaymentRequestOut,
    PaymentRequestStatus,
)
from api.prepared import PreparedTx
from api.responses import json_list

router = indexed_router()

#: How long one payment stream stays open, by default and at most (the browser reconnects).
DEFAULT_STREAM_S, MAX_STREAM_S = 600, 3600
#: How often a stream looks for new payments (seconds).
STREAM_POLL_S = 0.5


@router.post(
    "/merchant/payment-requests",
    response_model=PaymentRequestCreated,
    status_code=HTTPStatus.CREATED,
    tags=[openapi.MERCHANT],
)
def create_payment_request(
    body: PaymentRequestIn, caller: Merchant, svc: ServicesDep
) -> PaymentRequestCreated:
    """A payment request: a reference, a link a phone camera opens, and its QR code."""
    return svc.payments.create_request(caller.address, body.amount, body.note, int(time.time()))


@router.get(
    "/merchant/payment-requests/{reference}/qr.svg",
    response_class=Response,
    responses={HTTPStatus.OK: {"content": {"image/svg+xml": {}}}},
    tags=[openapi.MERCHANT],
)
def payment_request_qr(reference: ReferencePath, svc: ServicesDep) -> Response:
    """The QR code of a payment request, as SVG (it holds only the payment link)."""
    return Response(svc.payments.qr_svg(reference), media_type="image/svg+xml")


@router.get("/merchant/payments", response_model=list[PaymentOut], tags=[openapi.MERCHANT])
def payments(caller: Merchant, svc: ServicesDep) -> Response:
    """Recent payments to this shop, confirmed and on their way."""
    return json_list(PAYMENTS, svc.payments.payments_to(caller.address))


@router.get(
    "/merchant/payments/stream",
    response_class=StreamingResponse,
    responses={HTTPStatus.OK: {"content": {"text/event-stream": {}}}},
    tags=[openapi.MERCHANT],
)
async def payment_stream(
    request: Request,
    caller: Merchant,
    svc: ServicesDep,
    seconds: Annotated[int, Query(ge=1, le=MAX_STREAM_S)] = DEFAULT_STREAM_S,
) -> StreamingResponse:
    """Server-Sent Events: one ``payment`` event for every new payment (first while on its way,
    again when confirmed), for ``seconds`` seconds (the browser reconnects by itself). A payment
    quoting a request's reference may pay only part of it: whether the request is paid is the
    answer of ``/merchant/payment-requests/{reference}/status``."""
    merchant = caller.address
    seen: set[tuple[str, int, bool]] = {
        (p.tx_hash, p.log_index, p.confirmed) for p in svc.payments.payments_to(merchant)
    }

    async def events() -> AsyncIterator[bytes]:
        yield b"retry: 2000\n\n"
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if await request.is_disconnected():
                return
            fresh = await asyncio.to_thread(svc.payments.payments_to, merchant)
            for payment in fresh:
                key = (payment.tx_hash, payment.log_index, payment.confirmed)
                if key not in seen:
                    seen.add(key)
                    data = payment.model_dump_json().encode()
                    yield b"event: payment\ndata: " + data + b"\n\n"
            yield b": keep-alive\n\n"
            await asyncio.sleep(STREAM_POLL_S)

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


@router.get(
    "/merchant/payment-requests/{reference}/status",
    response_model=PaymentRequestStatus,
    tags=[openapi.MERCHANT],
)
def payment_request_status(
    reference: ReferencePath, caller: Merchant, svc: ServicesDep
) -> PaymentRequestStatus:
    """How much of a payment request of this shop has been paid, and by whom: payments to this
    shop quoting its reference add up; it is paid when they reach the amount asked."""
    return svc.payments.status(reference, caller.address)


@router.get("/pay/{reference}", response_model=PaymentRequestOut, tags=[openapi.CITIZEN])
def payment_request(reference: ReferencePath, svc: ServicesDep) -> PaymentRequestOut:
    """What a shop's QR code asks: which shop, how much, how much of it that shop has received
    quoting this reference, and whether that is all of it (then it is paid)."""
    return svc.payments.request_for_payer(reference, time.time())


@router.post("/me/payments", response_model=PreparedTx, tags=[openapi.CITIZEN])
def pay(body: PayIn, caller: Citizen, svc: ServicesDep) -> PreparedTx:
    """Prepares paying a shop's payment request (from its QR code): what is still to pay of it,
    the whole amount unless part of it has been paid already."""
    return svc.payments.pay(body.reference, caller.address, time.time())
