"""The city's ledger as the indexer projects it (one row: money totals, caps, pause window),
read by the citizen's page, the budget and the statistics."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from eth_utils import to_checksum_address
from sqlalchemy.engine import Engine

from indexer import schema as s


def read_ledger(engine: Engine) -> dict[str, Any]:
    with engine.connect() as db:
        row = db.execute(sa.select(s.ledger)).first()
        sync = db.execute(sa.select(s.sync_state)).first()
    data = dict(row._mapping) if row else {}
    data.pop("id", None)
    data.pop("updated_block", None)
    if data.get("redemption_contract"):
        data["redemption_contract"] = to_checksum_address(data["redemption_contract"])
    data["indexed_block"] = int(sync.indexed_block) if sync else 0
    return data


def caps_in(ledger: dict[str, Any], year: int) -> tuple[int, int, int]:
    """(yearly cap, monthly cap, max open claims) in force in ``year``, from the ledger row (a
    scheduled change applies from its year on, as the contract's ``_current_caps``)."""
    yearly, monthly = int(ledger.get("cap_yearly", 0)), int(ledger.get("cap_monthly", 0))
    next_year = int(ledger.get("cap_next_from_year", 0))
    if next_year and year >= next_year:
        yearly = int(ledger.get("cap_next_yearly", 0))
        monthly = int(ledger.get("cap_next_monthly", 0))
    return yearly, monthly, int(ledger.get("max_open_claims", 0))
