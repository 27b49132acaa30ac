"""A signed-in wallet's own page (balance, cap, claims) and its history."""

from __future__ import annotations

import time

from fastapi import APIRouter, Response

from api import openapi
from api.citizens.schemas import HISTORY, HistoryItem, MeOut
from api.deps import CallerDep, ServicesDep
from api.responses import json_list

router = APIRouter(tags=[openapi.CITIZEN])


@router.get("/me", response_model=MeOut)
async def me(caller: CallerDep, svc: ServicesDep) -> MeOut:
    """Balance (and payments on their way), earnings this year and month, reservations, how much
    of the cap is left, and open claims."""
    return svc.citizens.me(caller.address, time.time())


@router.get("/me/history", response_model=list[HistoryItem])
def history(caller: CallerDep, svc: ServicesDep) -> Response:
    """Every Heitje in and out: rewards, payments, refunds, cash-outs."""
    return json_list(HISTORY, svc.citizens.history(caller.address))
