"""The city's money: budget granted and available, escrow, Heitjes outstanding, cash-outs due."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api import openapi
from api.budget.schemas import AmountIn
from api.deps import CityStaff, ServicesDep, Treasurer
from api.prepared import PreparedTx

router = APIRouter(tags=[openapi.CITY])


@router.get("/city/budget")
def budget(caller: CityStaff, svc: ServicesDep) -> dict[str, Any]:
    """Budget granted and available, escrow, Heitjes outstanding (the euro liability), cash-outs
    still to pay."""
    # The body is the Budget model; the route declares a plain object (as the published
    # OpenAPI document always has).
    return svc.budget.overview().model_dump()


@router.post("/city/budget/grant", response_model=PreparedTx)
def grant_budget(body: AmountIn, caller: Treasurer, svc: ServicesDep) -> PreparedTx:
    """Prepares granting budget."""
    return svc.budget.grant(body.amount, caller.address)
