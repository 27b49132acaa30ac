"""A signed-in wallet's own page: balance, earnings against the cap, claims, and history."""

from __future__ import annotations

import sqlalchemy as sa
from eth_utils import to_checksum_address
from sqlalchemy.engine import Engine

from api.citizens.schemas import ClaimOut, HistoryItem, MeOut
from api.ledger import Ledger
from indexer import schema as s
from wesh import deadlines
from wesh.calendar import amsterdam_period

#: Claims listed on the page, newest first.
CLAIMS_SHOWN = 100
#: Transfers listed in the history, newest first.
HISTORY_SHOWN = 50


class CitizenService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def me(self, address: str, now: float) -> MeOut:
        """What ``address`` holds and may still earn at ``now``, and its latest claims."""
        wallet = address.lower()
        year, month = amsterdam_period(int(now))
        with self.engine.connect() as db:
            account = db.execute(
                sa.select(s.accounts).where(s.accounts.c.address == wallet)
            ).first()
            citizen = db.execute(sa.select(s.citizens).where(s.citizens.c.wallet == wallet)).first()
            ledger = Ledger.of(db.execute(sa.select(s.ledger)).first())
            earned_year = earned_month = 0
            claims: list[ClaimOut] = []
            if citizen is not None:
                cid = int(citizen.citizen_id)
                e = s.earnings.c
                # The year's months in one query: the year's total and this month's.
                for row_month, amount in db.execute(
                    sa.select(e.month, e.amount).where(e.citizen_id == cid, e.year == year)
                ):
                    earned_year += int(amount)
                    if int(row_month) == month:
                        earned_month += int(amount)
                claims = [
                    ClaimOut(
                        task_id=row.task_id,
                        status=row.status,
                        # As the contract decides it: a deadline in a pause gets a grace.
                        expires_at=deadlines.effective_expiry(
                            int(row.expires_at), ledger.pause_grace_from, ledger.resumed_at
                        ),
                        reward=row.reward,
                        reason=row.reason,
                        appealed=bool(row.appealed),
                        rejections=row.rejections,
                        final=deadlines.is_final(int(row.rejections)),
                        evidence_cid=row.evidence_cid,
                    )
                    for row in db.execute(
                        sa.select(s.claims)
                        .where(s.claims.c.citizen_id == cid)
                        .order_by(s.claims.c.claimed_block.desc())
                        .limit(CLAIMS_SHOWN)
                    ).all()
                ]
            incoming = db.execute(
                sa.select(sa.func.coalesce(sa.func.sum(s.pending(s.transfers).c.value), 0)).where(
                    s.pending(s.transfers).c.receiver == wallet
                )
            ).scalar_one()
        caps = ledger.caps().in_force(year)
        reserved = int(citizen.reserved) if citizen else 0
        cap_left = max(0, caps.yearly - earned_year - reserved)
        if caps.monthly:
            cap_left = min(cap_left, max(0, caps.monthly - earned_month - reserved))
        return MeOut(
            address=to_checksum_address(address),
            balance=int(account.balance) if account else 0,
            pending_incoming=int(incoming or 0),
            is_citizen=citizen is not None,
            citizen_id=int(citizen.citizen_id) if citizen else None,
            active=bool(citizen.active) if citizen else False,
            neighbourhood=int(citizen.neighbourhood) if citizen else None,
            year=year,
            month=month,
            earned_year=earned_year,
            earned_month=earned_month,
            reserved=reserved,
            open_claims=int(citizen.open_claims) if citizen else 0,
            max_open_claims=ledger.max_open_claims,
            cap_yearly=caps.yearly,
            cap_monthly=caps.monthly,
            cap_left=cap_left,
            claims=claims,
        )

    def history(self, address: str, limit: int = HISTORY_SHOWN) -> list[HistoryItem]:
        """Every transfer to or from ``address``, newest first."""
        wallet = address.lower()
        t, p = s.transfers, s.payments
        with self.engine.connect() as db:
            rows = db.execute(
                sa.select(
                    t.c.block_number,
                    t.c.log_index,
                    t.c.tx_hash,
                    t.c.sender,
                    t.c.receiver,
                    t.c.value,
                    t.c.kind,
                    p.c.reference,
                    s.blocks.c.timestamp,
                )
                .select_from(
                    t.outerjoin(
                        p,
                        sa.and_(
                            p.c.block_number == t.c.block_number, p.c.log_index == t.c.log_index
                        ),
                    ).outerjoin(s.blocks, s.blocks.c.number == t.c.block_number)
                )
                .where(sa.or_(t.c.sender == wallet, t.c.receiver == wallet))
                .order_by(t.c.block_number.desc(), t.c.log_index.desc())
                .limit(limit)
            ).all()
        return [
            HistoryItem(
                block_number=row.block_number,
                log_index=row.log_index,
                tx_hash=row.tx_hash,
                timestamp=row.timestamp,
                kind=row.kind,
                direction="in" if row.receiver == wallet else "out",
                counterparty=to_checksum_address(
                    row.sender if row.receiver == wallet else row.receiver
                ),
                amount=row.value,
                reference=row.reference,
            )
            for row in rows
        ]
