"""Residents' engagement (issue #16): their own milestones, streak and neighbourhood goal, the
neighbourhoods' goals this month, and the task managers setting them."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from api import openapi
from api.deps import CallerDep, ServicesDep, TaskManager, indexed_router
from api.engagement.schemas import EngagementOut, GoalIn, GoalOut, GoalsOut
from api.engagement.service import EngagementService

router = indexed_router()

MONTH = r"^\d{4}-\d{2}$"


def engagement(svc: ServicesDep) -> EngagementService:
    """The service, made once per process beside the others."""
    made = svc.__dict__.get("engagement")
    if made is None:
        made = svc.__dict__["engagement"] = EngagementService(svc.engine)
    return made  # type: ignore[no-any-return]


@router.get("/me/engagement", response_model=EngagementOut, tags=[openapi.CITIZEN])
def mine(caller: CallerDep, svc: ServicesDep) -> EngagementOut:
    """Your milestones (first task, five tasks, a task every month of a season), how many
    months in a row you did a task, and your neighbourhood's goal this month."""
    return engagement(svc).of_resident(caller.address)


@router.get("/neighbourhood-goals", response_model=GoalsOut, tags=[openapi.PUBLIC])
def goals(
    svc: ServicesDep,
    month: Annotated[str | None, Query(pattern=MONTH, description="YYYY-MM")] = None,
) -> GoalsOut:
    """The neighbourhoods' goals of a month (default: this one) and how far each is."""
    return engagement(svc).goals(month)


@router.put(
    "/neighbourhood-goals/{neighbourhood}/{month}", response_model=GoalOut, tags=[openapi.CITY]
)
def set_goal(
    neighbourhood: Annotated[int, Path(ge=0, le=65_535)],
    month: Annotated[str, Path(pattern=MONTH, description="YYYY-MM")],
    body: GoalIn,
    caller: TaskManager,
    svc: ServicesDep,
) -> GoalOut:
    """Sets a neighbourhood's goal for a month (tasks to be done there), replacing any."""
    return engagement(svc).set_goal(neighbourhood, month, body.target, caller.address)
