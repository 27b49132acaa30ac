"""What a shop's books routes take and give."""

from __future__ import annotations

from pydantic import BaseModel, Field

from wesh.rules import MAX_TOTAL_BUDGET

#: A payment's id in these routes: "<transaction hash>-<log index>".
PAYMENT_ID = r"^0x[0-9a-fA-F]{64}-[0-9]{1,6}$"


class BookPayment(BaseModel):
    """A payment to the shop, as the shop may know it: a code, when, how much, what was given back
    for it, and the neighbourhood of the resident who paid (never who)."""

    id: str = Field(description="<transaction hash>-<log index>: what POST /merchant/refunds names")
    code: str
    timestamp: int | None = Field(description="unix time of its block (None: not yet known)")
    amount: int
    refunded: int = Field(description="given back for this payment with this page (cents)")
    refundable: int = Field(
        description="the most the shop may give back for it now: what is left of it, within the "
        "contract's refund window (what the resident paid this shop since they last paid another "
        "shop, less what they had back)"
    )
    neighbourhood: int | None
    neighbourhood_name: str | None
    confirmed: bool


class BookRefund(BaseModel):
    """A refund from the shop to a resident."""

    timestamp: int | None
    amount: int
    code: str | None = Field(description="the code of the payment it was for, when known")
    neighbourhood_name: str | None
    confirmed: bool


class DayOut(BaseModel):
    """One day of a shop (Europe/Amsterdam): its payments and refunds, with totals."""

    date: str = Field(description="YYYY-MM-DD")
    today: str = Field(description="today's date (YYYY-MM-DD), Europe/Amsterdam")
    payments: list[BookPayment]
    refunds: list[BookRefund]
    count: int = Field(description="payments received")
    received: int
    refunded: int
    net: int


class RefundIn(BaseModel):
    payment: str = Field(pattern=PAYMENT_ID)
    amount: int = Field(ge=1, le=MAX_TOTAL_BUDGET, description="cents")


class CashoutLine(BaseModel):
    """One of the shop's cash-outs: numbered per shop (1, 2, ...), with the bank's references."""

    number: int = Field(description="this shop's own count: its first cash-out is 1")
    redemption_id: int = Field(description="the city's number for it")
    amount: int
    requested_at: int | None
    status: str = Field(description="open or paid")
    paid_at: int | None
    end_to_end_id: str = Field(
        description="the SEPA end-to-end id of the bank transfer that pays it (wesh.sepa)"
    )
    payment_reference: str | None = Field(
        description="the treasurer's payment reference recorded when paid (None: not yet paid)"
    )


class HoodCount(BaseModel):
    neighbourhood: int
    name: str
    residents: int


class InvolvedOut(BaseModel):
    """How many different residents paid the shop in a month, and from which neighbourhoods:
    counts only; a count below ``min_count`` is hidden, and so is any count that the total
    would give away by subtraction."""

    month: str = Field(description="YYYY-MM")
    min_count: int
    residents: int | None = Field(description="None: fewer than min_count (hidden)")
    neighbourhoods: list[HoodCount]
    hidden_neighbourhoods: int = Field(description="neighbourhoods whose counts are not shown")
    hidden_residents: int | None = Field(
        description="residents of those neighbourhoods together (None: hidden too)"
    )
