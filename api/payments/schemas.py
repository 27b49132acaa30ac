"""What the payment routes take and give: shops' payment requests and the payments to them."""

from __future__ import annotations

from pydantic import BaseModel, Field, TypeAdapter

from api.params import REFERENCE
from api.tables import NOTE_LENGTH

#: The most a shop may ask in one payment request (cents): EUR 100,000.
MAX_REQUEST_AMOUNT = 100_000_00


class PaymentRequestIn(BaseModel):
    amount: int = Field(ge=1, le=MAX_REQUEST_AMOUNT, description="cents")
    note: str = Field("", max_length=NOTE_LENGTH)


class PaymentRequestCreated(BaseModel):
    reference: str
    code: str = Field(description="the short code its payments show (PaymentOut.code)")
    amount: int
    note: str
    link: str
    qr_svg: str
    expires_at: int


class PaymentOut(BaseModel):
    block_number: int
    log_index: int
    tx_hash: str
    payer: str
    amount: int
    reference: str | None
    confirmed: bool
    code: str = Field(
        description="a short payment code for the counter (6 characters of the transaction hash)"
    )
    neighbourhood: int | None = Field(
        None, description="the payer's neighbourhood code (a resident's; never the resident)"
    )
    neighbourhood_name: str | None = Field(None, description="that neighbourhood's name")


PAYMENTS = TypeAdapter(list[PaymentOut])


class PaymentRequestStatus(BaseModel):
    reference: str
    amount: int = Field(description="cents asked")
    received: int = Field(description="cents paid to this shop quoting this reference")
    remaining: int = Field(description="cents still to pay (0 once paid)")
    paid: bool = Field(description="received >= amount")
    payments: list[PaymentOut] = Field(description="the payments that count, oldest first")


class PaymentRequestOut(BaseModel):
    reference: str
    code: str = Field(description="the short code its payments show (PaymentOut.code)")
    merchant: str
    merchant_name: str
    amount: int
    note: str
    expires_at: int
    received: int = Field(description="cents this shop received quoting this reference")
    remaining: int = Field(description="cents still to pay (0 once paid)")
    paid: bool = Field(description="received >= amount")


class PayIn(BaseModel):
    reference: str = Field(pattern=REFERENCE)
