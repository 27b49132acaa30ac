"""Payments to shops, and how far a shop's payment request is paid."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from eth_utils import to_checksum_address
from sqlalchemy.engine import Engine

from api.payments.schemas import PaymentOut
from indexer import schema as s

#: Payments listed for a shop (confirmed, and as many on their way).
PAYMENTS_SHOWN = 50


def bytes32_of(reference: str) -> str:
    """The on-chain form of a 16-hex-digit reference: left-aligned in a bytes32."""
    return "0x" + reference.lower().ljust(64, "0")


def _payment(row: Any, pending: bool) -> PaymentOut:
    """A row of ``payments`` (or its pending twin) as the API shows it."""
    return PaymentOut(
        block_number=row.block_number,
        log_index=row.log_index,
        tx_hash=row.tx_hash,
        payer=to_checksum_address(row.payer),
        amount=row.amount,
        reference=row.reference,
        confirmed=not pending,
    )


@dataclass(frozen=True)
class Progress:
    """How far a payment request is paid (amounts in cents)."""

    amount: int
    received: int
    remaining: int
    paid: bool
    #: The payments that count, oldest first.
    payments: list[PaymentOut]


class PaymentService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def payments_to(
        self, merchant: str, after: tuple[int, int] = (-1, -1), limit: int = PAYMENTS_SHOWN
    ) -> list[PaymentOut]:
        """Confirmed payments to ``merchant`` after a position, newest last, plus pending ones."""
        wallet = merchant.lower()
        out: list[PaymentOut] = []
        with self.engine.connect() as db:
            for table, pending in ((s.payments, False), (s.pending(s.payments), True)):
                query = sa.select(table).where(table.c.merchant == wallet)
                if not pending:
                    query = query.where(
                        sa.tuple_(table.c.block_number, table.c.log_index) > sa.tuple_(*after)
                    )
                rows = db.execute(
                    query.order_by(table.c.block_number.desc(), table.c.log_index.desc()).limit(
                        limit
                    )
                ).all()
                out.extend(_payment(row, pending) for row in reversed(rows))
        return out

    def request_progress(self, merchant: str, reference: str, amount: int) -> Progress:
        """How far a payment request of ``merchant`` for ``amount`` cents is paid.

        Only payments to ``merchant`` quoting ``reference`` (its bytes32 form) count: the same
        reference quoted to another shop pays nothing here. They add up, confirmed and on their
        way alike; the request is paid when their sum reaches ``amount``."""
        wallet, quoted = merchant.lower(), reference.lower()
        payments: list[PaymentOut] = []
        with self.engine.connect() as db:
            for table, pending in ((s.payments, False), (s.pending(s.payments), True)):
                rows = db.execute(
                    sa.select(table)
                    .where(table.c.merchant == wallet, table.c.reference == quoted)
                    .order_by(table.c.block_number, table.c.log_index)
                ).all()
                payments.extend(_payment(row, pending) for row in rows)
        received = sum(p.amount for p in payments)
        return Progress(
            amount=amount,
            received=received,
            remaining=max(amount - received, 0),
            paid=received >= amount,
            payments=payments,
        )
