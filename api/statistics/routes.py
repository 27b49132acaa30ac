"""Public statistics: participation by neighbourhood and month, small cells suppressed."""

from __future__ import annotations

from fastapi import APIRouter

from api import openapi
from api.deps import ServicesDep
from api.statistics.schemas import Statistics

router = APIRouter(tags=[openapi.PUBLIC])


@router.get("/statistics", response_model=Statistics)
def statistics(svc: ServicesDep) -> Statistics:
    """Privacy-safe participation by neighbourhood and month (small cells suppressed)."""
    return svc.statistics.statistics()
