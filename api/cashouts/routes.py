"""Cash-outs: a shop cashes Heitjes in for euros; the city's treasurer records the bank
transfers that paid them."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query, Response

from api import openapi
from api.cashouts.schemas import CASHOUTS, CashoutIn, CashoutOut, MarkPaidIn
from api.deps import Merchant, ServicesDep, Treasurer, indexed_router
from api.prepared import PreparedTx
from api.responses import json_list
from wesh.rules import RequestStatus

router = indexed_router()


@router.get("/merchant/cashouts", response_model=list[CashoutOut], tags=[openapi.MERCHANT])
def cashouts(caller: Merchant, svc: ServicesDep) -> Response:
    """This shop's cash-out requests and whether the city has paid them."""
    return json_list(CASHOUTS, svc.cashouts.redemptions(merchant=caller.address))


@router.post("/merchant/cashouts", response_model=PreparedTx, tags=[openapi.MERCHANT])
def cash_out(body: CashoutIn, caller: Merchant, svc: ServicesDep) -> PreparedTx:
    """Prepares cashing Heitjes in for euros (they are burned; the city pays by bank)."""
    return svc.cashouts.cash_out(body.amount, caller.address)


@router.get("/city/redemptions", response_model=list[CashoutOut], tags=[openapi.CITY])
def redemptions(
    caller: Treasurer,
    svc: ServicesDep,
    status: Annotated[Literal["open", "paid", "all"], Query()] = "open",
) -> Response:
    """Merchants' cash-out requests."""
    code = {"open": RequestStatus.OPEN, "paid": RequestStatus.PAID, "all": None}[status]
    return json_list(CASHOUTS, svc.cashouts.redemptions(status=code))


@router.post("/city/redemptions/mark-paid", response_model=PreparedTx, tags=[openapi.CITY])
def mark_paid(body: MarkPaidIn, caller: Treasurer, svc: ServicesDep) -> PreparedTx:
    """Prepares recording that cash-outs were paid by bank transfer."""
    return svc.cashouts.mark_paid(body.redemption_ids, body.payment_reference, caller.address)
