"""A signed-in wallet's own page (balance, cap, claims) and its history."""

from __future__ import annotations

import time

from fastapi import Response

from api import openapi
from api.citizens.schemas import HISTORY, HistoryItem, MeOut
from api.deps import CallerDep, ServicesDep, SignedInDep, indexed_router
from api.responses import JSON, json_list

router = indexed_router(tags=[openapi.CITIZEN])


@router.get("/me", response_model=MeOut)
async def me(signed: SignedInDep, svc: ServicesDep) -> Response:
    """Balance (and payments on their way), earnings this year and month, reservations, how much
    of the cap is left, and open claims.

    Kept per caller until the indexer writes again (``api.citizens.me_cache``): the next block
    or payment on its way shows in the very next answer."""
    return Response(svc.citizens.me_json(signed.address, time.time()), media_type=JSON)


@router.get("/me/history", response_model=list[HistoryItem])
def history(caller: CallerDep, svc: ServicesDep) -> Response:
    """Every Heitje in and out: rewards, payments, refunds, cash-outs."""
    return json_list(HISTORY, svc.citizens.history(caller.address))
