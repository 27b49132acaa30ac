"""Public statistics: participation by neighbourhood and month, small cells suppressed."""

from __future__ import annotations

from api import openapi
from api.deps import ServicesDep, indexed_router
from api.statistics.schemas import Statistics

router = indexed_router(tags=[openapi.PUBLIC])


@router.get("/statistics", response_model=Statistics)
def statistics(svc: ServicesDep) -> Statistics:
    """Privacy-safe participation by neighbourhood and month (small cells suppressed)."""
    return svc.statistics.statistics()
