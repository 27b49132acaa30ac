"""What the relay endpoints take and answer (docs/relayer.md, "API")."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from api.params import ADDRESS
from relayer.status import RelayStatus
from wesh import forwarding

#: Call data as 0x-hex, at most what the forwarder's ``execute`` takes.
HEX_DATA = r"^0x([0-9a-fA-F]{2})*$"
SIGNATURE = r"^0x[0-9a-fA-F]{130}$"

Address = Annotated[str, Field(pattern=ADDRESS)]
State = Literal["accepted", "sent", "mined", "confirmed", "refused", "failed"]

__all__ = ["RelayStatus"]


class RelayMessage(BaseModel):
    """The signed request, as ``typed_data.message`` of the offer: what the wallet signed."""

    from_: Address = Field(alias="from")
    to: Address
    #: Always 0 (WESH's calls are non-payable; the forwarder verifies against 0).
    value: Annotated[int, Field(ge=0, le=0)] = 0
    gas: Annotated[int, Field(ge=0, lt=2**63)]
    nonce: Annotated[int, Field(ge=0, lt=2**63)]
    deadline: Annotated[int, Field(ge=0, lt=2**48)]
    data: Annotated[str, Field(pattern=HEX_DATA, max_length=2 + 2 * forwarding.MAX_DATA)]

    model_config = {"populate_by_name": True}


class RelayDomain(BaseModel):
    """The EIP-712 domain the client signed under (optional: without it, a request signed for
    another chain or forwarder simply does not match its signature)."""

    name: str | None = None
    version: str | None = None
    chainId: int | None = None
    verifyingContract: str | None = None


class RelayRequestIn(BaseModel):
    request: RelayMessage
    #: The 65-byte signature (r, s, v) ``eth_signTypedData_v4`` returns.
    signature: Annotated[str, Field(pattern=SIGNATURE)]
    domain: RelayDomain | None = None


class Reason(BaseModel):
    nl: str
    en: str


class RelayRequestOut(BaseModel):
    """A request the relayer accepted, and where it is: accepted -> sent -> mined -> confirmed,
    or refused (not sent) / failed (mined, but its call failed or the forwarder skipped it),
    with the reason in words."""

    id: str
    state: State
    signer: str
    nonce: int
    function: str
    reason: Reason | None = None
    tx_hash: str | None = None
    block_number: int | None = None
    created_at: float
    updated_at: float


class RelayInfo(BaseModel):
    """Whether the city relays, and what a wallet signs for it."""

    #: Requests are taken now: the relayer is on here and its sender is running.
    enabled: bool
    #: The relayer is on here (WESH_RELAYER_ENABLED): prepared calls carry its offer.
    configured: bool
    #: Its sender made a pass lately (``WESH_RELAYER_SENDER_TIMEOUT_S``).
    sender_running: bool
    chain_id: int
    forwarder: str | None
    #: The forwarder's EIP-712 domain (name, version, chainId, verifyingContract).
    domain: dict[str, Any] | None
    #: The relayer's address (it pays the fees).
    relayer: str | None
