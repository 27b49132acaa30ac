"""The resident survey: Stadsbeheer imports it; anyone reads the published view.

The import is the task manager's (Stadsbeheer): the survey rates the public space that
Stadsbeheer looks after and commissions tasks for, and the published figures should change only
through the staff who answer for them, not through any city role (a reviewer or the treasurer
has no business replacing the council's liveability figures). The view is public, like
/statistics: it holds only neighbourhood means with enough respondents."""

from __future__ import annotations

from typing import Any

from fastapi import Response

from api import openapi
from api.deps import ServicesDep, TaskManager, indexed_router
from api.liveability import opendata
from api.liveability.schemas import ImportIn, ImportOut, LiveabilityOut
from api.liveability.service import LiveabilityService

router = indexed_router()


def liveability(svc: ServicesDep) -> LiveabilityService:
    """The service, made once per process beside the others."""
    return svc.once(
        "liveability",
        lambda: LiveabilityService(svc.engine, svc.settings.statistics_min_residents),
    )


@router.post("/city/liveability", response_model=ImportOut, tags=[openapi.CITY])
def import_survey(body: ImportIn, caller: TaskManager, svc: ServicesDep) -> ImportOut:
    """Imports the resident survey (CSV text: wijk, periode, cijfer, respondenten). Checked in
    full first: one bad line refuses the file, every bad line listed in the problem's
    ``params.errors`` with its line number; a (neighbourhood, period) already stored is replaced."""
    return liveability(svc).import_csv(body.file_name, body.csv, caller.address)


@router.get("/liveability", response_model=LiveabilityOut, tags=[openapi.PUBLIC])
def published(svc: ServicesDep) -> LiveabilityOut:
    """Each neighbourhood's liveability rating before and after, beside the tasks done there in
    between (side by side, not cause and effect); periods with too few respondents left out."""
    return liveability(svc).published()


@router.get(
    opendata.CSV_PATH,
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
    tags=[openapi.PUBLIC],
)
def open_data_csv(svc: ServicesDep) -> Response:
    """Open data (CC-BY-4.0): the liveability ratings per neighbourhood and period as CSV, the
    periods compared marked, the tasks done in between on the 'na' row."""
    return Response(
        opendata.liveability_csv(liveability(svc).published()),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'inline; filename="wesh-leefbaarheid.csv"'},
    )


@router.get(opendata.METADATA_PATH, tags=[openapi.PUBLIC])
def open_data_metadata(svc: ServicesDep) -> dict[str, Any]:
    """The liveability CSV's metadata: licence, period, columns, the respondents threshold."""
    return opendata.liveability_metadata(liveability(svc).published(), svc.settings.public_url)
