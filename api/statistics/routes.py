"""Public statistics: participation by neighbourhood and month, small cells suppressed."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api import openapi
from api.deps import ServicesDep
from api.responses import json_response
from api.statistics.schemas import Statistics

router = APIRouter(tags=[openapi.PUBLIC])


@router.get("/statistics", response_model=Statistics)
def statistics(svc: ServicesDep) -> Response:
    """Privacy-safe participation by neighbourhood and month (small cells suppressed)."""
    return json_response(svc.statistics.statistics())
