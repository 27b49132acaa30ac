"""Joining at the desk: a new account's join code (and its QR code), what a code stands for at
the desk, registering a resident and moving one to a new phone (registrar), and the stream that
tells the waiting account it has been registered."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from http import HTTPStatus
from typing import Annotated

from fastapi import Path, Query, Request
from fastapi.responses import StreamingResponse

from api import openapi
from api.auth.roles import CITY_ROLES
from api.deps import JoinDesk, Registrar, ResidentDesk, ServicesDep, SignedInDep, indexed_router
from api.joining.schemas import JoinCodeInfo, JoinCodeOut, MoveIn, RegisterIn
from api.prepared import PreparedTx
from wesh.rules import Role

router = indexed_router()

#: How long one ``/me/stream`` stays open, by default and at most (the browser reconnects).
DEFAULT_STREAM_S, MAX_STREAM_S = 600, 3600
#: How often the stream looks at the index (seconds).
STREAM_POLL_S = 0.5

CodePath = Annotated[str, Path(min_length=8, max_length=12)]


@router.post("/join", response_model=JoinCodeOut, tags=[openapi.CITIZEN])
def join(signed: SignedInDep, svc: ServicesDep) -> JoinCodeOut:
    """The join code this account shows at the desk (any signed-in account: a new one has no
    role yet): eight characters and a QR code, valid for a day; asked again within that day, the
    same code. ``registered``: the account is a citizen or a shop already. A retired account
    (moved to a new phone): 409 ``join_retired``."""
    return svc.joining.code_for(signed.address, int(time.time()))


@router.get("/city/join/{code}", response_model=JoinCodeInfo, tags=[openapi.CITY])
def join_code(code: CodePath, caller: JoinDesk, svc: ServicesDep) -> JoinCodeInfo:
    """What a join code stands for (registrar, merchant manager or neighbourhood association):
    the address, whether it is a citizen or a shop already, until when the code is valid.
    Unknown or expired: 404."""
    return svc.joining.info(code, int(time.time()))


@router.post("/city/citizens", response_model=PreparedTx, tags=[openapi.CITY])
def register(body: RegisterIn, caller: ResidentDesk, svc: ServicesDep) -> PreparedTx:
    """Prepares registering the account behind a join code as a citizen of a neighbourhood.
    ``person_reference`` (what the desk checked) is kept only as a keyed hash; the same person
    registered before: 409 saying when and where, unless ``confirm_duplicate``. A neighbourhood
    association (not a registrar) gets the call to the neighbourhood desk contract, for its own
    neighbourhoods only (another: 403 ``neighbourhood_not_granted``)."""
    registrar = CITY_ROLES[Role.REGISTRAR] in caller.roles.names
    association = None if registrar else caller.roles.neighbourhoods
    return svc.joining.register(body, caller.address, int(time.time()), association=association)


@router.post("/city/citizens/move", response_model=PreparedTx, tags=[openapi.CITY])
def move(body: MoveIn, caller: Registrar, svc: ServicesDep) -> PreparedTx:
    """Prepares moving a citizen (number or current address) to the new phone behind a join
    code: balance, earnings, reservations and claims go along; the old account is retired."""
    return svc.joining.move(body, caller.address, int(time.time()))


@router.get(
    "/me/stream",
    response_class=StreamingResponse,
    responses={HTTPStatus.OK: {"content": {"text/event-stream": {}}}},
    tags=[openapi.CITIZEN],
)
async def me_stream(
    request: Request,
    signed: SignedInDep,
    svc: ServicesDep,
    seconds: Annotated[int, Query(ge=1, le=MAX_STREAM_S)] = DEFAULT_STREAM_S,
) -> StreamingResponse:
    """Server-Sent Events: an ``account`` event with what this account is now (citizen, its
    number and neighbourhood; shop), at once and again whenever the index changes it (the
    desk's registration arriving), for ``seconds`` seconds (the browser reconnects)."""
    address = signed.address

    async def events() -> AsyncIterator[bytes]:
        yield b"retry: 2000\n\n"
        deadline = time.monotonic() + seconds
        last: bytes | None = None
        while time.monotonic() < deadline:
            if await request.is_disconnected():
                return
            standing = await asyncio.to_thread(svc.joining.standing, address)
            data = standing.event().model_dump_json().encode()
            if data != last:
                last = data
                yield b"event: account\ndata: " + data + b"\n\n"
            else:
                yield b": keep-alive\n\n"
            await asyncio.sleep(STREAM_POLL_S)

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
