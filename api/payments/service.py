"""Paying a shop: payment requests (a reference, a link and its QR code), the payments to a
shop, and how far a request is paid."""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from typing import Any

import segno
import sqlalchemy as sa
from eth_utils import to_checksum_address
from sqlalchemy.engine import Engine

from api.errors import InvalidInput, NotFound
from api.merchants.service import MerchantService, of_shop, shop_of
from api.payments.schemas import (
    PaymentOut,
    PaymentRequestCreated,
    PaymentRequestOut,
    PaymentRequestStatus,
)
from api.payments.store import PaymentRequest, PaymentRequests
from api.prepared import PreparedTx, Transactions
from indexer import schema as s
from wesh.neighbourhoods import name_of

#: Payments listed for a shop (confirmed, and as many on their way).
PAYMENTS_SHOWN = 50
#: A payment request is valid for this long: long enough to queue at a counter.
REQUEST_TTL_S = 30 * 60
#: Random bytes in a reference (16 hex digits; the wallet quotes it left-aligned in a bytes32).
REFERENCE_BYTES = 8
#: Where a phone camera that reads the QR code goes: the dApp's payment page.
PAY_PAGE = "/betalen/"
#: Characters in a payment's short code (what the shop and the resident say at the counter).
CODE_LENGTH = 6


def bytes32_of(reference: str) -> str:
    """The on-chain form of a 16-hex-digit reference: left-aligned in a bytes32."""
    return "0x" + reference.lower().ljust(64, "0")


def payment_code(reference: str | None, tx_hash: str) -> str:
    """A payment's short code: the start of the payment request's reference when it quotes one
    (the shop's screen and the resident's say the same code before and after paying), else the
    start of its transaction hash. Hex digits, upper case, without "0x"."""
    source = reference if reference and int(reference, 16) else tx_hash
    return source.removeprefix("0x")[:CODE_LENGTH].upper()


def request_code(reference: str) -> str:
    """The short code of a payment request's payments (``payment_code`` of its reference)."""
    return reference[:CODE_LENGTH].upper()


def payer_neighbourhoods(db: sa.Connection, payers: set[str]) -> dict[str, int]:
    """Payer wallet (lower case) -> the neighbourhood code of the resident who paid from it
    (their wallet now, or one they moved away from); wallets of no resident are left out. Only
    the neighbourhood leaves here, never who the resident is."""
    if not payers:
        return {}
    c, moves = s.citizens.c, s.citizen_moves.c
    found: dict[str, int] = {
        str(wallet): int(hood)
        for wallet, hood in db.execute(
            sa.select(c.wallet, c.neighbourhood).where(c.wallet.in_(sorted(payers)))
        )
    }
    moved = payers - found.keys()
    if moved:
        for wallet, hood in db.execute(
            sa.select(moves.old_wallet, c.neighbourhood)
            .select_from(s.citizen_moves.join(s.citizens, c.citizen_id == moves.citizen_id))
            .where(moves.old_wallet.in_(sorted(moved)))
        ):
            found[str(wallet)] = int(hood)
    return found


def _payment(row: Any, pending: bool, hoods: dict[str, int] | None = None) -> PaymentOut:
    """A row of ``payments`` (or its pending twin) as the API shows it, with the payer's
    neighbourhood from ``hoods`` (``payer_neighbourhoods``)."""
    hood = (hoods or {}).get(row.payer.lower())
    return PaymentOut(
        block_number=row.block_number,
        log_index=row.log_index,
        tx_hash=row.tx_hash,
        payer=to_checksum_address(row.payer),
        amount=row.amount,
        reference=row.reference,
        confirmed=not pending,
        code=payment_code(row.reference, row.tx_hash),
        neighbourhood=hood,
        neighbourhood_name=name_of(hood) if hood is not None else None,
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
    def __init__(
        self,
        engine: Engine,
        requests: PaymentRequests,
        merchants: MerchantService,
        txs: Transactions,
        public_url: str,
    ) -> None:
        self.engine = engine
        self.requests = requests
        self.merchants = merchants
        self.txs = txs
        self.public_url = public_url

    # ------------------------------------------------------------ the shop's side
    def create_request(
        self, merchant: str, amount: int, note: str, now: int
    ) -> PaymentRequestCreated:
        """A new payment request of ``merchant``: a random reference, valid REQUEST_TTL_S."""
        request = PaymentRequest(
            reference=secrets.token_hex(REFERENCE_BYTES),
            merchant=merchant,
            amount=amount,
            note=note,
            created_at=now,
            expires_at=now + REQUEST_TTL_S,
        )
        self.requests.create(request)
        return PaymentRequestCreated(
            reference=request.reference,
            code=request_code(request.reference),
            amount=amount,
            note=note,
            link=self.link(request.reference),
            qr_svg=f"/merchant/payment-requests/{request.reference}/qr.svg",
            expires_at=request.expires_at,
        )

    def link(self, reference: str) -> str:
        return f"{self.public_url}{PAY_PAGE}{reference}"

    def qr_svg(self, reference: str) -> bytes:
        """The QR code of a payment request, as SVG: it holds only the payment link."""
        if self.requests.get(reference) is None:
            raise NotFound("payment_request_unknown")
        out = io.BytesIO()
        segno.make(self.link(reference), error="m").save(
            out, kind="svg", scale=8, border=2, title="Betaalverzoek / payment request"
        )
        return out.getvalue()

    def status(self, reference: str, merchant: str) -> PaymentRequestStatus:
        """How much of ``merchant``'s request has been paid, and by which payments (another
        shop's reference is not found)."""
        request = self.requests.get(reference)
        if request is None or request.merchant.lower() != merchant.lower():
            raise NotFound("payment_request_unknown")
        progress = self.progress(request)
        return PaymentRequestStatus(
            reference=reference,
            amount=progress.amount,
            received=progress.received,
            remaining=progress.remaining,
            paid=progress.paid,
            payments=progress.payments,
        )

    # --------------------------------------------------------- the citizen's side
    def live_request(self, reference: str, now: float) -> PaymentRequest:
        """The request behind a QR code, if it has not expired."""
        request = self.requests.get(reference)
        if request is None or request.expires_at < now:
            raise NotFound("payment_request_unknown")
        return request

    def request_for_payer(self, reference: str, now: float) -> PaymentRequestOut:
        """What a shop's QR code asks: which shop, how much, and how much of it is paid."""
        request = self.live_request(reference, now)
        progress = self.progress(request)
        return PaymentRequestOut(
            reference=reference,
            code=request_code(reference),
            merchant=request.merchant,
            merchant_name=self.shop_name(request.merchant),
            amount=request.amount,
            note=request.note,
            expires_at=request.expires_at,
            received=progress.received,
            remaining=progress.remaining,
            paid=progress.paid,
        )

    def pay(self, reference: str, sender: str, now: float) -> PreparedTx:
        """Paying what is still open of a request (all of it unless part has been paid); a paid
        request is refused."""
        request = self.live_request(reference, now)
        progress = self.progress(request)
        if progress.paid:
            raise InvalidInput("payment_request_paid")
        return self.txs.prepare(
            self.txs.wesh.pay(request.merchant, progress.remaining, bytes.fromhex(reference)),
            sender,
            "pay",
            amount=progress.remaining,
            merchant=self.shop_name(request.merchant),
        )

    def shop_name(self, wallet: str) -> str:
        merchant = self.merchants.merchant(wallet)
        return merchant.name if merchant else wallet

    # ------------------------------------------------------------------ payments
    def payments_to(
        self, merchant: str, after: tuple[int, int] = (-1, -1), limit: int = PAYMENTS_SHOWN
    ) -> list[PaymentOut]:
        """Confirmed payments to ``merchant`` after a position, newest last, plus pending ones."""
        found: list[tuple[Any, bool]] = []
        with self.engine.connect() as db:
            shop = shop_of(db, merchant)
            for table, pending in ((s.payments, False), (s.pending(s.payments), True)):
                query = sa.select(table).where(of_shop(table, merchant, shop))
                if not pending:
                    query = query.where(
                        sa.tuple_(table.c.block_number, table.c.log_index) > sa.tuple_(*after)
                    )
                rows = db.execute(
                    query.order_by(table.c.block_number.desc(), table.c.log_index.desc()).limit(
                        limit
                    )
                ).all()
                found.extend((row, pending) for row in reversed(rows))
            hoods = payer_neighbourhoods(db, {row.payer.lower() for row, _ in found})
        return [_payment(row, pending, hoods) for row, pending in found]

    def progress(self, request: PaymentRequest) -> Progress:
        """How far ``request`` is paid.

        Only payments to the shop that asked, quoting the request's reference, count: the same
        reference quoted to another shop pays nothing here. They add up, confirmed and on their
        way alike; the request is paid when their sum reaches its amount."""
        quoted = bytes32_of(request.reference)
        found: list[tuple[Any, bool]] = []
        with self.engine.connect() as db:
            shop = shop_of(db, request.merchant)
            for table, pending in ((s.payments, False), (s.pending(s.payments), True)):
                rows = db.execute(
                    sa.select(table)
                    .where(of_shop(table, request.merchant, shop), table.c.reference == quoted)
                    .order_by(table.c.block_number, table.c.log_index)
                ).all()
                found.extend((row, pending) for row in rows)
            hoods = payer_neighbourhoods(db, {row.payer.lower() for row, _ in found})
        payments = [_payment(row, pending, hoods) for row, pending in found]
        received = sum(p.amount for p in payments)
        return Progress(
            amount=request.amount,
            received=received,
            remaining=max(request.amount - received, 0),
            paid=received >= request.amount,
            payments=payments,
        )
