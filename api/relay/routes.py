"""The city's relayer: a signed request instead of a transaction, and the city pays the fee.

``POST /relay/requests`` needs no session: the signature says who asks. The sender process
(``python -m relayer``) sends what is accepted; these routes report where each request is."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from http import HTTPStatus
from typing import Annotated

from fastapi import Path, Request, Response
from fastapi.responses import StreamingResponse

from api import openapi
from api.deps import ServicesDep, indexed_router
from api.relay.schemas import RelayInfo, RelayRequestIn, RelayRequestOut, RelayStatus
from relayer.journal import FINAL

router = indexed_router(tags=[openapi.PUBLIC])

#: A request id (a UUID).
RequestIdPath = Annotated[str, Path(pattern=r"^[0-9a-f-]{36}$")]
#: How often a stream looks at the journal, and how long it stays open at most (seconds).
STREAM_POLL_S, MAX_STREAM_S = 0.25, 900
#: A comment line this often keeps proxies from closing a quiet stream.
KEEP_ALIVE_S = 15


@router.get("/relay", response_model=RelayInfo)
def relay_info(svc: ServicesDep) -> RelayInfo:
    """Whether the city pays the fees here, the forwarder's EIP-712 domain and the relayer."""
    return svc.relay.info()


@router.post(
    "/relay/requests",
    response_model=RelayRequestOut,
    status_code=HTTPStatus.ACCEPTED,
    responses={HTTPStatus.OK: {"description": "The same request was handed in before"}},
)
def submit(body: RelayRequestIn, response: Response, svc: ServicesDep) -> RelayRequestOut:
    """Hands in a signed request (``relay.typed_data.message`` of a prepared call and the
    wallet's ``eth_signTypedData_v4`` signature). 202: accepted; 200: the same request again
    (the same id). A refusal is a problem saying why, in words."""
    request, created = svc.relay.submit(body)
    if not created:
        response.status_code = HTTPStatus.OK
    return request


@router.get("/relay/requests/{request_id}", response_model=RelayRequestOut)
def request_state(request_id: RequestIdPath, svc: ServicesDep) -> RelayRequestOut:
    """Where a request is: accepted, sent, mined, confirmed, or refused / failed with why."""
    return svc.relay.get(request_id)


@router.get(
    "/relay/requests/{request_id}/events",
    response_class=StreamingResponse,
    responses={HTTPStatus.OK: {"content": {"text/event-stream": {}}}},
)
async def request_events(
    request_id: RequestIdPath, request: Request, svc: ServicesDep
) -> StreamingResponse:
    """Server-Sent Events: one ``state`` event with the request (as ``GET
    /relay/requests/{id}``) at each change; the stream ends after a final state (confirmed,
    refused, failed)."""
    first = svc.relay.get(request_id)

    async def events() -> AsyncIterator[bytes]:
        yield b"retry: 2000\n\n"
        current = first
        last: tuple[object, ...] | None = None
        quiet_since = time.monotonic()
        deadline = quiet_since + MAX_STREAM_S
        while time.monotonic() < deadline:
            seen = (current.state, current.tx_hash, current.block_number)
            if seen != last:
                last = seen
                quiet_since = time.monotonic()
                yield b"event: state\ndata: " + current.model_dump_json().encode() + b"\n\n"
            if current.state in FINAL:
                return
            if time.monotonic() - quiet_since > KEEP_ALIVE_S:
                quiet_since = time.monotonic()
                yield b": keep-alive\n\n"
            if await request.is_disconnected():
                return
            await asyncio.sleep(STREAM_POLL_S)
            current = await asyncio.to_thread(svc.relay.get, request_id)

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


@router.get("/relay/status", response_model=RelayStatus)
def relay_status(svc: ServicesDep) -> RelayStatus:
    """The relayer's balance, what it spent today and may spend per day, how many days the
    balance lasts at the last week's rate, today's requests by state, the queue, the last
    transaction sent (amounts in wei, as decimal strings)."""
    return svc.relay.status()
