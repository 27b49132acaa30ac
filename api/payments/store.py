"""Shops' payment requests (the QR codes), by reference: the API's own records
(``api_payment_requests``), kept in the database also when Redis holds the sessions."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from api.tables import payment_requests


@dataclass(frozen=True)
class PaymentRequest:
    reference: str
    merchant: str
    amount: int
    note: str
    created_at: int
    expires_at: int


class PaymentRequests:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create(self, request: PaymentRequest) -> None:
        with self.engine.begin() as db:
            db.execute(payment_requests.insert().values(**asdict(request)))

    def get(self, reference: str) -> PaymentRequest | None:
        with self.engine.connect() as db:
            row = db.execute(
                sa.select(payment_requests).where(payment_requests.c.reference == reference)
            ).first()
        return PaymentRequest(**row._mapping) if row else None

    def of_merchant(self, merchant: str, limit: int = 50) -> list[PaymentRequest]:
        with self.engine.connect() as db:
            rows = db.execute(
                sa.select(payment_requests)
                .where(payment_requests.c.merchant == merchant)
                .order_by(payment_requests.c.created_at.desc())
                .limit(limit)
            ).all()
        return [PaymentRequest(**row._mapping) for row in rows]
