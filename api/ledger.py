"""The city's ledger as the indexer projects it (one row: money totals, caps, the pause window),
read by the citizen's page, the budget and the statistics."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from eth_utils import to_checksum_address
from pydantic import BaseModel
from sqlalchemy.engine import Engine

from indexer import schema as s
from wesh.calendar import Caps


class Ledger(BaseModel):
    """The ledger row (amounts in cents; zeros before the indexer has seen the deployment) and
    the block it is as of."""

    total_supply: int = 0
    total_minted: int = 0
    total_burned: int = 0
    escrow_locked: int = 0
    budget_granted: int = 0
    budget_available: int = 0
    paused: bool = False
    pause_grace_from: int = 0
    resumed_at: int = 0
    cap_yearly: int = 0
    cap_monthly: int = 0
    cap_next_yearly: int = 0
    cap_next_monthly: int = 0
    cap_next_from_year: int = 0
    max_open_claims: int = 0
    redemption_contract: str | None = None
    redemptions_requested: int = 0
    redemptions_paid: int = 0
    citizens: int = 0
    merchants: int = 0
    tasks: int = 0
    indexed_block: int = 0

    @classmethod
    def of(cls, row: Any | None, indexed_block: int = 0) -> Ledger:
        """The ledger from its row (None: not there yet)."""
        data = dict(row._mapping) if row is not None else {}
        if data.get("redemption_contract"):
            data["redemption_contract"] = to_checksum_address(data["redemption_contract"])
        return cls.model_validate({**data, "indexed_block": indexed_block})

    def caps(self) -> Caps:
        """The caps as set, and a change scheduled for a later year (``Caps.in_force(year)``
        gives those the contract applies)."""
        return Caps(
            yearly=self.cap_yearly,
            monthly=self.cap_monthly,
            next_yearly=self.cap_next_yearly,
            next_monthly=self.cap_next_monthly,
            next_from_year=self.cap_next_from_year,
        )


def read_ledger(engine: Engine) -> Ledger:
    with engine.connect() as db:
        row = db.execute(sa.select(s.ledger)).first()
        sync = db.execute(sa.select(s.sync_state)).first()
    return Ledger.of(row, int(sync.indexed_block) if sync else 0)
