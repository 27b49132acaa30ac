"""What a wallet is in the index: its city role bits, the citizen or shop it belongs to, and the
neighbourhoods the neighbourhood desk grants it as an association.

The one place that reads it (four lookups on the confirmed tables), for the API's roles of a
caller (api/auth/roles.py) and the relayer's signer checks (relayer/checks.py). An association is
an account with at least one neighbourhood granted now."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from indexer import schema as s


@dataclass(frozen=True)
class Wallet:
    role_bits: int
    citizen_id: int | None
    merchant_id: int | None
    #: The neighbourhoods it may register residents of through the desk (ascending; empty: no
    #: association).
    neighbourhoods: tuple[int, ...] = ()

    @property
    def is_association(self) -> bool:
        return bool(self.neighbourhoods)


def what_is(db: Connection, address: str) -> Wallet:
    """``address`` as the confirmed index knows it now."""
    wallet = address.lower()
    bits = db.execute(
        sa.select(s.roles.c.roles).where(s.roles.c.account == wallet)
    ).scalar_one_or_none()
    citizen_id = db.execute(
        sa.select(s.citizens.c.citizen_id).where(s.citizens.c.wallet == wallet)
    ).scalar_one_or_none()
    merchant_id = db.execute(
        sa.select(s.merchants.c.merchant_id).where(s.merchants.c.wallet == wallet)
    ).scalar_one_or_none()
    a = s.association_neighbourhoods.c
    neighbourhoods = tuple(
        int(n)
        for n in db.execute(
            sa.select(a.neighbourhood)
            .where(a.association == wallet, a.granted.is_(True))
            .order_by(a.neighbourhood)
        ).scalars()
    )
    return Wallet(
        role_bits=int(bits or 0),
        citizen_id=citizen_id,
        merchant_id=merchant_id,
        neighbourhoods=neighbourhoods,
    )
