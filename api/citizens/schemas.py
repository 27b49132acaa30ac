"""What a citizen's own page and history give."""

from __future__ import annotations

from pydantic import BaseModel, TypeAdapter


class ClaimOut(BaseModel):
    task_id: int
    status: int
    expires_at: int
    reward: int
    reason: int
    appealed: bool
    # Rejections so far; `final`: the last allowed one was made, so only an appeal is left.
    rejections: int
    final: bool
    evidence_cid: str | None


class MeOut(BaseModel):
    address: str
    balance: int
    pending_incoming: int
    is_citizen: bool
    citizen_id: int | None
    active: bool
    neighbourhood: int | None
    year: int
    month: int
    earned_year: int
    earned_month: int
    reserved: int
    open_claims: int
    max_open_claims: int
    cap_yearly: int
    cap_monthly: int
    cap_left: int
    claims: list[ClaimOut]


class HistoryItem(BaseModel):
    block_number: int
    log_index: int
    tx_hash: str
    timestamp: int | None
    kind: str
    direction: str
    counterparty: str
    amount: int
    reference: str | None


#: ``GET /me`` and ``/me/history`` serialised in one pass (the routes send the bytes).
ME = TypeAdapter(MeOut)
HISTORY = TypeAdapter(list[HistoryItem])
