"""What the review routes take and give."""

from __future__ import annotations

from pydantic import BaseModel, Field, TypeAdapter

from api.params import ADDRESS
from wesh.rules import MAX_BATCH, MAX_REASON_CODE, TASK_ID_LIMIT


class ReviewItem(BaseModel):
    task_id: int = Field(ge=1, le=TASK_ID_LIMIT - 1)
    citizen: str = Field(pattern=ADDRESS)


class BatchIn(BaseModel):
    items: list[ReviewItem] = Field(min_length=1, max_length=MAX_BATCH)


class RejectIn(ReviewItem):
    reason: int = Field(ge=1, le=MAX_REASON_CODE)


class AppealDecisionIn(ReviewItem):
    grant: bool
    reason: int = Field(0, ge=0, le=MAX_REASON_CODE)


class QueueItem(BaseModel):
    task_id: int
    citizen_id: int
    citizen: str
    #: The resident's neighbourhood code (staff see "inwoner 17 uit Schandelen").
    neighbourhood: int | None = None
    status: str
    reward: int
    evidence_cid: str | None
    rejected_by: str | None
    reason: int
    # Rejections so far: the one that makes MAX_REJECTIONS is final (only an appeal is left).
    rejections: int
    title: str


QUEUE = TypeAdapter(list[QueueItem])


class ReasonOut(BaseModel):
    code: int
    key: str
    nl: str
    en: str
