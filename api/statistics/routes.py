"""Public statistics: participation by neighbourhood and month, small cells suppressed."""

from __future__ import annotations

from typing import Any

from fastapi import Response

from api import openapi
from api.deps import ServicesDep, indexed_router
from api.statistics import opendata
from api.statistics.schemas import PublishedTables, Statistics

router = indexed_router(tags=[openapi.PUBLIC])


@router.get("/statistics", response_model=Statistics)
def statistics(svc: ServicesDep) -> Statistics:
    """Privacy-safe participation by neighbourhood and month (small cells suppressed)."""
    return svc.statistics.statistics()


@router.get("/statistics/tables", response_model=PublishedTables)
def tables(svc: ServicesDep) -> PublishedTables:
    """Participation per neighbourhood x month and spending per month x shop kind and per
    month x shopping area, with totals; cells of fewer residents than the setting, and cells
    the totals would reveal, suppressed."""
    return svc.statistics.tables()


@router.get(
    opendata.CSV_PATH, response_class=Response, responses={200: {"content": {"text/csv": {}}}}
)
def open_data_csv(svc: ServicesDep) -> Response:
    """Open data (CC-BY-4.0): participation per neighbourhood and month as CSV."""
    return Response(
        opendata.participation_csv(svc.statistics.tables()),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'inline; filename="wesh-deelname.csv"'},
    )


@router.get(opendata.METADATA_PATH)
def open_data_metadata(svc: ServicesDep) -> dict[str, Any]:
    """The open-data CSV's metadata: licence, period, column definitions, suppression rule."""
    return opendata.participation_metadata(svc.statistics.tables(), svc.settings.public_url)


@router.get(
    opendata.SPENDING_CSV_PATH,
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
def open_data_spending_csv(svc: ServicesDep) -> Response:
    """Open data (CC-BY-4.0): spending at shops per shopping area and month as CSV."""
    return Response(
        opendata.spending_csv(svc.statistics.tables()),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'inline; filename="wesh-besteding-winkelgebied.csv"'},
    )


@router.get(opendata.SPENDING_METADATA_PATH)
def open_data_spending_metadata(svc: ServicesDep) -> dict[str, Any]:
    """The spending CSV's metadata: licence, period, column definitions, suppression rule."""
    return opendata.spending_metadata(svc.statistics.tables(), svc.settings.public_url)
