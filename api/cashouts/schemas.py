"""What the cash-out routes take and give."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, TypeAdapter


class CashoutIn(BaseModel):
    amount: int = Field(ge=1, le=10**15, description="cents")


class CashoutOut(BaseModel):
    redemption_id: int
    merchant: str
    amount: int
    status: str
    payment_reference: str | None
    requested_tx: str
    paid_tx: str | None


CASHOUTS = TypeAdapter(list[CashoutOut])


class MarkPaidIn(BaseModel):
    redemption_ids: list[Annotated[int, Field(ge=1, le=2**63 - 1)]] = Field(
        min_length=1, max_length=100
    )
    payment_reference: str = Field(
        min_length=1, max_length=35, pattern=r"^[A-Za-z0-9/\-?:().,'+ ]+$"
    )
