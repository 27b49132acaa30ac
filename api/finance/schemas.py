"""What the treasurer's routes take and give: payout files, the cash-outs waiting for one, and
the monthly figures for the books."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from api.database import MAX_BIGINT
from wesh.rules import MAX_REDEMPTION_BATCH

RedemptionId = Annotated[int, Field(ge=1, le=MAX_BIGINT)]


class PayoutFileIn(BaseModel):
    """A new payout file: the open cash-outs not yet in a file (at most
    ``MAX_REDEMPTION_BATCH``, oldest first), or only ``redemption_ids``."""

    redemption_ids: list[RedemptionId] | None = Field(
        default=None, min_length=1, max_length=MAX_REDEMPTION_BATCH
    )
    #: When the bank should pay (default: the next working day).
    execution_date: date | None = None


class PayoutItemOut(BaseModel):
    redemption_id: int
    merchant_id: int
    shop: str
    amount: int
    #: The account it is paid to, grouped by four.
    iban: str
    holder: str
    paid: bool


class PayoutFileOut(BaseModel):
    """A payout file made on the web, and how far the cash-outs it pays are."""

    file_id: int
    #: The file's message id: the payment reference recorded on chain when it is marked paid.
    message_id: str
    created_by: str
    created_at: int
    execution_date: date
    transfers: int
    total: int
    #: waiting (made, not marked paid), partly_paid, paid, or replaced (made again: use the new
    #: one, ``replaced_by``).
    status: Literal["waiting", "partly_paid", "paid", "replaced"]
    replaced_by: int | None
    items: list[PayoutItemOut]


class LeftOutOut(BaseModel):
    """A cash-out a file could not pay: its shop has no bank account on the web."""

    redemption_id: int
    merchant_id: int
    shop: str
    amount: int


class MadeOut(BaseModel):
    file: PayoutFileOut
    #: Open cash-outs left out because their shop has no bank account (say so, add it).
    left_out: list[LeftOutOut]
    #: Open cash-outs still not in any file after this one (more than one file holds).
    still_open: int


class OpenCashoutOut(BaseModel):
    """An open cash-out as the treasurer sees it: in a file already, ready for the next one, or
    waiting for its shop's bank account."""

    redemption_id: int
    merchant_id: int
    shop: str
    amount: int
    requested_at: int | None
    state: Literal["ready", "no_bank_account", "filed"]
    file_id: int | None
    message_id: str | None


class PayoutsOut(BaseModel):
    open: list[OpenCashoutOut]
    files: list[PayoutFileOut]


class MonthOut(BaseModel):
    """One Europe/Amsterdam month of the city's books (cents)."""

    month: str
    budget_granted: int
    budget_withdrawn: int
    payouts: int
    cashouts_requested: int
    cashouts_paid: int
    #: At the end of the month: Heitjes residents and shops hold (each is a euro the city owes).
    heitjes_outstanding: int
    #: At the end of the month: cash-outs asked for (Heitjes burned) and not yet paid by bank.
    cashouts_unpaid: int
    #: At the end of the month: the two above together.
    liability: int
