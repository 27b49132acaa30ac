"""What a wallet is, read from the indexed chain: its city roles, and whether it is a citizen or
a merchant. Read on every request, so a role revoked on chain is revoked here as soon as the
indexer applies the block."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from indexer import schema as s
from wesh.rules import Role

#: The city roles by their bit, named as the API's callers see them ("task manager").
CITY_ROLES = {role: str(role.name).lower().replace("_", " ") for role in Role}
#: Anyone holding a city role is also "city" (the dashboard's staff).
CITY = "city"
CITIZEN = "citizen"
MERCHANT = "merchant"


@dataclass(frozen=True)
class RoleSet:
    bits: int
    is_citizen: bool
    is_merchant: bool
    citizen_id: int | None = None
    merchant_id: int | None = None
    names: frozenset[str] = field(default_factory=frozenset)


class Roles:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def of(self, address: str) -> RoleSet:
        """The roles of ``address`` now (three index lookups)."""
        wallet = address.lower()
        with self.engine.connect() as db:
            bits = db.execute(
                sa.select(s.roles.c.roles).where(s.roles.c.account == wallet)
            ).scalar_one_or_none()
            citizen_id = db.execute(
                sa.select(s.citizens.c.citizen_id).where(s.citizens.c.wallet == wallet)
            ).scalar_one_or_none()
            merchant_id = db.execute(
                sa.select(s.merchants.c.merchant_id).where(s.merchants.c.wallet == wallet)
            ).scalar_one_or_none()
        bits = int(bits or 0)
        names = {name for role, name in CITY_ROLES.items() if bits & role}
        if names:
            names.add(CITY)
        if citizen_id is not None:
            names.add(CITIZEN)
        if merchant_id is not None:
            names.add(MERCHANT)
        return RoleSet(
            bits=bits,
            is_citizen=citizen_id is not None,
            is_merchant=merchant_id is not None,
            citizen_id=citizen_id,
            merchant_id=merchant_id,
            names=frozenset(names),
        )
