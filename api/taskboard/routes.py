"""Stadsbeheer: the overview of the city's tasks, the categories the city keeps, and the
reference photos task managers add at commissioning (issue #15)."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import Depends, File, Query, Response, UploadFile
from fastapi.concurrency import run_in_threadpool

from api import openapi
from api.auth.roles import CITY_ROLES
from api.deps import Caller, ServicesDep, TaskManager, indexed_router, rate_limit, require_any
from api.params import CidPath
from api.tables import CATEGORY_LENGTH
from api.taskboard.schemas import (
    BoardState,
    CategoryOut,
    ReferencePhotoOut,
    TaskBoard,
    TaskCategories,
)
from api.taskboard.service import TaskBoardService
from wesh import rules
from wesh.task_categories import TASK_CATEGORIES

router = indexed_router()

#: Stadsbeheer: the task managers and the reviewers.
Stadsbeheer = Annotated[
    Caller,
    require_any(CITY_ROLES[rules.Role.TASK_MANAGER], CITY_ROLES[rules.Role.REVIEWER]),
]


def board_service(svc: ServicesDep) -> TaskBoardService:
    """The overview's service, made once per process beside the others."""
    return svc.once(
        "taskboard", lambda: TaskBoardService(svc.engine, svc.tasks.content, svc.tasks.texts)
    )


BoardDep = Annotated[TaskBoardService, Depends(board_service)]


@router.get("/task-categories", response_model=TaskCategories, tags=[openapi.PUBLIC])
def task_categories(svc: ServicesDep) -> TaskCategories:
    """The kinds of task the city keeps (wesh/task_categories.py): what residents may do under
    each and the safety note a task of that kind starts from; and the bounds the commission form
    checks (the hourly warning, the largest reward, the estimated duration)."""
    return TaskCategories(
        categories=[CategoryOut.model_validate(c.public()) for c in TASK_CATEGORIES],
        default=rules.DEFAULT_CATEGORY,
        hourly_warning=svc.settings.hourly_warning_cents,
        max_reward=rules.MAX_REWARD,
        min_estimated_minutes=rules.MIN_ESTIMATED_MINUTES,
        max_estimated_minutes=rules.MAX_ESTIMATED_MINUTES,
    )


@router.get("/city/taskboard", response_model=TaskBoard, tags=[openapi.CITY])
def taskboard(
    caller: Stadsbeheer,
    svc: ServicesDep,
    board: BoardDep,
    state: BoardState | None = None,
    neighbourhood: Annotated[int | None, Query(ge=1, le=rules.MAX_NEIGHBOURHOOD)] = None,
    category: Annotated[
        str | None, Query(max_length=CATEGORY_LENGTH, pattern=r"^[a-z0-9-]+$")
    ] = None,
) -> TaskBoard:
    """The city's tasks with their state (open, claimed, handed in, overdue, done, cancelled)
    and claims (residents' numbers only), newest first; the share of tasks per category and
    their implied hourly rates, with those above the city's warning counted."""
    return board.board(
        state=state,
        neighbourhood=neighbourhood,
        category=category,
        hourly_warning=svc.settings.hourly_warning_cents,
        now=int(time.time()),
    )


@router.post(
    "/city/tasks/reference-photo",
    response_model=ReferencePhotoOut,
    tags=[openapi.CITY],
    dependencies=[rate_limit("upload", "uploads_per_minute")],
)
async def upload_reference_photo(
    caller: TaskManager,
    svc: ServicesDep,
    board: BoardDep,
    photo: Annotated[UploadFile, File(description="a photo of the place as it is now")],
) -> ReferencePhotoOut:
    """Stores a photo of the task's place as it is (cleaned: no location or device data); its
    CID goes into the task document as ``reference_photo``."""
    limit = svc.settings.upload_max_bytes + 1
    data = await photo.read(limit)
    return await run_in_threadpool(
        board.store_reference_photo,
        data,
        photo.content_type,
        caller.address,
        svc.settings.upload_max_bytes,
        svc.settings.upload_max_pixels,
    )


@router.get(
    "/reference-photos/{cid}",
    response_class=Response,
    tags=[openapi.PUBLIC],
    responses={200: {"content": {"image/jpeg": {}}}},
)
def reference_photo(cid: CidPath, board: BoardDep) -> Response:
    """A task's reference photo (public, as the task document that names it)."""
    return Response(
        board.reference_photo(cid),
        media_type="image/jpeg",
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )
