"""The city's money: budget granted and available, escrow, Heitjes outstanding, cash-outs due."""

from __future__ import annotations

from api import openapi
from api.budget.schemas import AmountIn, Budget
from api.deps import CityStaff, ServicesDep, Treasurer, indexed_router
from api.prepared import PreparedTx

router = indexed_router(tags=[openapi.CITY])


@router.get("/city/budget", response_model=Budget)
def budget(caller: CityStaff, svc: ServicesDep) -> Budget:
    """Budget granted and available, escrow, Heitjes outstanding (the euro liability), cash-outs
    still to pay."""
    return svc.budget.overview()


@router.post("/city/budget/grant", response_model=PreparedTx)
def grant_budget(body: AmountIn, caller: Treasurer, svc: ServicesDep) -> PreparedTx:
    """Prepares granting budget."""
    return svc.budget.grant(body.amount, caller.address)
