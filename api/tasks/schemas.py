"""What the task routes take and give."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, TypeAdapter

from api.prepared import PreparedTx


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


class TaskIn(BaseModel):
    title: str = Field(min_length=3, max_length=120)
    title_en: str | None = Field(None, max_length=120)
    description: str = Field(min_length=3, max_length=4000)
    description_en: str | None = Field(None, max_length=4000)
    category: Literal[
        "schilderen", "stickers", "onkruid", "zwerfafval", "graffiti", "groen", "overig"
    ] = "overig"
    neighbourhood: int = Field(ge=1, le=65535)
    street: str = Field(min_length=2, max_length=200)
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    reward: int = Field(ge=1, le=150_000, description="cents per slot")
    slots: int = Field(ge=1, le=1000)
    claim_deadline: int = Field(ge=0, le=2**40 - 1, description="unix time")
    claim_duration: int = Field(ge=3600, le=365 * 86400, description="seconds")


class CommissionOut(BaseModel):
    metadata_cid: str
    tx: PreparedTx
