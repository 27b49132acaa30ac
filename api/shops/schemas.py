"""What the merchant manager's desk takes and gives: a new shop (its public details and its bank
account), a changed bank account, a shop's new phone."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, TypeAdapter, model_validator

from api.params import ADDRESS
from api.prepared import PreparedTx
from api.tables import HOLDER_LENGTH, IBAN_LENGTH
from wesh import rules
from wesh.csv_rows import KINDS

#: A join code as people type it (``api.joining``): eight characters, with or without the
#: hyphen and spaces, or the whole link of the QR code.
CodeText = Annotated[str, Field(min_length=8, max_length=200)]
Kind = Literal[KINDS]  # type: ignore[valid-type]
Address = Annotated[str, Field(pattern=ADDRESS)]
ShopId = Annotated[int, Field(ge=1, le=rules.MAX_MERCHANTS)]


class BankAccountIn(BaseModel):
    """A shop's bank account for cash-outs (checked with ``wesh.iban``)."""

    #: "NL91 ABNA 0417 1643 00" (spaces and lower case are fine).
    iban: Annotated[str, Field(min_length=1, max_length=IBAN_LENGTH + 10)]
    bic: Annotated[str, Field(max_length=15)] | None = None
    #: The account's holder as the bank knows it; the shop's name when left out.
    holder: Annotated[str, Field(max_length=HOLDER_LENGTH)] | None = None


class ShopIn(BankAccountIn):
    """A new shop: who (its join code, or its address) and what it shows on its door."""

    #: The code the shop's phone shows ("Wacht op aanmelding"), or else its ``address``.
    code: CodeText | None = None
    address: Address | None = None
    name: Annotated[str, Field(min_length=2, max_length=80)]
    kind: Kind
    #: Street and number.
    street: Annotated[str, Field(min_length=2, max_length=120)]
    postcode: Annotated[str, Field(min_length=6, max_length=8)]
    city: Annotated[str, Field(min_length=2, max_length=60)] = "Heerlen"
    neighbourhood: Annotated[int, Field(ge=1, le=rules.MAX_NEIGHBOURHOOD)]
    #: The opening hours as the shop says them ("di-za 8.00-17.00").
    opening_hours: Annotated[str, Field(max_length=200)] | None = None
    website: Annotated[str, Field(max_length=200, pattern=r"^https?://\S+$")] | None = None

    @model_validator(mode="after")
    def _one_of_code_or_address(self) -> ShopIn:
        if (self.code is None) == (self.address is None):
            raise ValueError("give the shop's join code or its address (one of them)")
        return self


class MoveShopIn(BaseModel):
    """A shop's new phone: the shop (its number or the address it uses now) and the code the
    new phone shows (or the new address)."""

    merchant: ShopId | Address
    code: CodeText | None = None
    new_address: Address | None = None

    @model_validator(mode="after")
    def _one_of_code_or_address(self) -> MoveShopIn:
        if (self.code is None) == (self.new_address is None):
            raise ValueError("give the new phone's join code or its address (one of them)")
        return self


class BankAccountOut(BaseModel):
    """A shop's bank account now, and who set it when."""

    holder: str
    #: Grouped by four, as people read it: "NL91 ABNA 0417 1643 00".
    iban: str
    bic: str | None
    #: "register" (set with the registration) or "change".
    action: str
    changed_by: str
    changed_at: int


class ShopOut(BaseModel):
    """A shop as the merchant manager sees it: the directory's card and its bank account."""

    merchant_id: int
    address: str
    active: bool
    name: str
    kind: str
    neighbourhood: int | None
    bank_account: BankAccountOut | None


SHOPS = TypeAdapter(list[ShopOut])
BANK_ACCOUNTS = TypeAdapter(list[BankAccountOut])


class RegisteredOut(BaseModel):
    """The prepared registration, and the address and document it registers."""

    tx: PreparedTx
    address: str
    metadata_cid: str


class MoveOut(BaseModel):
    tx: PreparedTx
    merchant_id: int
    old_address: str
    new_address: str
