"""The shop directory: where Heitjes can be spent."""

from __future__ import annotations

from fastapi import Response

from api import openapi
from api.deps import ServicesDep, indexed_router
from api.merchants.schemas import MERCHANTS, MerchantOut
from api.responses import json_list

router = indexed_router()


@router.get("/merchants", response_model=list[MerchantOut], tags=[openapi.PUBLIC])
def list_merchants(svc: ServicesDep) -> Response:
    """The shops, bars and cultural organisations where Heitjes can be spent."""
    return json_list(MERCHANTS, svc.merchants.merchants(active_only=True))
