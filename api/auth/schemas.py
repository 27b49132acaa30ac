"""What the sign-in routes take and give."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from api.params import ADDRESS

ADDRESS_FIELD = Field(pattern=ADDRESS, examples=["0x70997970C51812dc3A010C7d01b50e0d17dc79C8"])


class NonceOut(BaseModel):
    nonce: str
    domain: str
    uri: str
    chain_id: int
    statement: str
    expires_in: int


class MessageIn(BaseModel):
    address: Annotated[str, ADDRESS_FIELD]


class MessageOut(BaseModel):
    message: str
    nonce: str


class VerifyIn(BaseModel):
    message: str = Field(min_length=1, max_length=4000)
    signature: str = Field(pattern=r"^0x[0-9a-fA-F]{2,2000}$")


class SessionOut(BaseModel):
    address: str
    roles: list[str]
    citizen_id: int | None = None
    merchant_id: int | None = None
    #: A neighbourhood association's neighbourhoods (role ``association``): the codes whose
    #: residents it may register through the neighbourhood desk; empty for everyone else.
    neighbourhoods: list[int] = Field(default_factory=list)
    token: str | None = None
    expires_at: int | None = None
