"""Tasks: the public list and page, the neighbourhoods they are in, and commissioning and
cancelling them (city task managers)."""

from __future__ import annotations

import time
from typing import Annotated, Literal

from fastapi import Query, Request, Response

from api import openapi
from api.deps import ServicesDep, TaskManager, indexed_router
from api.errors import NotFound
from api.params import TaskIdPath
from api.prepared import PreparedTx
from api.tables import CATEGORY_LENGTH
from api.tasks.schemas import (
    TASK_DETAIL,
    TASK_PAGE,
    CommissionOut,
    NeighbourhoodOut,
    TaskDetail,
    TaskIn,
    TaskPage,
    parse_box,
)
from wesh import rules
from wesh.neighbourhoods import NEIGHBOURHOODS

router = indexed_router()

#: Cards on a page: by default, and at most.
DEFAULT_PAGE, MAX_PAGE = 50, 100
#: Paging goes this deep at most (a map box or a filter finds what lies further).
MAX_OFFSET = 1_000_000


@router.get("/tasks", response_model=TaskPage, tags=[openapi.PUBLIC])
async def list_tasks(
    request: Request,
    svc: ServicesDep,
    status: Literal["open", "full", "closed", "cancelled", "all"] = "open",
    neighbourhood: Annotated[int | None, Query(ge=1, le=rules.MAX_NEIGHBOURHOOD)] = None,
    category: Annotated[
        str | None, Query(max_length=CATEGORY_LENGTH, pattern=r"^[a-z0-9-]+$")
    ] = None,
    bbox: Annotated[
        str | None,
        Query(
            description="south,west,north,east in degrees (a map view)",
            pattern=r"^-?\d{1,3}(\.\d+)?(,-?\d{1,3}(\.\d+)?){3}$",
        ),
    ] = None,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
) -> Response:
    """Tasks, newest first: open ones by default; filter by neighbourhood, category, map box.

    A page is built once per indexed block (and at most every few seconds, for deadlines that
    pass): between blocks, every request for it gets the same bytes, with an ETag."""
    box = parse_box(bbox) if bbox else None

    def build() -> bytes:
        page = svc.tasks.page(
            status=None if status == "all" else status,
            neighbourhood=neighbourhood,
            category=category,
            bbox=box,
            offset=offset,
            limit=limit,
            now=int(time.time()),
        )
        return TASK_PAGE.dump_json(page)

    key = ("tasks", status, neighbourhood, category, box, offset, limit)
    return svc.pages.respond(request, key, build)


@router.get("/tasks/{task_id}", response_model=TaskDetail, tags=[openapi.PUBLIC])
async def task_detail(request: Request, task_id: TaskIdPath, svc: ServicesDep) -> Response:
    """One task with its public document (title, description, location) and claim counts."""

    def build() -> bytes:
        task = svc.tasks.task(task_id)
        if task is None:
            raise NotFound()
        return TASK_DETAIL.dump_json(task)

    return svc.pages.respond(request, ("task", task_id), build)


@router.get("/neighbourhoods", response_model=list[NeighbourhoodOut], tags=[openapi.PUBLIC])
def list_neighbourhoods() -> list[NeighbourhoodOut]:
    """Heerlen's neighbourhoods and the codes the contracts use for them."""
    return [
        NeighbourhoodOut(code=n.code, name=n.name, district=n.district, lat=n.lat, lon=n.lon)
        for n in NEIGHBOURHOODS
    ]


@router.post("/city/tasks", response_model=CommissionOut, tags=[openapi.CITY])
def commission(body: TaskIn, caller: TaskManager, svc: ServicesDep) -> CommissionOut:
    """Stores the task's public document and prepares commissioning it (locks the reward).

    The answer says the implied reward per hour and whether it is above the city's warning
    (``WESH_HOURLY_WARNING_CENTS``)."""
    return svc.tasks.commission(
        body, caller.address, time.time(), svc.settings.hourly_warning_cents
    )


@router.post("/city/tasks/{task_id}/cancel", response_model=PreparedTx, tags=[openapi.CITY])
def cancel(task_id: TaskIdPath, caller: TaskManager, svc: ServicesDep) -> PreparedTx:
    """Prepares cancelling a task (open slots go back to the budget; claimed work stays paid)."""
    return svc.tasks.cancel(task_id, caller.address)
