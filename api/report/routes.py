"""The council's quarterly report as a PDF, for the city's staff."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Response

from api import openapi
from api.deps import CityStaff, ServicesDep, indexed_router
from api.errors import InvalidInput, Unavailable
from api.report.service import quarter_figures, shop_areas
from wesh import quarterly

router = indexed_router(tags=[openapi.CITY])


@router.get(
    "/city/report/quarterly.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
def quarterly_pdf(
    caller: CityStaff,
    svc: ServicesDep,
    quarter: Annotated[str, Query(max_length=7, examples=["2026-Q4"])],
) -> Response:
    """The quarterly report for the council (Dutch): money flow, participation per month, tasks
    by kind and neighbourhood, spending by shopping area; small counts suppressed."""
    try:
        period = quarterly.Quarter.parse(quarter)
    except quarterly.QuarterInvalid:
        raise InvalidInput("report_quarter_invalid", quarter=quarter) from None
    areas = shop_areas([(m.merchant_id, m.document) for m in svc.merchants.merchants(False)])
    try:
        figures = quarter_figures(
            svc.engine, period, areas, min_people=svc.settings.statistics_min_residents
        )
        data = quarterly.render(figures)
    except quarterly.FontMissing:
        raise Unavailable("report_font_missing", package=quarterly.FONT_PACKAGE) from None
    return Response(
        data,
        media_type="application/pdf",
        headers={
            "Content-Disposition": (
                f'attachment; filename="wesh-kwartaalrapportage-{period.label}.pdf"'
            ),
            "Cache-Control": "no-store",
        },
    )
