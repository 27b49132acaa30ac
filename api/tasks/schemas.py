"""What the task routes take and give."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, TypeAdapter

from api.errors import InvalidInput
from api.prepared import PreparedTx
from wesh.rules import (
    MAX_DESCRIPTION,
    MAX_ESTIMATED_MINUTES,
    MAX_SAFETY_NOTE,
    MAX_TITLE,
    MIN_ESTIMATED_MINUTES,
)
from wesh.task_terms import TaskTerms

#: A title or description a citizen can act on has a few letters at least.
MIN_TEXT = 3
#: A street and number ("Akerstraat 1"), or a place ("Aambos, bij de vijver").
MIN_STREET, MAX_STREET = 2, 200


#: A map view: south, west, north, east in degrees.
Box = tuple[float, float, float, float]


def parse_box(text: str) -> Box:
    """A map view from ``south,west,north,east`` (already matched against its pattern)."""
    south, west, north, east = (float(part) for part in text.split(","))
    if not (-90 <= south <= north <= 90 and -180 <= west <= east <= 180):
        raise InvalidInput(fields=["bbox"])
    return (south, west, north, east)


class TaskCard(BaseModel):
    task_id: int
    title: str
    title_en: str
    category: str
    reward: int
    slots: int
    slots_open: int
    claim_deadline: int
    claim_duration: int
    neighbourhood: int
    status: int
    street: str
    lat: float | None
    lon: float | None
    metadata_cid: str


class TaskPage(BaseModel):
    items: list[TaskCard]
    total: int
    offset: int
    limit: int


class TaskDetail(BaseModel):
    task_id: int
    reward: int
    slots: int
    slots_open: int
    claim_deadline: int
    claim_duration: int
    neighbourhood: int
    status: int
    metadata_cid: str
    task_manager: str
    document: dict[str, Any]
    claims_by_status: dict[str, int]


#: Serialisers of the cached public pages (api.page_cache keeps bytes).
TASK_PAGE = TypeAdapter(TaskPage)
TASK_DETAIL = TypeAdapter(TaskDetail)


class NeighbourhoodOut(BaseModel):
    code: int
    name: str
    district: str
    lat: float
    lon: float


# The terms every task has, with the contracts' bounds, are wesh.task_terms.TaskTerms (the
# scripts' task files use them too); the dashboard adds minimum lengths for what citizens read.
class TaskIn(TaskTerms):
    """A task to commission: its terms on chain and the texts and place of its document.

    From the dashboard a task also needs (issue #15) its estimated duration, a safety note and
    the task manager's confirmation that it is not regular paid work (``not_regular_work``:
    refused with ``not_regular_work_unconfirmed`` when false)."""

    title: str = Field(min_length=MIN_TEXT, max_length=MAX_TITLE)
    description: str = Field(min_length=MIN_TEXT, max_length=MAX_DESCRIPTION)
    street: str = Field(min_length=MIN_STREET, max_length=MAX_STREET)
    estimated_minutes: int = Field(
        ge=MIN_ESTIMATED_MINUTES,
        le=MAX_ESTIMATED_MINUTES,
        description="how long one resident needs for one slot (minutes)",
    )
    safety: str = Field(
        min_length=MIN_TEXT,
        max_length=MAX_SAFETY_NOTE,
        description="safety note the resident reads before claiming",
    )


class CommissionOut(BaseModel):
    metadata_cid: str
    tx: PreparedTx
    #: The implied reward per hour (cents) and whether it is above the city's warning rate.
    hourly: int
    hourly_warning: int
    above_hourly_warning: bool
