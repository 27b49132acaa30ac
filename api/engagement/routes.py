"""Residents' engagement (issue #16): their own milestones, streak and neighbourhood goal, the
neighbourhoods' goals this month, and the task managers setting them; shops' offers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query, Response

from api import openapi
from api.deps import (
    CallerDep,
    Merchant,
    MerchantManager,
    ServicesDep,
    TaskManager,
    indexed_router,
)
from api.engagement.offers import OfferIn, OfferOut, OfferService
from api.engagement.schemas import EngagementOut, GoalIn, GoalOut, GoalsOut
from api.engagement.service import EngagementService
from wesh import rules

router = indexed_router()

MONTH = r"^\d{4}-\d{2}$"
#: A shop's number, as the contract bounds it.
ShopId = Annotated[int, Path(ge=1, le=rules.MAX_MERCHANTS)]


def engagement(svc: ServicesDep) -> EngagementService:
    """The service, made once per process beside the others."""
    return svc.once("engagement", lambda: EngagementService(svc.engine))


@router.get("/me/engagement", response_model=EngagementOut, tags=[openapi.CITIZEN])
def mine(caller: CallerDep, svc: ServicesDep) -> EngagementOut:
    """Your milestones (first task, five tasks, a task every month of a season), how many
    months in a row you did a task, and your neighbourhood's goal this month."""
    return engagement(svc).of_resident(caller.address)


@router.get("/neighbourhood-goals", response_model=GoalsOut, tags=[openapi.PUBLIC])
def goals(
    svc: ServicesDep,
    month: Annotated[str | None, Query(pattern=MONTH, description="YYYY-MM")] = None,
) -> GoalsOut:
    """The neighbourhoods' goals of a month (default: this one) and how far each is."""
    return engagement(svc).goals(month)


@router.put(
    "/neighbourhood-goals/{neighbourhood}/{month}", response_model=GoalOut, tags=[openapi.CITY]
)
def set_goal(
    neighbourhood: Annotated[int, Path(ge=0, le=65_535)],
    month: Annotated[str, Path(pattern=MONTH, description="YYYY-MM")],
    body: GoalIn,
    caller: TaskManager,
    svc: ServicesDep,
) -> GoalOut:
    """Sets a neighbourhood's goal for a month (tasks to be done there), replacing any."""
    return engagement(svc).set_goal(neighbourhood, month, body.target, caller.address)


def offer_service(svc: ServicesDep) -> OfferService:
    return svc.once("offers", lambda: OfferService(svc.engine))


@router.get("/shop-offers", response_model=list[OfferOut], tags=[openapi.PUBLIC])
def offers(svc: ServicesDep) -> list[OfferOut]:
    """Every shop's offer ("10% korting met Heitjes"), by shop id."""
    return offer_service(svc).offers()


@router.put("/merchant/offer", response_model=OfferOut, tags=[openapi.MERCHANT])
def set_own_offer(body: OfferIn, caller: Merchant, svc: ServicesDep) -> OfferOut:
    """Sets the signed-in shop's offer, replacing any."""
    offers = offer_service(svc)
    return offers.set_offer(offers.shop_of(caller.address), body, caller.address)


@router.delete("/merchant/offer", status_code=204, tags=[openapi.MERCHANT])
def remove_own_offer(caller: Merchant, svc: ServicesDep) -> Response:
    """Takes the signed-in shop's offer away."""
    offers = offer_service(svc)
    offers.remove(offers.shop_of(caller.address))
    return Response(status_code=204)


@router.put("/city/merchants/{merchant_id}/offer", response_model=OfferOut, tags=[openapi.CITY])
def set_offer(
    merchant_id: ShopId,
    body: OfferIn,
    caller: MerchantManager,
    svc: ServicesDep,
) -> OfferOut:
    """The merchant manager sets a shop's offer for it, replacing any."""
    return offer_service(svc).set_offer(merchant_id, body, caller.address)


@router.delete("/city/merchants/{merchant_id}/offer", status_code=204, tags=[openapi.CITY])
def remove_offer(merchant_id: ShopId, caller: MerchantManager, svc: ServicesDep) -> Response:
    """The merchant manager takes a shop's offer away."""
    offer_service(svc).remove(merchant_id)
    return Response(status_code=204)
