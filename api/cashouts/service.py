"""Shops' cash-outs (Redemption requests): listing them, cashing in, and the treasurer recording
the bank transfers that paid them."""

from __future__ import annotations

import sqlalchemy as sa
from eth_utils import to_checksum_address
from sqlalchemy.engine import Engine

from api import tables
from api.cashouts.schemas import CashoutOut
from api.errors import Conflict
from api.merchants.service import of_shop, shop_of
from api.prepared import PreparedTx, Transactions
from indexer import schema as s
from wesh.rules import RequestStatus

#: Cash-outs listed at most, newest first.
CASHOUTS_SHOWN = 500


class CashoutService:
    def __init__(self, engine: Engine, txs: Transactions) -> None:
        self.engine = engine
        self.txs = txs

    def redemptions(
        self, merchant: str | None = None, status: RequestStatus | None = None
    ) -> list[CashoutOut]:
        """Cash-outs, newest first: of one shop, or all; in one status, or any."""
        query = sa.select(s.redemptions).order_by(s.redemptions.c.redemption_id.desc())
        if status:
            query = query.where(s.redemptions.c.status == status)
        with self.engine.connect() as db:
            if merchant:
                query = query.where(of_shop(s.redemptions, merchant, shop_of(db, merchant)))
            rows = db.execute(query.limit(CASHOUTS_SHOWN)).all()
        return [
            CashoutOut(
                redemption_id=row.redemption_id,
                merchant=to_checksum_address(row.merchant),
                merchant_id=row.merchant_id or None,
                amount=row.amount,
                status="paid" if row.status == RequestStatus.PAID else "open",
                payment_reference=row.payment_reference,
                requested_tx=row.requested_tx,
                paid_tx=row.paid_tx,
            )
            for row in rows
        ]

    def cash_out(self, amount: int, sender: str) -> PreparedTx:
        """The shop's Heitjes are burned; the city pays the euros by bank."""
        return self.txs.prepare(self.txs.wesh.redeem(amount), sender, "redeem", amount=amount)

    def mark_paid(self, redemption_ids: list[int], reference: str, sender: str) -> PreparedTx:
        """Recording that the bank transfer with ``reference`` paid these cash-outs. A cash-out
        in a payout file (``api.finance``) is marked paid from that file, never by hand: the
        bank may pay the file too."""
        with self.engine.connect() as db:
            filed = sorted(
                db.execute(
                    sa.select(tables.payout_filed.c.redemption_id).where(
                        tables.payout_filed.c.redemption_id.in_(sorted(set(redemption_ids)))
                    )
                ).scalars()
            )
        if filed:
            raise Conflict("payout_already_filed", ids=", ".join(map(str, filed)))
        return self.txs.prepare(
            self.txs.wesh.mark_paid(redemption_ids, reference),
            sender,
            "mark_paid",
            count=len(redemption_ids),
            reference=reference,
        )
