"""Shops' cash-outs (Redemption requests) and whether the city has paid them."""

from __future__ import annotations

import sqlalchemy as sa
from eth_utils import to_checksum_address
from sqlalchemy.engine import Engine

from api.cashouts.schemas import CashoutOut
from indexer import schema as s
from wesh.rules import RequestStatus

#: Cash-outs listed at most, newest first.
CASHOUTS_SHOWN = 500


class CashoutService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def redemptions(
        self, merchant: str | None = None, status: RequestStatus | None = None
    ) -> list[CashoutOut]:
        """Cash-outs, newest first: of one shop, or all; in one status, or any."""
        query = sa.select(s.redemptions).order_by(s.redemptions.c.redemption_id.desc())
        if merchant:
            query = query.where(s.redemptions.c.merchant == merchant.lower())
        if status:
            query = query.where(s.redemptions.c.status == status)
        with self.engine.connect() as db:
            rows = db.execute(query.limit(CASHOUTS_SHOWN)).all()
        return [
            CashoutOut(
                redemption_id=row.redemption_id,
                merchant=to_checksum_address(row.merchant),
                amount=row.amount,
                status="paid" if row.status == RequestStatus.PAID else "open",
                payment_reference=row.payment_reference,
                requested_tx=row.requested_tx,
                paid_tx=row.paid_tx,
            )
            for row in rows
        ]
