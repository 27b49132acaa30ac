"""What joining at the desk takes and gives: a join code, what it stands for, and the desk's
registration and move of a resident."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from api.params import ADDRESS
from wesh import rules

#: A join code as people type it: eight characters, with or without the hyphen and spaces
#: (``api.joining.service.normalise`` reads it; a whole link from the QR code works too).
CodeText = Annotated[str, Field(min_length=8, max_length=200)]


class JoinCodeOut(BaseModel):
    """The code a new account shows at the desk (valid until ``expires_at``, unix time)."""

    #: Eight characters without look-alikes (Crockford base32), shown as ``ABCD-EFGH``.
    code: str
    #: What the QR code holds: a link to the desk's page with the code (no personal data).
    link: str
    #: The QR code of ``link``, as SVG markup (show it as an image: ``data:image/svg+xml,...``).
    qr_svg: str
    expires_at: int
    #: Whether this account is a citizen (or a shop) already: then there is nothing to wait for.
    registered: bool


class JoinCodeInfo(BaseModel):
    """What a join code stands for, for the desk (staff only)."""

    code: str
    address: str
    expires_at: int
    is_citizen: bool
    citizen_id: int | None
    neighbourhood: int | None
    is_merchant: bool
    merchant_id: int | None
    #: A retired wallet (its citizen or shop moved to a new one): it can never be registered.
    moved: bool


class RegisterIn(BaseModel):
    code: CodeText
    neighbourhood: Annotated[int, Field(ge=1, le=rules.MAX_NEIGHBOURHOOD)]
    #: What the desk checked (a BSN, a document number): only its keyed hash is kept.
    person_reference: Annotated[str, Field(min_length=4, max_length=64)]
    #: Register although the same person was registered before (the desk said so).
    confirm_duplicate: bool = False


class MoveIn(BaseModel):
    #: The resident: their citizen number, or the address they use now.
    citizen: Annotated[int, Field(ge=1, le=2**32 - 1)] | Annotated[str, Field(pattern=ADDRESS)]
    #: The join code the new phone shows.
    code: CodeText


class ResidentEvent(BaseModel):
    """What ``GET /me/stream`` sends when the caller's account changes: registered (or not)."""

    is_citizen: bool
    citizen_id: int | None
    neighbourhood: int | None
    is_merchant: bool
    merchant_id: int | None
