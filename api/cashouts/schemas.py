"""What the cash-out routes take and give."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, TypeAdapter

from api.database import MAX_BIGINT
from wesh.rules import (
    MAX_PAYMENT_REFERENCE_LENGTH,
    MAX_REDEMPTION_BATCH,
    MAX_TOTAL_BUDGET,
)


class CashoutIn(BaseModel):
    # No shop can hold more than the city ever granted.
    amount: int = Field(ge=1, le=MAX_TOTAL_BUDGET, description="cents")


class CashoutOut(BaseModel):
    redemption_id: int
    merchant: str
    #: The shop's id (/merchants names it; it stays the shop's after a move to a new wallet).
    merchant_id: int | None = None
    amount: int
    status: str
    payment_reference: str | None
    requested_tx: str
    paid_tx: str | None


CASHOUTS = TypeAdapter(list[CashoutOut])


class MarkPaidIn(BaseModel):
    redemption_ids: list[Annotated[int, Field(ge=1, le=MAX_BIGINT)]] = Field(
        min_length=1, max_length=MAX_REDEMPTION_BATCH
    )
    # The SEPA character set.
    payment_reference: str = Field(
        min_length=1, max_length=MAX_PAYMENT_REFERENCE_LENGTH, pattern=r"^[A-Za-z0-9/\-?:().,'+ ]+$"
    )
