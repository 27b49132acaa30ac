"""What a wallet is, read from the indexed chain: its city roles, whether it is a citizen or a
merchant, and the neighbourhoods a neighbourhood association may register residents of. Read on
every request, so a role revoked on chain is revoked here as soon as the indexer applies the
block."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from indexer.wallets import what_is
from wesh.rules import Role

#: The city roles by their bit, named as the API's callers see them ("task manager").
CITY_ROLES = {role: str(role.name).lower().replace("_", " ") for role in Role}
#: Anyone holding a city role is also "city" (the dashboard's staff).
CITY = "city"
CITIZEN = "citizen"
MERCHANT = "merchant"
#: A neighbourhood association (GMS): the neighbourhood desk grants it at least one neighbourhood.
ASSOCIATION = "association"


@dataclass(frozen=True)
class RoleSet:
    bits: int
    is_citizen: bool
    is_merchant: bool
    citizen_id: int | None = None
    merchant_id: int | None = None
    names: frozenset[str] = field(default_factory=frozenset)
    #: The neighbourhoods the desk grants it as an association (empty: no association).
    neighbourhoods: tuple[int, ...] = ()


class Roles:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def of(self, address: str) -> RoleSet:
        """The roles of ``address`` now (``indexer.wallets.what_is``)."""
        with self.engine.connect() as db:
            wallet = what_is(db, address)
        bits, citizen_id, merchant_id = wallet.role_bits, wallet.citizen_id, wallet.merchant_id
        names = {name for role, name in CITY_ROLES.items() if bits & role}
        if names:
            names.add(CITY)
        if citizen_id is not None:
            names.add(CITIZEN)
        if merchant_id is not None:
            names.add(MERCHANT)
        if wallet.neighbourhoods:
            names.add(ASSOCIATION)
        return RoleSet(
            bits=bits,
            is_citizen=citizen_id is not None,
            is_merchant=merchant_id is not None,
            citizen_id=citizen_id,
            merchant_id=merchant_id,
            names=frozenset(names),
            neighbourhoods=wallet.neighbourhoods,
        )
