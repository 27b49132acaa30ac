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


class EvidenceOut(BaseModel):
    evidence_cid: str
    photos: list[PhotoOut]
    tx: PreparedTx
