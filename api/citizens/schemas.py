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
    #: The shop on the other side (a payment or a refund): /merchants names it.
    merchant_id: int | None = None
    #: What a reward was for: the task and its title (Dutch; English where the task has one).
    task_id: int | None = None
    task_title: str | None = None
    task_title_en: str | None = None
    #: For a shop: the neighbourhood code of the resident who paid or was refunded (never who).
    neighbourhood: int | None = None


#: ``GET /me`` and ``/me/history`` serialised in one pass (the routes send the bytes).
ME = TypeAdapter(MeOut)
HISTORY = TypeAdapter(list[HistoryItem])
