"""A signed-in wallet's own page (balance, cap, claims) and its history."""

from __future__ import annotations

import time

from fastapi import APIRouter, Response

from api import openapi
from api.citizens.schemas import HistoryItem, MeOut
from api.deps import CallerDep, ServicesDep
from api.responses import json_response

router = APIRouter(tags=[openapi.CITIZEN])


@router.get("/me", response_model=MeOut)
async def me(caller: CallerDep, svc: ServicesDep) -> Response:
    """Balance (and payments on their way), earnings this year and month, reservations, how much
    of the cap is left, and open claims."""
    return json_response(svc.citizens.me(caller.address, time.time()))


@router.get("/me/history", response_model=list[HistoryItem])
def history(caller: CallerDep, svc: ServicesDep) -> Response:
    """Every Heitje in and out: rewards, payments, refunds, cash-outs."""
    return json_response(svc.citizens.history(caller.address))
