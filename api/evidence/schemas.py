"""What an evidence upload gives."""

from __future__ import annotations

from pydantic import BaseModel

from api.prepared import PreparedTx


class PhotoOut(BaseModel):
    role: str
    cid: str
    media_type: str
    width: int
    height: int
    #: When the photo was taken (Unix seconds), from its metadata; None when it says nothing.
    taken_at: int | None = None
    #: How far from the task's pin it was taken (m), from its metadata; the coordinates are not
    #: kept anywhere.
    distance_m: int | None = None


class EvidenceOut(BaseModel):
    evidence_cid: str
    photos: list[PhotoOut]
    tx: PreparedTx


class ReuseOut(BaseModel):
    """Another hand-in with the same photo: which task, which resident (number), when."""

    task_id: int
    citizen_id: int
    handed_in_at: int
    same_citizen: bool


class PhotoCheckOut(BaseModel):
    role: str
    cid: str
    taken_at: int | None
    distance_m: int | None
    #: Farther from the task's pin than ``far_metres``.
    far: bool
    #: Taken before the claim was made (beyond a few minutes of clock drift).
    before_claim: bool
    reused: list[ReuseOut]


class EvidenceChecksOut(BaseModel):
    evidence_cid: str
    task_id: int
    citizen_id: int
    claimed_at: int | None
    handed_in_at: int
    far_metres: int
    #: The task's own reference photo (a CID, shown to reviewers through /evidence/{cid}).
    reference_photo: str | None
    photos: list[PhotoCheckOut]
