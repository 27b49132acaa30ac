"""Residents report a spot that needs care; the task managers decline a report with a reason or
make a task of it in one step (issue #16)."""

from __future__ import annotations

import time
from http import HTTPStatus
from typing import Annotated, Literal

from fastapi import Depends, File, Form, Path, Response, UploadFile
from starlette.concurrency import run_in_threadpool

from api import openapi
from api.auth.roles import CITY_ROLES
from api.deps import CallerDep, Citizen, ServicesDep, TaskManager, indexed_router, rate_limit
from api.reports.schemas import CityReportOut, CityReports, DeclineIn, ReportOut, ReportTaskIn
from api.reports.service import MAX_TEXT, ReportService
from api.tasks.schemas import CommissionOut
from wesh import rules

router = indexed_router()

#: A report's number (the table's own counter).
ReportId = Annotated[int, Path(ge=1, le=2_147_483_647)]


def report_service(svc: ServicesDep) -> ReportService:
    """The service, made once per process beside the others."""
    return svc.once("reports", lambda: ReportService(svc.engine, svc.tasks.content))


ReportsDep = Annotated[ReportService, Depends(report_service)]


@router.post(
    "/me/reports",
    response_model=ReportOut,
    tags=[openapi.CITIZEN],
    dependencies=[rate_limit("upload", "uploads_per_minute")],
)
async def report_a_spot(
    caller: Citizen,
    svc: ServicesDep,
    service: ReportsDep,
    photo: Annotated[UploadFile, File(description="a photo of the spot")],
    text: Annotated[str, Form(max_length=MAX_TEXT * 2, description="what needs care")],
    neighbourhood: Annotated[int, Form(ge=1, le=rules.MAX_NEIGHBOURHOOD)],
    lat: Annotated[float, Form(ge=-90, le=90)],
    lon: Annotated[float, Form(ge=-180, le=180)],
) -> ReportOut:
    """Reports a spot that needs care: one photo (cleaned: no location or device data is
    kept), the pin the resident confirmed and a short text. At most a few a day (the problem
    says when the resident can send again)."""
    limit = svc.settings.upload_max_bytes + 1
    data = await photo.read(limit)
    return await run_in_threadpool(
        lambda: service.create(
            int(caller.roles.citizen_id or 0),
            neighbourhood=neighbourhood,
            lat=lat,
            lon=lon,
            text=text,
            photo=data,
            declared_type=photo.content_type,
            max_bytes=svc.settings.upload_max_bytes,
            max_pixels=svc.settings.upload_max_pixels,
            now=int(time.time()),
        )
    )


@router.get("/me/reports", response_model=list[ReportOut], tags=[openapi.CITIZEN])
def my_reports(caller: Citizen, service: ReportsDep) -> list[ReportOut]:
    """The resident's reports, newest first: received, made a task (its number) or declined
    (the city's reason)."""
    return service.mine(int(caller.roles.citizen_id or 0), int(time.time()))


@router.get(
    "/reports/{report_id}/photo",
    response_class=Response,
    tags=[openapi.CITIZEN],
    responses={HTTPStatus.OK: {"content": {"image/jpeg": {}}}},
)
def report_photo(report_id: ReportId, caller: CallerDep, service: ReportsDep) -> Response:
    """A report's photo: for the resident who sent it and for the task managers."""
    manager = CITY_ROLES[rules.Role.TASK_MANAGER] in caller.roles.names
    data = service.photo(report_id, caller.roles.citizen_id, manager)
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "private"})


@router.get("/city/reports", response_model=CityReports, tags=[openapi.CITY])
def city_reports(
    caller: TaskManager,
    service: ReportsDep,
    state: Literal["received", "task", "declined"] | None = None,
) -> CityReports:
    """Residents' reports: those waiting first (oldest first), with photo, pin, text and
    neighbourhood; the resident by number only."""
    return service.for_city(state, int(time.time()))


@router.post("/city/reports/{report_id}/decline", response_model=CityReportOut, tags=[openapi.CITY])
def decline_report(
    report_id: ReportId, body: DeclineIn, caller: TaskManager, service: ReportsDep
) -> CityReportOut:
    """Declines a report with a reason the resident reads on their page."""
    return service.decline(report_id, body.reason, caller.address, int(time.time()))


@router.post("/city/reports/{report_id}/task", response_model=CommissionOut, tags=[openapi.CITY])
def make_task(
    report_id: ReportId,
    body: ReportTaskIn,
    caller: TaskManager,
    svc: ServicesDep,
    service: ReportsDep,
) -> CommissionOut:
    """The one step: prepares commissioning the task (the commission form, filled from the
    report; the report's photo is its reference photo unless another is chosen). Once the task
    is on the chain the report is linked to it, once, and its resident told."""
    return service.make_task(
        report_id,
        body,
        svc.tasks,
        caller.address,
        int(time.time()),
        svc.settings.hourly_warning_cents,
    )
